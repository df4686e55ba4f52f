package io.mediaedge.insights.detect;

import static io.mediaedge.insights.detect.Networks.figures;
import static io.mediaedge.insights.detect.Networks.healthyCountry;
import static io.mediaedge.insights.detect.Networks.ng;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.eventschema.Advisory;
import io.mediaedge.eventschema.Advisory.Signal;
import io.mediaedge.insights.config.DetectionConfig;
import io.mediaedge.insights.detect.NetworkFlags.Observation;
import io.mediaedge.insights.detect.NetworkFlags.Outcome;
import io.mediaedge.insights.query.Figures.NetworkComparison;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Raising, holding and clearing over evaluations 15 s apart, with the default timing: raise after
 * 1 minute, clear after 5, announce again every 5.
 */
class NetworkFlagsTest {
  private static final Duration EVERY = Duration.ofSeconds(15);
  private static final NetworkComparison FAILING = ng(figures(200, 40, 400, 1_000_000), healthyCountry());
  /** 4.5 %: under the 6 % raise threshold, over the 3.5 % hold threshold. */
  private static final NetworkComparison LINGERING = ng(figures(1000, 45, 400, 1_000_000), healthyCountry());
  private static final NetworkComparison HEALTHY = ng(figures(1000, 10, 400, 1_000_000), healthyCountry());

  private final DetectionConfig config = Networks.rule(Map.of());
  private final TroubleRule rule = new TroubleRule(config);
  private final NetworkFlags flags = new NetworkFlags(config);
  private Instant tick = Instant.parse("2026-12-05T09:00:00Z");

  @Test
  void raisedOnlyOnceTheConditionHasHeldForRaiseAfter() {
    assertEquals(List.of(), run(FAILING, 4).decisions(), "four evaluations: 45 s, not yet a minute");
    Outcome fifth = run(FAILING, 1);
    assertEquals(1, fifth.decisions().size());
    Advisory raised = fifth.decisions().get(0);
    assertEquals(Advisory.State.RAISED, raised.state());
    assertEquals(List.of(Signal.ERROR_RATE), raised.signals());
    assertEquals("NG/29465", raised.key());
    assertEquals("MTN Nigeria", raised.isp());
    assertEquals(300, raised.windowSeconds());
    assertEquals(0.2, raised.evidence().errorRate(), 1e-9);
    assertEquals(List.of(raised), fifth.announcements());
    assertEquals(raised.advisoryId(), flags.raised().get(0).id());
  }

  @Test
  void aBlipShorterThanRaiseAfterStartsOverAndIsNeverRaised() {
    for (int i = 0; i < 10; i++) {
      assertEquals(List.of(), run(FAILING, 3).announcements());
      assertEquals(List.of(), run(HEALTHY, 1).announcements());
    }
    assertEquals(List.of(), flags.raised());
  }

  @Test
  void hysteresisKeepsItRaisedAndItClearsOnlyAfterClearAfter() {
    raiseFailing();
    assertEquals(List.of(), run(LINGERING, 19).decisions(), "between the hold and raise thresholds it holds");
    assertNull(flags.raised().get(0).clearingSince());
    // healthy again: cleared 5 minutes (20 evaluations) after the first healthy one
    assertEquals(List.of(), run(HEALTHY, 20).decisions());
    assertEquals(tick.minus(EVERY.multipliedBy(19)), flags.raised().get(0).clearingSince());
    Outcome cleared = run(HEALTHY, 1);
    assertEquals(1, cleared.decisions().size());
    assertEquals(Advisory.State.CLEARED, cleared.decisions().get(0).state());
    assertEquals(List.of(Signal.ERROR_RATE), cleared.decisions().get(0).signals(), "what it had departed on");
    assertEquals(List.of(), flags.raised());
  }

  @Test
  void aRelapseWhileClearingKeepsTheSameFlag() {
    Advisory raised = raiseFailing();
    run(HEALTHY, 10);
    run(FAILING, 1);
    assertNull(flags.raised().get(0).clearingSince());
    assertEquals(List.of(), run(HEALTHY, 20).decisions(), "the clock of clearAfter started over");
    Advisory cleared = run(HEALTHY, 1).decisions().get(0);
    assertEquals(NetworkFlags.clearedId(raised.advisoryId()), cleared.advisoryId());
  }

  @Test
  void aRaisedNetworkIsAnnouncedAgainEveryRepublishIntervalWithItsId() {
    Advisory raised = raiseFailing();
    List<Advisory> announced = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      announced.addAll(run(FAILING, 1).announcements());
    }
    assertEquals(2, announced.size(), "10 minutes: two more announcements");
    for (Advisory again : announced) {
      assertEquals(Advisory.State.RAISED, again.state());
      assertEquals(raised.advisoryId(), again.advisoryId(), "repeats of one decision keep its id");
    }
    assertEquals(raised.issuedAt().plus(Duration.ofMinutes(5)), announced.get(0).issuedAt());
    assertEquals(raised.issuedAt().plus(Duration.ofMinutes(10)), announced.get(1).issuedAt());
  }

  @Test
  void aNetworkGoneQuietClearsAfterClearAfter() {
    raiseFailing();
    List<Advisory> decisions = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      tick = tick.plus(EVERY);
      decisions.addAll(flags.evaluate(List.of(), tick).decisions());
    }
    assertEquals(1, decisions.size());
    assertEquals(Advisory.State.CLEARED, decisions.get(0).state());
    assertEquals(0, decisions.get(0).evidence().requests(), "judged on nothing");
  }

  @Test
  void twoInstancesOnTheSameTicksDecideTheSameIds() {
    NetworkFlags other = new NetworkFlags(config);
    Instant start = tick;
    Advisory raised = raiseFailing();
    Instant otherTick = start;
    Advisory theirs = null;
    for (int i = 0; i < 5; i++) {
      otherTick = otherTick.plus(EVERY);
      Outcome outcome = other.evaluate(List.of(new Observation(FAILING, rule.judge(FAILING))), otherTick);
      theirs = outcome.decisions().isEmpty() ? theirs : outcome.decisions().get(0);
    }
    assertEquals(raised, theirs);
    assertNotEquals(raised.advisoryId(), NetworkFlags.raisedId("NG/29465", raised.issuedAt().plus(EVERY)),
        "a later raise is another decision");
    assertTrue(flags.announceAll(tick).isEmpty(), "announced at this tick already");
    assertEquals(raised.advisoryId(), flags.announceAll(tick.plus(EVERY)).get(0).advisoryId());
  }

  private Advisory raiseFailing() {
    Outcome outcome = run(FAILING, 5);
    assertEquals(1, outcome.decisions().size());
    return outcome.decisions().get(0);
  }

  /** {@code times} evaluations of the network, one tick apart; what they came to, merged. */
  private Outcome run(NetworkComparison network, int times) {
    List<Advisory> decisions = new ArrayList<>();
    List<Advisory> announcements = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      tick = tick.plus(EVERY);
      Outcome outcome = flags.evaluate(List.of(new Observation(network, rule.judge(network))), tick);
      decisions.addAll(outcome.decisions());
      announcements.addAll(outcome.announcements());
    }
    return new Outcome(decisions, announcements);
  }
}
