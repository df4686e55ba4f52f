package io.mediaedge.insights.detect;

import static io.mediaedge.insights.detect.Networks.figures;
import static io.mediaedge.insights.detect.Networks.healthyCountry;
import static io.mediaedge.insights.detect.Networks.ng;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mediaedge.eventschema.Advisory.Evidence;
import io.mediaedge.eventschema.Advisory.Signal;
import io.mediaedge.insights.detect.TroubleRule.Finding;
import io.mediaedge.insights.query.Figures.NetworkComparison;
import io.mediaedge.insights.query.NetworkFigures;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rule on synthetic figures, with its defaults (insights/conf/insights.yaml). */
class TroubleRuleTest {
  private final TroubleRule rule = new TroubleRule(Networks.rule(Map.of()));

  @Test
  void anErrorRateAboveItsBaselineAndItsCountryRaises() {
    // 20 % against 1 % in the baseline and in the rest of the country: over max(3 %, 6 %, 5 %)
    Finding finding = rule.judge(ng(figures(200, 40, 400, 1_000_000), healthyCountry()));
    assertEquals(Set.of(Signal.ERROR_RATE), finding.raising());
    assertEquals(Set.of(Signal.ERROR_RATE), finding.holding());
  }

  @Test
  void troubleAcrossTheWholeCountryIsNotOneIspsTrouble() {
    Finding finding = rule.judge(ng(figures(200, 40, 900, 300_000), figures(1000, 180, 900, 300_000)));
    assertEquals(Set.of(), finding.raising(), "the rest of the country fares as badly");
    assertEquals(Set.of(), finding.holding());
  }

  @Test
  void aSmallIspWithThreeFailuresIsNeverFlagged() {
    // 3 of 12: 25 %, but too few requests to judge
    assertEquals(Finding.NOTHING, rule.judge(ng(figures(12, 3, 400, 1_000_000), healthyCountry())));
    // 3 of 35: enough requests, a rate over the floor, yet fewer errors than minErrors
    Finding finding = rule.judge(ng(figures(35, 3, 400, 1_000_000), healthyCountry()));
    assertEquals(Set.of(), finding.raising());
  }

  @Test
  void withoutEnoughBaselineOrCountryNothingIsJudged() {
    NetworkFigures bad = figures(200, 80, 2000, 100_000);
    NetworkComparison newNetwork = new NetworkComparison("NG", "1", "New", bad, figures(100, 1, 400, 1_000_000),
        healthyCountry());
    assertEquals(Finding.NOTHING, rule.judge(newNetwork), "a baseline of 100 requests says too little");
    assertEquals(Finding.NOTHING, rule.judge(ng(bad, figures(20, 0, 400, 1_000_000))),
        "alone in its country: its trouble cannot be told from the country's or ours");
  }

  @Test
  void aNetworkAloneInItsCountryIsComparedWithTheRestOfTheWorld() {
    NetworkFigures bad = figures(200, 40, 400, 1_000_000);
    NetworkFigures tinyCountry = figures(5, 0, 400, 1_000_000);
    NetworkComparison alone = new NetworkComparison("NG", "29465", "MTN Nigeria", bad,
        figures(3000, 30, 400, 1_000_000), tinyCountry, healthyCountry());
    assertEquals(Set.of(Signal.ERROR_RATE), rule.judge(alone).raising(), "20 % against 1 % in the rest of the world");
    NetworkComparison worldAsBad = new NetworkComparison("NG", "29465", "MTN Nigeria", bad,
        figures(3000, 30, 400, 1_000_000), tinyCountry, figures(5000, 1000, 400, 1_000_000));
    assertEquals(Set.of(), rule.judge(worldAsBad).raising(), "everyone fails as often: not this ISP's trouble");
  }

  @Test
  void theHoldThresholdIsLooserThanTheRaiseThreshold() {
    // raise at 6 % over a 1 % reference, hold down to 1 % + 0.5 × 5 % = 3.5 %
    Finding between = rule.judge(ng(figures(1000, 45, 400, 1_000_000), healthyCountry()));
    assertEquals(Set.of(), between.raising());
    assertEquals(Set.of(Signal.ERROR_RATE), between.holding());
    Finding below = rule.judge(ng(figures(1000, 30, 400, 1_000_000), healthyCountry()));
    assertEquals(Set.of(), below.holding());
  }

  @Test
  void aDoubledP95AboveTheCountrysRaisesLatency() {
    Finding slow = rule.judge(ng(figures(200, 2, 850, 1_000_000), healthyCountry()));
    assertEquals(Set.of(Signal.P95_LATENCY), slow.raising());
    // 1.6× holds (hold factor 1.5) but does not raise
    Finding slower = rule.judge(ng(figures(200, 2, 640, 1_000_000), healthyCountry()));
    assertEquals(Set.of(), slower.raising());
    assertEquals(Set.of(Signal.P95_LATENCY), slower.holding());
    // twice its own baseline, but the rest of the country is slower still
    assertEquals(Set.of(), rule.judge(ng(figures(200, 2, 850, 1_000_000), figures(1000, 10, 900, 1_000_000)))
        .raising());
    // seen in dev mode on an overloaded machine: five times its baseline and a little above a country
    // that is as slow (every upload waited on the same server) is not this ISP's trouble
    assertEquals(Set.of(), rule.judge(ng(figures(200, 2, 2_100, 1_000_000), figures(1000, 10, 1_950, 1_000_000)))
        .raising());
  }

  @Test
  void everyoneSlowingDownTogetherIsOurOverloadNotAnIspsTrouble() {
    NetworkFigures baseline = figures(3000, 30, 400, 1_000_000);
    NetworkFigures slowNetwork = figures(200, 2, 2_100, 300_000);
    NetworkFigures fastCountry = figures(1000, 10, 400, 1_000_000);
    // the rest of the world is as slow: every upload waited on the same overloaded server
    NetworkFigures slowWorld = figures(20_000, 200, 2_000, 320_000);
    assertEquals(Set.of(), rule.judge(new NetworkComparison("NG", "29465", "MTN Nigeria", slowNetwork, baseline,
        fastCountry, slowWorld)).raising());
    // the same network while the rest of the world is fine: both signals raise
    assertEquals(Set.of(Signal.P95_LATENCY, Signal.UPLOAD_THROUGHPUT), rule.judge(new NetworkComparison("NG",
        "29465", "MTN Nigeria", slowNetwork, baseline, fastCountry, figures(20_000, 200, 420, 950_000))).raising());
  }

  @Test
  void halvedThroughputBelowTheCountrysRaisesThroughput() {
    Finding finding = rule.judge(ng(figures(200, 2, 400, 450_000), healthyCountry()));
    assertEquals(Set.of(Signal.UPLOAD_THROUGHPUT), finding.raising());
    assertEquals(Set.of(), rule.judge(ng(figures(200, 2, 400, 450_000), figures(1000, 10, 400, 400_000)))
        .raising(), "the rest of the country is slower");
    assertEquals(Set.of(), rule.judge(ng(figures(200, 2, 400, 450_000), figures(1000, 10, 400, 500_000)))
        .raising(), "a little faster than a country that slowed down as much");
  }

  @Test
  void evidenceCarriesWindowBaselineAndCountryAndMarksWhatWasNotMeasured() {
    Evidence e = TroubleRule.evidence(ng(figures(200, 40, 900, 300_000), NetworkFigures.NONE));
    assertEquals(200, e.requests());
    assertEquals(0.2, e.errorRate(), 1e-9);
    assertEquals(0.01, e.baselineErrorRate(), 1e-9);
    assertEquals(900, e.p95Ms());
    assertEquals(400, e.baselineP95Ms());
    assertEquals(-1, e.countryErrorRate());
    assertEquals(-1, e.countryP95Ms());
    assertEquals(-1, e.countryThroughput());
    assertEquals(300_000, e.throughput(), 1e-6);
  }
}
