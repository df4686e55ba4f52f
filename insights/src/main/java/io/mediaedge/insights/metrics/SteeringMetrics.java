package io.mediaedge.insights.metrics;

import io.mediaedge.insights.steering.SteeringBoard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the regions report they steer, per region: every insights instance reads every report, so
 * these are alike on every instance (take {@code max} over instances, not {@code sum}). Labelled
 * by region only; the networks themselves are in {@code /api/v1/steering}.
 */
public final class SteeringMetrics {
  private final MeterRegistry registry;
  private final SteeringBoard board;
  private final BoundedLabels regions = new BoundedLabels("[A-Za-z0-9._-]{1,64}", 100);
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private final Counter undecodable;

  public SteeringMetrics(MeterRegistry registry, SteeringBoard board) {
    this.registry = registry;
    this.board = board;
    this.undecodable = Counter.builder("insights.steering.reports.undecodable")
        .description("Records on the steering report topic that are not a report, skipped").register(registry);
  }

  /** Shows a region from its first report on (it drops to 0 when its instances stop reporting). */
  public void regionSeen(String region) {
    String label = regions.of(region);
    if (registered.add(label)) {
      Gauge.builder("insights.steering.networks", board, b -> b.steeredNetworksByRegion().getOrDefault(label, 0))
          .description("Networks (country, ASN) a region steers now by advisory, kill switch off")
          .tag("region", label).register(registry);
      Gauge.builder("insights.steering.instances", board, b -> b.instancesByRegion().getOrDefault(label, 0))
          .description("media-edge instances of a region that report their steering").tag("region", label)
          .register(registry);
    }
  }

  public void undecodable() {
    undecodable.increment();
  }
}
