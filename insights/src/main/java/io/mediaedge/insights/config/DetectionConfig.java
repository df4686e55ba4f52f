package io.mediaedge.insights.config;

import java.time.Duration;
import java.util.Set;

/**
 * The ISP-trouble rule and its timing (README, "ISP-trouble detection and advisories"). A network
 * is judged over {@code windowMinutes} against its own trailing baseline and the rest of its
 * country; a signal is raised when its raise threshold holds for {@code raiseAfter}, and cleared
 * when even the looser hold threshold has failed for {@code clearAfter}.
 *
 * @param evaluateEvery how often the rule runs, on ticks aligned to the clock (so every instance
 *     decides at the same instants)
 * @param baselineRefresh how often the baseline is merged again (a day of slots takes seconds); in
 *     between it ends that much before the window
 * @param minRequests what a network must have in the window to be judged: requests for the error
 *     rate, uploads for latency and throughput; the rest of its country too
 * @param minBaselineRequests the same in its baseline
 * @param minErrors errors in the window an error-rate signal needs to be raised
 * @param errorRateFactor with {@code errorRateMargin} and {@code errorRateFloor}: the error rate
 *     is raised at {@code max(factor × ref, ref + margin, floor)}, where ref is the higher of the
 *     baseline's rate and the rest of the country's
 * @param latencyFactor p95 upload latency is raised at {@code factor ×} the baseline's (and above
 *     the rest of the country's)
 * @param throughputFactor upload throughput is raised at the baseline's {@code / factor} (and below
 *     the rest of the country's)
 * @param hysteresis a raised signal holds while it keeps this fraction of its raise departure from
 *     the reference (0.5: an error rate raised at 6 % over a 1 % reference holds down to 3.5 %)
 * @param republishInterval how often a raised network is announced again while it stays raised
 * @param recentAdvisories how many decisions (RAISED, CLEARED) the API keeps
 */
public record DetectionConfig(boolean enabled, Duration evaluateEvery, int windowMinutes, int baselineMinutes,
    Duration baselineRefresh, long minRequests, long minBaselineRequests, long minErrors, double errorRateFactor,
    double errorRateMargin, double errorRateFloor, double latencyFactor, double throughputFactor, double hysteresis,
    Duration raiseAfter, Duration clearAfter, Duration republishInterval, int recentAdvisories) {

  static final Set<String> OPTIONS = Set.of("detection.enabled", "detection.evaluateEvery", "detection.window",
      "detection.baseline", "detection.baselineRefresh", "detection.minRequests", "detection.minBaselineRequests",
      "detection.minErrors", "detection.errorRateFactor", "detection.errorRateMargin", "detection.errorRateFloor",
      "detection.latencyFactor", "detection.throughputFactor", "detection.hysteresis", "detection.raiseAfter",
      "detection.clearAfter", "detection.republishInterval", "detection.recentAdvisories");

  /** Hold thresholds of the ratio signals: {@code 1 + hysteresis × (factor - 1)}. */
  public double holdFactor(double raiseFactor) {
    return 1 + hysteresis * (raiseFactor - 1);
  }

  public long windowSeconds() {
    return windowMinutes * 60L;
  }

  static DetectionConfig from(Options o, int retentionMinutes) {
    Duration every = o.duration("detection.evaluateEvery", "15s", Duration.ofMillis(100), Duration.ofMinutes(5));
    int window = o.minutes("detection.window", "5m", Duration.ofMinutes(1), Duration.ofHours(1));
    int baseline = o.minutes("detection.baseline", "24h", Duration.ofMinutes(10), Duration.ofDays(7));
    if (baseline > retentionMinutes) {
      throw o.invalid("detection.baseline", "cannot be longer than slots.retention (" + retentionMinutes
          + " minutes): the slots hold no more");
    }
    Duration raiseAfter = o.duration("detection.raiseAfter", "1m", Duration.ZERO, Duration.ofHours(1));
    if (raiseAfter.compareTo(every) < 0) {
      throw o.invalid("detection.raiseAfter", "must be at least detection.evaluateEvery (" + every
          + "), so a flag takes two evaluations in a row");
    }
    Duration clearAfter = o.duration("detection.clearAfter", "5m", Duration.ZERO, Duration.ofDays(1));
    if (clearAfter.compareTo(raiseAfter) < 0) {
      throw o.invalid("detection.clearAfter", "must be at least detection.raiseAfter (" + raiseAfter
          + "): a flag is slower to clear than to raise");
    }
    // shorter than media-edge's steering.ttl (15 minutes by default), so a raised network is renewed
    // before its override lapses even when one announcement is lost
    Duration republish = o.duration("detection.republishInterval", "5m", Duration.ZERO, Duration.ofMinutes(10));
    if (republish.compareTo(every) < 0) {
      throw o.invalid("detection.republishInterval", "must be at least detection.evaluateEvery (" + every + ")");
    }
    return new DetectionConfig(o.bool("detection.enabled", true), every, window, baseline,
        o.duration("detection.baselineRefresh", "10m", Duration.ofMillis(100), Duration.ofHours(1)),
        o.integer("detection.minRequests", 30, 1, 1_000_000),
        o.integer("detection.minBaselineRequests", 300, 1, 1_000_000_000),
        o.integer("detection.minErrors", 10, 1, 1_000_000),
        o.decimal("detection.errorRateFactor", 3, 1.1, 100), o.decimal("detection.errorRateMargin", 0.05, 0, 1),
        o.decimal("detection.errorRateFloor", 0.05, 0, 1), o.decimal("detection.latencyFactor", 2, 1.1, 100),
        o.decimal("detection.throughputFactor", 2, 1.1, 100), o.decimal("detection.hysteresis", 0.5, 0.1, 0.9),
        raiseAfter, clearAfter, republish, o.integer("detection.recentAdvisories", 200, 10, 10_000));
  }
}
