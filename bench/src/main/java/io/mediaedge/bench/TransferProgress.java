package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.mib;
import static io.mediaedge.bench.BenchFigures.seconds;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The console's view of one transfer to or from a forked media-edge: a line every 5 s with the
 * share sent, the rate, and media-edge's latest sampled heap and RSS.
 */
final class TransferProgress {
  private final BenchRun run;
  private final ServerSampler sampler;
  private final long total;
  private final long start = System.nanoTime();
  private long lastPrint = start;

  /** A transfer of {@code total} bytes; {@code sampler} (or null) has media-edge's samples. */
  TransferProgress(BenchRun run, ServerSampler sampler, long total) {
    this.run = run;
    this.sampler = sampler;
    this.total = total;
  }

  void report(String what, long bytes) {
    long now = System.nanoTime();
    if (now - lastPrint < TimeUnit.SECONDS.toNanos(5)) {
      return;
    }
    lastPrint = now;
    if (bytes >= total) {
      run.say(String.format(Locale.ROOT, "  %s: all bytes sent, waiting for the response (%.0f s so far)", what,
          seconds(now - start)));
      return;
    }
    List<ServerSampler.Sample> samples = sampler == null ? List.of() : sampler.samples();
    ServerSampler.Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
    run.say(String.format(Locale.ROOT, "  %s %3.0f%%  %,6.0f MB  %5.1f MB/s  edge heap %s MiB  RSS %s MiB", what,
        100.0 * bytes / total, bytes / 1e6, bytes / 1e6 / seconds(now - start),
        last == null ? "?" : mib(last.heapUsedKiB()), last == null ? "?" : mib(last.rssKiB())));
  }
}
