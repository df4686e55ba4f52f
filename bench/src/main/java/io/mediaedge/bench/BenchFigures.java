package io.mediaedge.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/** The small pieces every benchmark result needs: rounding, units, machine facts, log greps, the file. */
final class BenchFigures {
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** Log lines worth a look: errors, warnings, OOM (not the fork's own command line, which names -XX:+HeapDumpOnOutOfMemoryError). */
  static final String LOG_PROBLEMS = "(java.lang.OutOfMemoryError| ERROR | WARN )";

  private BenchFigures() {}

  static double round(double value, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(value * f) / f;
  }

  /** KiB to MiB with one decimal; null for an unknown (negative) figure. */
  static Double mib(long kib) {
    return kib < 0 ? null : round(kib / 1024.0, 1);
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** Cores, CPU, RAM, OS, Java, this JVM's flags and the load average now. */
  /** CPU this JVM has used, all threads. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static JsonObject machine() {
    return new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("cpu", Proc.cpuInfo("model name"))
        .put("memTotalMiB", mib(Proc.memTotalKiB()))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("javaVersion", System.getProperty("java.version"))
        .put("javaVm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"))
        .put("loadJvmArgs", String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()))
        .put("loadAverageAtStart", Proc.loadAverage());
  }

  /** Count, min, mean, p50, p90, p99, p99.9 and max of a histogram of nanoseconds, in milliseconds. */
  static JsonObject latencyMs(Histogram h) {
    JsonObject out = new JsonObject().put("count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return out;
    }
    return out.put("min", ms(h.getMinValue()))
        .put("mean", round(h.getMean() / 1e6, 2))
        .put("p50", ms(h.getValueAtPercentile(50)))
        .put("p90", ms(h.getValueAtPercentile(90)))
        .put("p99", ms(h.getValueAtPercentile(99)))
        .put("p99.9", ms(h.getValueAtPercentile(99.9)))
        .put("max", ms(h.getMaxValue()));
  }

  private static double ms(long nanos) {
    return round(nanos / 1e6, 2);
  }

  /** {@code DIR/NAME-<UTC time>.json}: where a benchmark started at {@code started} writes its result. */
  static Path resultFile(Path dir, String name, Instant started) {
    return dir.resolve(name + "-" + FILE_TIME.format(started) + ".json");
  }

  /** Writes {@code result} as {@code DIR/NAME-<UTC time>.json} (naming the file in it) and returns the file. */
  static Path writeResult(Path dir, String name, Instant started, JsonObject result) {
    try {
      Files.createDirectories(dir);
      Path file = resultFile(dir.toAbsolutePath(), name, started);
      result.put("resultFile", file.toString());
      Files.writeString(file, result.encodePrettily() + "\n", StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the result", e);
    }
  }

  /** The first group of the first line of {@code file} matching {@code regex} (or the line), or "". */
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

  /** Deletes a directory tree, best effort (what is left is cleaned up by the next run). */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }

  /** Heap dumps (*.hprof) in {@code dir}: an OutOfMemoryError happened. */
  static List<String> heapDumps(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".hprof")).map(Path::toString).toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
