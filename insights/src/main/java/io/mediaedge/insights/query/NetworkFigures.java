package io.mediaedge.insights.query;

import io.mediaedge.insights.slots.LatencyHistogram;
import io.mediaedge.insights.slots.NetworkSlot;
import java.util.Map;
import java.util.TreeMap;

/**
 * How one (country, ASN) fared over a span: requests, errors by error code, its uploads' latency
 * percentiles (milliseconds, to the histograms' precision), and upload throughput (bytes stored per
 * second of upload time; -1 when it had no uploads). The figures detection compares.
 */
public record NetworkFigures(long requests, long errors, double errorRate, Map<String, Long> errorsByCode,
    long latencyCount, long p50Ms, long p95Ms, long p99Ms, long uploads, long uploadBytes, double throughput) {

  public static final NetworkFigures NONE = new NetworkFigures(0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, -1);

  /** The figures of a merged network entry (null: none). */
  public static NetworkFigures of(NetworkSlot network) {
    if (network == null) {
      return NONE;
    }
    Map<String, Long> byCode = new TreeMap<>();
    network.outcomes().forEach((outcome, count) -> {
      if (outcome.isError()) {
        byCode.merge(outcome.status().isEmpty() ? "UNKNOWN" : outcome.status(), count, Long::sum);
      }
    });
    long requests = network.outcomes().total();
    long errors = network.outcomes().errors();
    LatencyHistogram h = network.uploadLatency();
    double throughput = network.uploadMillis() > 0 ? network.uploadBytes() * 1000.0 / network.uploadMillis() : -1;
    return new NetworkFigures(requests, errors, requests == 0 ? 0 : (double) errors / requests, Map.copyOf(byCode),
        h.totalCount(), h.valueAtPercentile(50), h.valueAtPercentile(95), h.valueAtPercentile(99),
        network.uploads(), network.uploadBytes(), throughput);
  }
}
