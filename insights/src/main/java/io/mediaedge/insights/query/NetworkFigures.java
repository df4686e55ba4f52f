package io.mediaedge.insights.query;

import io.mediaedge.insights.slots.LatencyHistogram;
import io.mediaedge.insights.slots.NetworkSlot;
import io.mediaedge.insights.slots.OutcomeCounts;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleToLongFunction;

/**
 * How one (country, ASN) fared over a span: requests, errors by error code, its uploads' latency
 * percentiles (milliseconds, to the histograms' precision), and upload throughput: bytes per second
 * of upload time over the uploads of at least {@link NetworkSlot#MEASURED_MIN_BYTES}
 * ({@code measuredUploads} of them; -1 when there were none). The figures detection compares.
 */
public record NetworkFigures(long requests, long errors, double errorRate, Map<String, Long> errorsByCode,
    long latencyCount, long p50Ms, long p95Ms, long p99Ms, long uploads, long uploadBytes, long measuredUploads,
    double throughput) {

  public static final NetworkFigures NONE = new NetworkFigures(0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, -1);

  /** The figures of a merged network entry (null: none). */
  public static NetworkFigures of(NetworkSlot network) {
    if (network == null) {
      return NONE;
    }
    LatencyHistogram h = network.uploadLatency();
    return of(network.outcomes(), null, h.totalCount(), h::valueAtPercentile, network.uploads(),
        network.uploadBytes(), new Measured(network.measuredUploads(), network.measuredBytes(),
            network.measuredMillis()));
  }

  /**
   * The figures of the networks summed in {@code sum} less {@code part}, one of them, read by
   * subtraction in time of the part's size. An error code only the part had stays, with 0.
   *
   * @param sumLatency {@code sum}'s upload latency, {@linkplain LatencyHistogram#cumulative() cumulative}
   */
  static NetworkFigures without(NetworkSlot sum, LatencyHistogram.Cumulative sumLatency, NetworkSlot part) {
    LatencyHistogram h = part.uploadLatency();
    return of(sum.outcomes(), part.outcomes(), sumLatency.totalCount() - h.totalCount(),
        percentile -> sumLatency.valueAtPercentileWithout(h, percentile), sum.uploads() - part.uploads(),
        sum.uploadBytes() - part.uploadBytes(), new Measured(sum.measuredUploads() - part.measuredUploads(),
            sum.measuredBytes() - part.measuredBytes(), sum.measuredMillis() - part.measuredMillis()));
  }

  /** The uploads throughput is measured on. */
  private record Measured(long uploads, long bytes, long millis) {}

  /** The figures of {@code outcomes} less {@code less} (null: nothing less), and of the uploads given. */
  private static NetworkFigures of(OutcomeCounts outcomes, OutcomeCounts less, long latencyCount,
      DoubleToLongFunction latencyAt, long uploads, long uploadBytes, Measured measured) {
    Map<String, Long> byCode = new TreeMap<>();
    outcomes.forEach((outcome, count) -> {
      if (outcome.isError()) {
        byCode.merge(outcome.status().isEmpty() ? "UNKNOWN" : outcome.status(),
            less == null ? count : count - less.count(outcome), Long::sum);
      }
    });
    long requests = outcomes.total() - (less == null ? 0 : less.total());
    long errors = outcomes.errors() - (less == null ? 0 : less.errors());
    double throughput = measured.millis() > 0 ? measured.bytes() * 1000.0 / measured.millis() : -1;
    return new NetworkFigures(requests, errors, requests == 0 ? 0 : (double) errors / requests, Map.copyOf(byCode),
        latencyCount, latencyAt.applyAsLong(50), latencyAt.applyAsLong(95), latencyAt.applyAsLong(99), uploads,
        uploadBytes, measured.uploads(), throughput);
  }
}
