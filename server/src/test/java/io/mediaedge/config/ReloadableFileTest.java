package io.mediaedge.config;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads of a file that operators replace while the server runs. The parser here reads a number;
 * anything else is a broken file.
 */
@ExtendWith(VertxExtension.class)
class ReloadableFileTest {
  private static final Duration NEVER = Duration.ofHours(1);

  @TempDir Path dir;
  /** Holds "7" at the start of each test. */
  private Path file;
  private final AtomicInteger parses = new AtomicInteger();
  private final List<Integer> changes = new CopyOnWriteArrayList<>();

  private Integer parse(Path file) throws IOException {
    parses.incrementAndGet();
    String text = Files.readString(file).trim();
    if (!text.matches("\\d+")) {
      throw new IllegalArgumentException("'" + text + "' is not a number");
    }
    return Integer.valueOf(text);
  }

  @BeforeEach
  void writeSeven() throws IOException {
    file = Files.writeString(dir.resolve("n.txt"), "7\n");
  }

  private ReloadableFile<Integer> watched(Vertx vertx) {
    ReloadableFile<Integer> reloadable = new ReloadableFile<>(file, "test number", this::parse).onChange(changes::add);
    reloadable.watch(vertx, NEVER);
    return reloadable;
  }

  /** Writes aside and renames over the file, as editors, scripts and geoipupdate do. */
  private void replace(String content) throws IOException {
    Path next = Files.writeString(dir.resolve(file.getFileName() + ".tmp"), content);
    Files.move(next, file, ATOMIC_MOVE, REPLACE_EXISTING);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theFileIsReadAtConstruction() throws IOException {
    ReloadableFile<Integer> reloadable = new ReloadableFile<>(file, "test number", this::parse);
    assertEquals(7, reloadable.get());
    assertEquals(file, reloadable.file());
    assertEquals(1, parses.get());
  }

  @Test
  void aBrokenFileAtStartStopsTheStartWithTheFileAndTheReason() throws IOException {
    Files.writeString(file, "seven");
    ConfigException error = assertThrows(ConfigException.class,
        () -> new ReloadableFile<>(file, "test number", this::parse));
    assertEquals("The test number file " + file + " cannot be used: 'seven' is not a number", error.getMessage());
  }

  @Test
  void aMissingFileAtStartStopsTheStart() {
    Path absent = dir.resolve("absent.txt");
    ConfigException error = assertThrows(ConfigException.class,
        () -> new ReloadableFile<>(absent, "test number", this::parse));
    assertTrue(error.getMessage().startsWith("The test number file " + absent + " cannot be used"), error.getMessage());
  }

  @Test
  void aReplacedFileIsSwappedInAndListenersHearOfIt(Vertx vertx) throws Exception {
    ReloadableFile<Integer> reloadable = watched(vertx);
    replace("1234\n");
    assertTrue(await(reloadable.checkNow()));
    assertEquals(1234, reloadable.get());
    assertEquals(List.of(1234), changes);
  }

  @Test
  void aSameSizeReplacementWithANewModificationTimeIsSwappedIn(Vertx vertx) throws Exception {
    ReloadableFile<Integer> reloadable = watched(vertx);
    FileTime before = Files.getLastModifiedTime(file);
    replace("8\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 5_000));
    assertTrue(await(reloadable.checkNow()));
    assertEquals(8, reloadable.get());
    assertEquals(List.of(8), changes);
  }

  @Test
  void anUnchangedFileIsNotParsedAgain(Vertx vertx) throws Exception {
    ReloadableFile<Integer> reloadable = watched(vertx);
    assertFalse(await(reloadable.checkNow()));
    assertFalse(await(reloadable.checkNow()));
    assertEquals(1, parses.get());
    assertEquals(List.of(), changes);
  }

  @Test
  void aBrokenReplacementKeepsTheOldValueAndIsReportedOnce(Vertx vertx) throws Exception {
    ReloadableFile<Integer> reloadable = watched(vertx);
    replace("not a number\n");
    assertFalse(await(reloadable.checkNow()));
    assertEquals(7, reloadable.get());
    assertFalse(await(reloadable.checkNow()));
    assertEquals(2, parses.get(), "the broken version is parsed once, not at every check");
    assertEquals(List.of(), changes);

    replace("99\n");
    assertTrue(await(reloadable.checkNow()), "a fixed file is picked up");
    assertEquals(99, reloadable.get());
    assertEquals(List.of(99), changes);
  }

  @Test
  void aDeletedFileKeepsTheLoadedValueUntilItIsBack(Vertx vertx) throws Exception {
    ReloadableFile<Integer> reloadable = watched(vertx);
    Files.delete(file);
    assertFalse(await(reloadable.checkNow()));
    assertEquals(7, reloadable.get());
    replace("42\n");
    assertTrue(await(reloadable.checkNow()));
    assertEquals(42, reloadable.get());
  }

  @Test
  void anEmptiedFileIsABrokenReplacement(Vertx vertx) throws Exception {
    ReloadableFile<Integer> reloadable = watched(vertx);
    Files.writeString(file, "");
    assertFalse(await(reloadable.checkNow()));
    assertEquals(7, reloadable.get());
  }

  @Test
  void aListenerThatThrowsDoesNotUndoTheReload(Vertx vertx) throws Exception {
    ReloadableFile<Integer> reloadable = new ReloadableFile<>(file, "test number", this::parse)
        .onChange(value -> {
          throw new IllegalStateException("listener failed");
        });
    reloadable.watch(vertx, NEVER);
    replace("1234\n");
    ExecutionException failed = assertThrows(ExecutionException.class, () -> await(reloadable.checkNow()));
    assertInstanceOf(IllegalStateException.class, failed.getCause());
    assertEquals(1234, reloadable.get(), "the new value is in force");
  }

  @Test
  void checkingBeforeWatchingFails() throws Exception {
    ReloadableFile<Integer> reloadable = new ReloadableFile<>(file, "test number", this::parse);
    ExecutionException failed = assertThrows(ExecutionException.class, () -> await(reloadable.checkNow()));
    assertInstanceOf(IllegalStateException.class, failed.getCause());
  }

  @Test
  void theTimerPicksUpAChangeWithoutBeingAsked(Vertx vertx) throws Exception {
    ReloadableFile<Integer> reloadable = new ReloadableFile<>(file, "test number", this::parse).onChange(changes::add);
    reloadable.watch(vertx, Duration.ofMillis(100));
    try {
      replace("1234\n");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      // The new value is in force a moment before the listener has heard of it: wait for both.
      while ((reloadable.get() != 1234 || changes.isEmpty()) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1234, reloadable.get());
      assertEquals(List.of(1234), changes);
    } finally {
      reloadable.stop();
    }
  }

  @Test
  void afterStopTheTimerNoLongerReloads(Vertx vertx) throws Exception {
    ReloadableFile<Integer> reloadable = new ReloadableFile<>(file, "test number", this::parse);
    reloadable.watch(vertx, Duration.ofMillis(100));
    reloadable.stop();
    replace("1234\n");
    Thread.sleep(400);
    assertEquals(7, reloadable.get());
    assertEquals(1, parses.get());
  }
}
