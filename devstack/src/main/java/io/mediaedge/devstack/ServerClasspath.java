package io.mediaedge.devstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The classpath of one forked server (Cassandra, Kafka), resolved by the build apart from ours.
 *
 * <p>The build lists each server's dependencies in {@code devstack/SERVER/pom.xml} and writes
 * {@code ${devstack.dir}/SERVER.classpath}: the absolute paths of its jars in the local Maven
 * repository, joined with the platform's path separator. Handing that string to {@code java -cp}
 * of the forked JVM keeps the server's libraries (Kafka's broker, Cassandra's Netty 4.1, ...) out
 * of our own classpath entirely.
 */
public final class ServerClasspath {

  private ServerClasspath() {}

  /** {@code ${devstack.dir}/SERVER.classpath}, checked; fails with the fix when it is unusable. */
  public static String of(String server) {
    return read(devstackDir().resolve(server + ".classpath"), server);
  }

  /**
   * Reads a classpath file and checks that every jar it names exists, so a server never starts
   * half-resolved (that fails much later, with a NoClassDefFoundError deep in its log).
   */
  public static String read(Path file, String server) {
    String fix = "run ./mvnw generate-resources (or any later phase, e.g. ./mvnw test-compile): it "
        + "resolves devstack/" + server + "/pom.xml into " + file + ".";
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("The " + server + " server classpath " + file.toAbsolutePath()
          + " is missing: " + fix);
    }
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the " + server + " server classpath " + file, e);
    }
    List<String> entries = Arrays.stream(content.split(File.pathSeparator))
        .filter(entry -> !entry.isBlank())
        .toList();
    if (entries.isEmpty()) {
      throw new IllegalStateException("The " + server + " server classpath " + file.toAbsolutePath()
          + " is empty: " + fix);
    }
    List<String> missing = entries.stream().filter(entry -> !Files.exists(Path.of(entry))).toList();
    if (!missing.isEmpty()) {
      // The build re-resolves by itself when it sees a missing jar, so the same command fixes it.
      throw new IllegalStateException("The " + server + " server classpath names " + missing.size()
          + " jar(s) no longer in the local Maven repository (first: " + missing.get(0) + "): " + fix);
    }
    return String.join(File.pathSeparator, entries);
  }

  /** Where the build puts the servers' files ({@code target/devstack} unless told otherwise). */
  public static Path devstackDir() {
    return Path.of(System.getProperty("devstack.dir", "target/devstack")).toAbsolutePath();
  }
}
