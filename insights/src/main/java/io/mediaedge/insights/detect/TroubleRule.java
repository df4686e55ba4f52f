package io.mediaedge.insights.detect;

import io.mediaedge.eventschema.Advisory.Evidence;
import io.mediaedge.eventschema.Advisory.Signal;
import io.mediaedge.insights.config.DetectionConfig;
import io.mediaedge.insights.query.Figures.NetworkComparison;
import io.mediaedge.insights.query.NetworkFigures;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The ISP-trouble rule for one evaluation of one network (README, "ISP-trouble detection and
 * advisories"): which signals depart from both the network's own baseline and its peers (the rest
 * of its country, or of the world when the country has no other busy network) far enough to raise
 * a flag, and which still depart far enough to keep one raised (the
 * looser hold thresholds: the hysteresis). A signal is judged only with enough traffic in the
 * window, in the baseline and among its peers; otherwise it neither raises nor holds.
 * Timing (how long a finding must last) is {@link NetworkFlags}' job.
 */
final class TroubleRule {
  private final DetectionConfig config;

  TroubleRule(DetectionConfig config) {
    this.config = config;
  }

  /** The signals at or past their raise thresholds, and those at or past their hold thresholds. */
  record Finding(Set<Signal> raising, Set<Signal> holding) {
    static final Finding NOTHING = new Finding(Set.of(), Set.of());
  }

  Finding judge(NetworkComparison n) {
    Set<Signal> raising = EnumSet.noneOf(Signal.class);
    Set<Signal> holding = EnumSet.noneOf(Signal.class);
    judgeErrorRate(n.window(), n.baseline(), n.restOfCountry(), n.restOfWorld(), raising, holding);
    judgeLatency(n.window(), n.baseline(), n.restOfCountry(), n.restOfWorld(), raising, holding);
    judgeThroughput(n.window(), n.baseline(), n.restOfCountry(), n.restOfWorld(), raising, holding);
    return new Finding(raising, holding);
  }

  /**
   * Raised at {@code max(k × ref, ref + margin, floor)} with at least {@code minErrors} errors,
   * where ref is the higher of the baseline's rate and its peers' (the rest of the country, or of
   * the world when the country has no other network busy enough): above both.
   */
  private void judgeErrorRate(NetworkFigures w, NetworkFigures b, NetworkFigures country, NetworkFigures world,
      Set<Signal> raising, Set<Signal> holding) {
    NetworkFigures peers = peers(NetworkFigures::requests, country, world);
    if (!enough(w.requests(), b.requests()) || peers == null) {
      return;
    }
    double ref = Math.max(b.errorRate(), peers.errorRate());
    double raiseAt = Math.max(Math.max(config.errorRateFactor() * ref, ref + config.errorRateMargin()),
        config.errorRateFloor());
    double holdAt = ref + config.hysteresis() * (raiseAt - ref);
    if (w.errorRate() >= raiseAt && w.errors() >= config.minErrors()) {
      raising.add(Signal.ERROR_RATE);
    }
    if (w.errorRate() >= holdAt && w.errors() > 0) {
      holding.add(Signal.ERROR_RATE);
    }
  }

  /**
   * Raised at k × ref, where ref is the highest of the baseline's p95, the rest of the country's and
   * the rest of the world's (each when it has enough uploads; one of the two must): a whole country
   * slowing down (a congested PoP), or everyone slowing down (our own overload), is not one ISP's
   * trouble.
   */
  private void judgeLatency(NetworkFigures w, NetworkFigures b, NetworkFigures country, NetworkFigures world,
      Set<Signal> raising, Set<Signal> holding) {
    if (!enough(w.latencyCount(), b.latencyCount()) || peers(NetworkFigures::latencyCount, country, world) == null) {
      return;
    }
    double ref = b.p95Ms();
    for (NetworkFigures peer : List.of(country, world)) {
      if (peer.latencyCount() >= config.minRequests()) {
        ref = Math.max(ref, peer.p95Ms());
      }
    }
    // a 0 ms reference (sub-millisecond uploads) would make any latency a departure
    ref = Math.max(1, ref);
    if (w.p95Ms() >= config.latencyFactor() * ref) {
      raising.add(Signal.P95_LATENCY);
    }
    if (w.p95Ms() >= config.holdFactor(config.latencyFactor()) * ref) {
      holding.add(Signal.P95_LATENCY);
    }
  }

  /**
   * Raised at ref / k, where ref is the lowest of the baseline's throughput, the rest of the
   * country's and the rest of the world's (each when it has enough uploads; one of the two must).
   * Throughput, and the volume needed to judge it, count only the uploads large enough to measure
   * bandwidth ({@code NetworkSlot.MEASURED_MIN_BYTES}).
   */
  private void judgeThroughput(NetworkFigures w, NetworkFigures b, NetworkFigures country, NetworkFigures world,
      Set<Signal> raising, Set<Signal> holding) {
    if (!enough(w.measuredUploads(), b.measuredUploads()) || w.throughput() < 0 || b.throughput() <= 0
        || peers(NetworkFigures::measuredUploads, country, world) == null) {
      return;
    }
    double ref = b.throughput();
    for (NetworkFigures peer : List.of(country, world)) {
      if (peer.measuredUploads() >= config.minRequests() && peer.throughput() > 0) {
        ref = Math.min(ref, peer.throughput());
      }
    }
    if (w.throughput() <= ref / config.throughputFactor()) {
      raising.add(Signal.UPLOAD_THROUGHPUT);
    }
    if (w.throughput() <= ref / config.holdFactor(config.throughputFactor())) {
      holding.add(Signal.UPLOAD_THROUGHPUT);
    }
  }

  /** Enough traffic to judge: in the window and in the baseline. */
  private boolean enough(long window, long baseline) {
    return window >= config.minRequests() && baseline >= config.minBaselineRequests();
  }

  /**
   * Whom the network is compared with besides its own past: the rest of its country when that has
   * {@code minRequests} of what is judged; else the rest of the world (a country served by one busy
   * network has no other to compare with, but the world does); null when neither has, and then
   * the signal is not judged: its trouble could not be told from the country's or ours.
   */
  private NetworkFigures peers(ToLongFunction<NetworkFigures> volume, NetworkFigures country, NetworkFigures world) {
    if (volume.applyAsLong(country) >= config.minRequests()) {
      return country;
    }
    return volume.applyAsLong(world) >= config.minRequests() ? world : null;
  }

  /** The figures behind a decision, as the advisory carries them (-1: not measured). */
  static Evidence evidence(NetworkComparison n) {
    NetworkFigures w = n.window();
    NetworkFigures b = n.baseline();
    NetworkFigures rest = n.restOfCountry();
    return new Evidence(w.requests(), rate(w), rate(b), rate(rest), p95(w), p95(b), p95(rest), w.throughput(),
        b.throughput(), rest.throughput());
  }

  private static double rate(NetworkFigures f) {
    return f.requests() == 0 ? -1 : f.errorRate();
  }

  private static double p95(NetworkFigures f) {
    return f.latencyCount() == 0 ? -1 : f.p95Ms();
  }
}
