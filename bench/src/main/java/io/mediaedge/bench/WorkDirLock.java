package io.mediaedge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One benchmark run per work directory: two would wipe each other's servers and data. The lock
 * is a file lock on {@code DIR/.lock}, held until this JVM exits.
 */
final class WorkDirLock {
  private WorkDirLock() {}

  /** Takes the lock, or says on stderr that {@code benchmark} is already running there and returns false. */
  static boolean hold(Path work, String benchmark) {
    Path lockFile = work.toAbsolutePath().resolve(".lock");
    try {
      Files.createDirectories(lockFile.getParent());
      FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      if (channel.tryLock() == null) {
        System.err.println(benchmark + ": another run is using " + lockFile.getParent()
            + "; wait for it or pass --work DIR");
        return false;
      }
      return true; // the channel stays open, so the lock is held until this JVM exits
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + lockFile, e);
    }
  }
}
