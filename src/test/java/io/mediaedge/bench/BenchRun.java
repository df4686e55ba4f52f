package io.mediaedge.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What every benchmark run of a forked media-edge does around its measurements: one run per work
 * directory, console lines stamped with the time since the start, the machine's facts, and the
 * result file {@code <name>-<UTC time>.json}. Also the small conversions the figures need.
 */
final class BenchRun {
  static final double MIB = 1024.0 * 1024.0;
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

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
    return seconds(System.nanoTime() - t0);
  }

  /**
   * Takes the work directory for this run, held until the JVM exits; false (after saying so) when
   * another run holds it: two runs in one directory would delete each other's server data.
   */
  boolean lock(Path workDir) {
    Path lockFile = workDir.toAbsolutePath().resolve(".lock");
    try {
      Files.createDirectories(lockFile.getParent());
      FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      if (channel.tryLock() == null) {
        System.err.println(name + ": another benchmark is running in " + lockFile.getParent()
            + "; wait for it or pass --work DIR");
        return false;
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + lockFile, e);
    }
  }

  void say(String message) {
    System.out.printf(Locale.ROOT, "[bench %6.1fs] %s%n", elapsedSeconds(), message);
  }

  /** Cores, CPU, RAM, OS, Java and the load average now (the end's is added by the caller). */
  static JsonObject machine() {
    return new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("cpu", Proc.cpuInfo("model name"))
        .put("memTotalMiB", mib(Proc.memTotalKiB()))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("javaVersion", System.getProperty("java.version"))
        .put("javaVm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"))
        .put("loadAverageAtStart", Proc.loadAverage());
  }

  /** Writes {@code result} as {@code dir/<name>-<UTC start time>.json} and returns the file. */
  Path writeResult(Path dir, JsonObject result) {
    try {
      Path absolute = dir.toAbsolutePath();
      Files.createDirectories(absolute);
      Path file = absolute.resolve(name + "-" + FILE_TIME.format(started) + ".json");
      result.put("resultFile", file.toString());
      Files.writeString(file, result.encodePrettily() + "\n", StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the result", e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Figures and files

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** KiB as MiB with one decimal; null for an unknown (negative) figure. */
  static Double mib(long kib) {
    return kib < 0 ? null : round(kib / 1024.0, 1);
  }

  static double round(double value, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(value * f) / f;
  }

  /** Decimal megabytes per second. */
  static double mbps(long bytes, double seconds) {
    return round(bytes / 1e6 / seconds, 1);
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

  /** The first group of {@code regex} in the first matching line of {@code file}, or "". */
  static String grep(Path file, String regex) {
    List<String> all = grepAll(file, regex);
    if (all.isEmpty()) {
      return "";
    }
    Matcher m = Pattern.compile(regex).matcher(all.get(0));
    return m.find() && m.groupCount() > 0 ? m.group(1).trim() : all.get(0);
  }

  static List<String> grepAll(Path file, String regex) {
    Pattern p = Pattern.compile(regex);
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.filter(l -> p.matcher(l).find()).toList();
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort; what is left is removed by the next run's cleanup
        }
      });
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }
}
