package io.mediaedge.config;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file-backed setting that operators change without a restart (trusted proxy ranges, route
 * table). The file is read and parsed once at start (a bad file stops the start); afterwards its
 * modification time and size are checked every interval on a worker thread, and a changed file is
 * parsed there and swapped in at once. A replacement that does not parse keeps the previous value
 * and logs why, so a typo never takes the edge down.
 *
 * @param <T> the parsed, immutable value
 */
public final class ReloadableFile<T> {
  private static final Logger log = LoggerFactory.getLogger(ReloadableFile.class);

  /** Reads and validates the file; throws with a sentence naming what is wrong. */
  @FunctionalInterface
  public interface Parser<T> {
    T parse(Path file) throws IOException;
  }

  private final Path file;
  private final String what;
  private final Parser<T> parser;
  private final AtomicReference<Loaded<T>> current;
  private volatile Consumer<T> onChange = value -> {};
  private Vertx vertx;
  private long timer = -1;

  private record Loaded<T>(T value, Stamp stamp) {}

  private record Stamp(long modifiedMillis, long size) {}

  /** Reads the file now (blocking: call at start-up, not on an event loop). */
  public ReloadableFile(Path file, String what, Parser<T> parser) {
    this.file = file;
    this.what = what;
    this.parser = parser;
    try {
      Stamp stamp = stamp();
      this.current = new AtomicReference<>(new Loaded<>(parser.parse(file), stamp));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("The " + what + " file " + file + " cannot be used: " + message(e), e);
    }
  }

  public T get() {
    return current.get().value();
  }

  public Path file() {
    return file;
  }

  /** Called on a worker thread with each new value after a reload. */
  public ReloadableFile<T> onChange(Consumer<T> listener) {
    this.onChange = Objects.requireNonNull(listener);
    return this;
  }

  public void watch(Vertx vertx, Duration interval) {
    stop();
    this.vertx = vertx;
    timer = vertx.setPeriodic(interval.toMillis(), id -> checkNow());
  }

  public void stop() {
    if (vertx != null && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Checks the file once; completes with true when a new value was swapped in. */
  public Future<Boolean> checkNow() {
    if (vertx == null) {
      return Future.failedFuture(new IllegalStateException("not watching"));
    }
    return vertx.executeBlocking(this::reloadIfChanged, false);
  }

  private boolean reloadIfChanged() {
    Loaded<T> before = current.get();
    Stamp stamp;
    try {
      stamp = stamp();
    } catch (IOException e) {
      log.warn("The {} file {} cannot be read ({}); keeping the loaded version", what, file, message(e));
      return false;
    }
    if (stamp.equals(before.stamp())) {
      return false;
    }
    T value;
    try {
      value = parser.parse(file);
    } catch (IOException | RuntimeException e) {
      log.warn("The changed {} file {} was not loaded, keeping the previous version: {}", what, file, message(e));
      // Remember the stamp so a broken file is reported once, not every interval.
      current.compareAndSet(before, new Loaded<>(before.value(), stamp));
      return false;
    }
    if (!current.compareAndSet(before, new Loaded<>(value, stamp))) {
      return false;
    }
    log.info("Reloaded the {} file {}", what, file);
    onChange.accept(value);
    return true;
  }

  private Stamp stamp() throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return new Stamp(attributes.lastModifiedTime().toMillis(), attributes.size());
  }

  private static String message(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
