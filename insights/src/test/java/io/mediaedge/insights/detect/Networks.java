package io.mediaedge.insights.detect;

import io.mediaedge.insights.config.DetectionConfig;
import io.mediaedge.insights.config.InsightsConfig;
import io.mediaedge.insights.query.Figures.NetworkComparison;
import io.mediaedge.insights.query.NetworkFigures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Synthetic figures and rule settings for the detection unit tests. */
final class Networks {
  private Networks() {}

  /** The rule with its defaults, but for {@code overrides} (names under {@code detection.}). */
  static DetectionConfig rule(Map<String, Object> overrides) {
    Map<String, Object> detection = new HashMap<>(overrides);
    return InsightsConfig.fromTree(Map.of("kafka", Map.of("groupId", "g", "bootstrapServers", List.of("k:9092")),
        "instance", Map.of("name", "test"), "detection", detection), Map.of(), "test").detection();
  }

  /**
   * A span's figures: {@code requests} of which {@code errors} failed uploads, the others uploads
   * (all large enough to measure throughput) with that p95 and throughput.
   */
  static NetworkFigures figures(long requests, long errors, long p95Ms, double throughput) {
    long uploads = requests - errors;
    return new NetworkFigures(requests, errors, requests == 0 ? 0 : (double) errors / requests, Map.of(), uploads,
        p95Ms / 2, p95Ms, p95Ms, uploads, (long) (throughput * uploads), uploads, uploads == 0 ? -1 : throughput);
  }

  /** A network of Nigeria with a healthy baseline of 1 % errors, 400 ms p95 and 1 MB/s. */
  static NetworkComparison ng(NetworkFigures window, NetworkFigures restOfCountry) {
    return new NetworkComparison("NG", "29465", "MTN Nigeria", window, figures(3000, 30, 400, 1_000_000),
        restOfCountry);
  }

  /** The rest of the country, healthy: 1 % errors, 400 ms, 1 MB/s. */
  static NetworkFigures healthyCountry() {
    return figures(1000, 10, 400, 1_000_000);
  }
}
