package io.mediaedge.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * What every benchmark run of a forked media-edge does around its measurements: console lines
 * stamped with the time since the start, and the result file
 * {@code <name>-<UTC time>.json}. Also the few figures of a transfer ({@link BenchFigures} has the
 * others).
 */
final class BenchRun {
  static final double MIB = 1024.0 * 1024.0;

  private final String name;
  private final long t0 = System.nanoTime();
  private final Instant started = Instant.now();

  BenchRun(String name) {
    this.name = name;
  }

  String name() {
    return name;
  }

  Instant started() {
    return started;
  }

  /** Seconds since this run began. */
  double elapsedSeconds() {
    return BenchFigures.seconds(System.nanoTime() - t0);
  }

  void say(String message) {
    System.out.printf(Locale.ROOT, "[bench %6.1fs] %s%n", elapsedSeconds(), message);
  }

  /** Writes {@code result} as {@code dir/<name>-<UTC start time>.json} and returns the file. */
  Path writeResult(Path dir, JsonObject result) {
    return BenchFigures.writeResult(dir, name, started, result);
  }

  // ---------------------------------------------------------------------------------------------
  // Figures of a transfer (the rest are BenchFigures')

  /** Decimal megabytes per second. */
  static double mbps(long bytes, double seconds) {
    return BenchFigures.round(bytes / 1e6 / seconds, 1);
  }

  static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max) + "...";
  }

  /** The end of {@code s}, where a failure's message says what went wrong (a start failure ends with the log's last lines). */
  static String lastChars(String s, int max) {
    return s == null || s.length() <= max ? s : "..." + s.substring(s.length() - max);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
