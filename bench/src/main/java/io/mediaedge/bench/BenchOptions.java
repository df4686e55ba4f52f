package io.mediaedge.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of the benchmarks that fork media-edge ({@link LargeUploadBench},
 * {@link ResumableUploadBench}); each option also reads a {@code bench.*} system property.
 */
record BenchOptions(
    long size,
    String xmx,
    List<String> protocols,
    long seed,
    boolean baseline,
    boolean nmt,
    List<String> jvmArgs,
    Map<String, String> configOverrides,
    Path runtimeClasspathFile,
    Path workDir,
    Path resultsDir,
    boolean keepData,
    Duration sampleInterval,
    Duration timeout) {

  /** The same options for a body of {@code otherSize} bytes (a warm-up). */
  BenchOptions withSize(long otherSize) {
    return new BenchOptions(otherSize, xmx, protocols, seed, baseline, nmt, jvmArgs, configOverrides,
        runtimeClasspathFile, workDir, resultsDir, keepData, sampleInterval, timeout);
  }

  /** The options every benchmark of a forked media-edge takes (see {@link #parse(String[], Extra)}). */
  static final String COMMON_USAGE = """
        --size BYTES         body size; plain bytes or with a unit: 1600000000, 1.6GB, 200MB, 64MiB
                             (default 1600000000)
        --xmx SIZE           -Xmx of the media-edge JVM (default 64m)
        --seed N             seed of the generated body (default 42)
        --nmt                run media-edge with -XX:NativeMemoryTracking=summary and record where
                             its memory goes halfway through each single-request upload (costs a
                             little RSS)
        --jvm-arg ARG        extra option for the media-edge JVM (repeatable), e.g. --jvm-arg -XX:+UseSerialGC
        --set PATH=VALUE     configuration override (repeatable), e.g. --set upload.streamWindow=1MiB
        --results DIR        where the JSON result goes (default bench/results)
        --work DIR           scratch directory: server data, certificates, logs (default
                             target/bench, or target/bench-resumable for resumable-upload.sh)
        --keep-data          keep the servers' data directories afterwards (default: deleted)
        --interval MS        sampling interval of heap and RSS (default 250)
        --timeout SECONDS    longest a single transfer may take (default 1800)
        --runtime-classpath FILE  media-edge's dependency jars, ':'-separated (the script passes it)
      """;

  static final String USAGE = """
      Usage: bench/large-upload.sh [options]
        --http VERSION       1.1, 2 or both: the protocol of the upload and download (default 1.1)
        --no-baseline        skip the direct-to-S3 PUT/GET baseline (no TLS, no media-edge)
      """ + COMMON_USAGE;

  /** Options of one benchmark on top of the common ones. */
  @FunctionalInterface
  interface Extra {
    /**
     * Takes {@code option} if it is one of this benchmark's, reading its value (when it has one)
     * from {@code value}; false when it is not.
     */
    boolean take(String option, Supplier<String> value);
  }

  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(|B|KB|MB|GB|TB|KIB|MIB|GIB|TIB|K|M|G|T)", Pattern.CASE_INSENSITIVE);

  /** The body size when neither {@code --size} nor {@code bench.size} says otherwise. */
  static final long DEFAULT_SIZE = 1_600_000_000L;

  static BenchOptions parse(String[] args) {
    return parse(args, DEFAULT_SIZE, (option, value) -> false);
  }

  /**
   * The common options; any other option goes to {@code extra}, and is refused when it does not
   * take it. {@code defaultSize} is the size without {@code --size} or {@code bench.size} (a quick
   * run's is smaller).
   */
  static BenchOptions parse(String[] args, long defaultSize, Extra extra) {
    String sizeProperty = System.getProperty("bench.size");
    long size = sizeProperty == null ? defaultSize : parseSize(sizeProperty);
    String xmx = System.getProperty("bench.xmx", "64m");
    String http = System.getProperty("bench.http", "1.1");
    long seed = Long.getLong("bench.seed", 42L);
    boolean baseline = !Boolean.getBoolean("bench.noBaseline");
    boolean nmt = Boolean.getBoolean("bench.nmt");
    List<String> jvmArgs = new ArrayList<>();
    Map<String, String> overrides = new LinkedHashMap<>();
    String cpFile = System.getProperty("bench.runtimeClasspath");
    Path work = Path.of(System.getProperty("bench.work", "target/bench"));
    Path results = Path.of(System.getProperty("bench.results", "bench/results"));
    boolean keepData = Boolean.getBoolean("bench.keepData");
    long intervalMs = Long.getLong("bench.interval", 250L);
    long timeoutS = Long.getLong("bench.timeout", 1800L);

    BenchArgs in = new BenchArgs(args);
    while (in.hasNext()) {
      String a = in.next();
      switch (a) {
        case "--size" -> size = in.size(a);
        case "--xmx" -> xmx = in.value(a);
        case "--http" -> http = in.value(a);
        case "--seed" -> seed = Long.parseLong(in.value(a));
        case "--baseline" -> baseline = true;
        case "--no-baseline" -> baseline = false;
        case "--nmt" -> nmt = true;
        case "--jvm-arg" -> jvmArgs.add(in.value(a));
        case "--set" -> in.override(a, overrides);
        case "--runtime-classpath" -> cpFile = in.value(a);
        case "--results" -> results = Path.of(in.value(a));
        case "--work" -> work = Path.of(in.value(a));
        case "--keep-data" -> keepData = true;
        case "--interval" -> intervalMs = Long.parseLong(in.value(a));
        case "--timeout" -> timeoutS = Long.parseLong(in.value(a));
        case "-h", "--help" -> throw new UsageException(null);
        default -> {
          if (!extra.take(a, () -> in.value(a))) {
            throw new IllegalArgumentException("unknown option " + a);
          }
        }
      }
    }
    if (size < 64) {
      throw new IllegalArgumentException("--size must be at least 64 bytes (the MP4 head must fit)");
    }
    if (!xmx.matches("\\d+[kKmMgG]?")) {
      throw new IllegalArgumentException("--xmx takes a JVM size such as 64m, got " + xmx);
    }
    List<String> protocols = switch (http.toLowerCase(Locale.ROOT)) {
      case "1.1", "http/1.1", "h1" -> List.of("1.1");
      case "2", "http/2", "h2" -> List.of("2");
      case "both" -> List.of("1.1", "2");
      default -> throw new IllegalArgumentException("--http takes 1.1, 2 or both, got " + http);
    };
    if (cpFile == null) {
      throw new IllegalArgumentException("--runtime-classpath FILE is required (bench/large-upload.sh passes it)");
    }
    return new BenchOptions(size, xmx, protocols, seed, baseline, nmt, List.copyOf(jvmArgs),
        Map.copyOf(overrides), Path.of(cpFile), work, results, keepData,
        Duration.ofMillis(Math.max(50, intervalMs)), Duration.ofSeconds(Math.max(10, timeoutS)));
  }

  /** Bytes from "1600000000", "1.6GB" (decimal units) or "64MiB" (binary units). */
  static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: " + text);
    }
    double number = Double.parseDouble(m.group(1));
    String unit = m.group(2).toUpperCase(Locale.ROOT);
    double factor = switch (unit) {
      case "", "B" -> 1;
      case "KB", "K" -> 1e3;
      case "MB", "M" -> 1e6;
      case "GB", "G" -> 1e9;
      case "TB", "T" -> 1e12;
      case "KIB" -> 1L << 10;
      case "MIB" -> 1L << 20;
      case "GIB" -> 1L << 30;
      default -> 1L << 40;
    };
    return Math.round(number * factor);
  }

  /** Thrown for --help: print the usage and stop. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }
}
