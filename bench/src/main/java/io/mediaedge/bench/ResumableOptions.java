package io.mediaedge.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of {@link ResumableUploadBench}: the options of every forked-media-edge
 * benchmark ({@link BenchOptions}) plus the PATCH size, the number of forced cuts, and whether the
 * single-request comparison and the download check run; {@code --quick} (as the suite passes it)
 * makes the file and the PATCHes smaller.
 */
record ResumableOptions(BenchOptions common, boolean quick, long patchSize, int cuts, boolean single,
    boolean download, Duration retryDelay, long warmUpSize) {

  static final int MAX_CUTS = 20;
  static final long QUICK_SIZE = 300_000_000L;
  static final long QUICK_PATCH = 40_000_000L;
  /** Bytes each way of the warm-up: enough for the JIT to compile both paths' hot code. */
  static final long WARM_UP_SIZE = 200_000_000L;

  static final String USAGE = """
      Usage: bench/resumable-upload.sh [options]
        --quick              a 300 MB file in 40 MB PATCHes, still 3 cuts (--size, --patch and
                             --cuts given as well win)
        --patch BYTES        bytes per PATCH (default 90000000: 90 MB, under Cloudflare's 100 MB cap)
        --cuts N             connection resets forced during the upload, spread evenly from 20% to 80%
                             of the file (default 3; 0 for none, at most 20)
        --no-single          skip the single-request upload of the same body (then there is no ratio)
        --no-download        skip downloading both uploads' media back and hashing them (the
                             hashes are still compared with the ones media-edge computed)
        --retry-delay MS     how long the client waits after a 423 (the lease is still held by the
                             cut PATCH) before it asks HEAD again (default 200)
        --no-warm-up         measure a cold JVM: skip the unmeasured warm-up (a 200 MB resumable
                             upload with one cut, then a 200 MB single request) that otherwise
                             runs first, so neither measured upload pays the JIT's compiling alone
      """ + BenchOptions.COMMON_USAGE;

  static ResumableOptions parse(String[] args) {
    // Read up front: it changes the defaults of --size and --patch, wherever it stands.
    boolean quick = Arrays.asList(args).contains("--quick");
    long[] patch = {Long.getLong("bench.patch", quick ? QUICK_PATCH : 90_000_000L)};
    int[] cuts = {Integer.getInteger("bench.cuts", 3)};
    boolean[] single = {!Boolean.getBoolean("bench.noSingle")};
    boolean[] download = {!Boolean.getBoolean("bench.noDownload")};
    long[] retryMs = {Long.getLong("bench.retryDelay", 200L)};
    boolean[] warmUp = {!Boolean.getBoolean("bench.noWarmUp")};
    BenchOptions common = BenchOptions.parse(args, quick ? QUICK_SIZE : BenchOptions.DEFAULT_SIZE, (option, value) -> {
      switch (option) {
        case "--quick" -> { }
        case "--patch" -> patch[0] = BenchOptions.parseSize(value.get());
        case "--cuts" -> cuts[0] = Integer.parseInt(value.get());
        case "--no-single" -> single[0] = false;
        case "--no-download" -> download[0] = false;
        case "--no-warm-up" -> warmUp[0] = false;
        case "--retry-delay" -> retryMs[0] = Long.parseLong(value.get());
        default -> {
          return false;
        }
      }
      return true;
    });
    if (patch[0] < 1) {
      throw new IllegalArgumentException("--patch must be at least 1 byte");
    }
    if (cuts[0] < 0 || cuts[0] > MAX_CUTS) {
      throw new IllegalArgumentException("--cuts takes 0 to " + MAX_CUTS + ", got " + cuts[0]);
    }
    if (!common.protocols().equals(List.of("1.1"))) {
      throw new IllegalArgumentException("the resumable benchmark runs over HTTP/1.1 only (--http 1.1)");
    }
    return new ResumableOptions(common, quick, patch[0], cuts[0], single[0], download[0],
        Duration.ofMillis(Math.max(0, retryMs[0])), warmUp[0] ? Math.min(WARM_UP_SIZE, common.size()) : 0);
  }

  /** The warm-up's options: a smaller body, one cut, no download; null when there is none. */
  ResumableOptions warmUp() {
    return warmUpSize <= 0 ? null : new ResumableOptions(common.withSize(warmUpSize), quick,
        Math.min(patchSize, warmUpSize), 1, single, false, retryDelay, 0);
  }

  /**
   * Where the cuts happen, as positions in the file: the moment the client has handed that many
   * bytes to its HTTP client, the connection is reset. Spread evenly over 20% to 80% of the file
   * (one cut: at half), so they fall at different places within their PATCHes.
   */
  long[] cutPositions() {
    long size = common.size();
    long[] at = new long[cuts];
    for (int k = 0; k < cuts; k++) {
      double fraction = cuts == 1 ? 0.5 : 0.2 + 0.6 * k / (cuts - 1);
      at[k] = Math.max(1, Math.min(size - 1, Math.round(size * fraction)));
    }
    return at;
  }
}
