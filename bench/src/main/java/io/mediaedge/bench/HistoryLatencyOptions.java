package io.mediaedge.bench;

import java.nio.file.Path;

/**
 * The command line of {@link HistoryLatencyBench}. Each option can also be set as a
 * {@code bench.history.*} system property, e.g. {@code -Dbench.history.iterations=500}.
 */
record HistoryLatencyOptions(
    int warmup,
    int iterations,
    int concurrency,
    int concurrentIterations,
    int users,
    long uploadSize,
    int uploadWarmup,
    int uploads,
    int eventLoops,
    Path workDir,
    Path resultsDir,
    boolean keepData) {

  static final String USAGE = """
      Usage: bench/history-latency.sh [options]
        --warmup N           unrecorded rounds before each direct run (default 300)
        --iterations N       recorded sequential rounds of reserve, recordIntent, commit and
                             recordUpload (default 2000)
        --concurrency N      rounds in flight at once in the concurrent run (default 16; 0 skips it)
        --concurrent-iterations N  recorded rounds in the concurrent run (default: --iterations)
        --users N            distinct owners the rounds are spread over (default 100)
        --upload-size BYTES  body of the end-to-end uploads and the size reserved/committed in the
                             direct rounds; plain bytes or with a unit: 65536, 64KiB, 1MB (default 64KiB)
        --upload-warmup N    end-to-end uploads before recording (default 50)
        --uploads N          recorded sequential end-to-end HTTPS uploads (default 500; 0 skips them)
        --event-loops N      media-edge event loops (server.eventLoops; default 0 = one per core)
        --work DIR           server data, certificates and logs (default target/bench-history)
        --results DIR        where the JSON result goes (default bench/results)
        --keep-data          keep the S3, Cassandra and Kafka data afterwards (default: deleted;
                             the servers' logs are kept in DIR/logs either way)
      """;

  static HistoryLatencyOptions parse(String[] args) {
    int warmup = Integer.getInteger("bench.history.warmup", 300);
    int iterations = Integer.getInteger("bench.history.iterations", 2000);
    int concurrency = Integer.getInteger("bench.history.concurrency", 16);
    Integer concurrentIterations = Integer.getInteger("bench.history.concurrentIterations");
    int users = Integer.getInteger("bench.history.users", 100);
    long uploadSize = BenchOptions.parseSize(System.getProperty("bench.history.uploadSize", "64KiB"));
    int uploadWarmup = Integer.getInteger("bench.history.uploadWarmup", 50);
    int uploads = Integer.getInteger("bench.history.uploads", 500);
    int eventLoops = Integer.getInteger("bench.history.eventLoops", 0);
    Path work = Path.of(System.getProperty("bench.history.work", "target/bench-history"));
    Path results = Path.of(System.getProperty("bench.history.results", "bench/results"));
    boolean keepData = Boolean.getBoolean("bench.history.keepData");

    BenchArgs in = new BenchArgs(args);
    while (in.hasNext()) {
      String a = in.next();
      switch (a) {
        case "--warmup" -> warmup = in.wholeNumber(a);
        case "--iterations" -> iterations = in.wholeNumber(a);
        case "--concurrency" -> concurrency = in.wholeNumber(a);
        case "--concurrent-iterations" -> concurrentIterations = in.wholeNumber(a);
        case "--users" -> users = in.wholeNumber(a);
        case "--upload-size" -> uploadSize = in.size(a);
        case "--upload-warmup" -> uploadWarmup = in.wholeNumber(a);
        case "--uploads" -> uploads = in.wholeNumber(a);
        case "--event-loops" -> eventLoops = in.wholeNumber(a);
        case "--work" -> work = Path.of(in.value(a));
        case "--results" -> results = Path.of(in.value(a));
        case "--keep-data" -> keepData = true;
        case "-h", "--help" -> throw new BenchOptions.UsageException(null);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (iterations < 1) {
      throw new IllegalArgumentException("--iterations must be at least 1");
    }
    if (warmup < 0 || uploadWarmup < 0 || uploads < 0 || concurrency < 0 || eventLoops < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
    if (users < 1) {
      throw new IllegalArgumentException("--users must be at least 1");
    }
    if (concurrency > 0 && users < concurrency) {
      // each in-flight worker has owners of its own, so the quota CAS never races another worker
      throw new IllegalArgumentException("--users must be at least --concurrency (" + concurrency + ")");
    }
    // The JPEG signature must fit, and the whole body stays below image/jpeg's 50 MiB limit.
    if (uploadSize < 16 || uploadSize > 50L * 1024 * 1024) {
      throw new IllegalArgumentException("--upload-size must be between 16 bytes and 50MiB (the image/jpeg limit)");
    }
    int concurrentCount = concurrentIterations == null ? iterations : concurrentIterations;
    if (concurrency > 0 && concurrentCount < concurrency) {
      throw new IllegalArgumentException("--concurrent-iterations must be at least --concurrency");
    }
    return new HistoryLatencyOptions(warmup, iterations, concurrency, concurrentCount, users, uploadSize,
        uploadWarmup, uploads, eventLoops, work, results, keepData);
  }
}
