package io.mediaedge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.SteeringConfig;
import io.mediaedge.edge.SteeringOverrides.Outcome;
import io.mediaedge.edge.SteeringOverrides.SteeredNetwork;
import io.mediaedge.eventschema.Advisory;
import io.mediaedge.eventschema.Advisory.Signal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The table of steered networks on a clock the test moves: TTL, extension, clearing, the cap, the kill switch. */
class SteeringOverridesTest {
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  static final Duration TTL = Duration.ofMinutes(15);

  /** Now, as the test moves it: what the table's clock reads. */
  private final AtomicReference<Instant> now = new AtomicReference<>(T0);
  private final Clock clock = ((InstantSource) now::get).withZone(ZoneOffset.UTC);
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private final SteeringOverrides table = table(3);

  static SteeringConfig config(int cap) {
    return new SteeringConfig(true, SteeringConfig.DEFAULT_TOPIC, "upload-direct-eu.example.com", false, TTL, cap,
        Optional.empty(), SteeringConfig.DEFAULT_REPORT_TOPIC, SteeringConfig.DEFAULT_REPORT_INTERVAL);
  }

  private SteeringOverrides table(int cap) {
    return new SteeringOverrides(config(cap), clock, metrics);
  }

  static Advisory advisory(String id, Advisory.State state, String country, String asn, Instant issuedAt) {
    return new Advisory(id, issuedAt, state, country, asn, "ISP of " + asn,
        state == Advisory.State.RAISED ? List.of(Signal.ERROR_RATE, Signal.P95_LATENCY) : List.of(), 300,
        new Advisory.Evidence(5000, 0.2, 0.01, 0.012, 900, 300, 310, -1, -1, -1));
  }

  static Advisory raised(String id, String country, String asn, Instant issuedAt) {
    return advisory(id, Advisory.State.RAISED, country, asn, issuedAt);
  }

  static Advisory cleared(String id, String country, String asn, Instant issuedAt) {
    return advisory(id, Advisory.State.CLEARED, country, asn, issuedAt);
  }

  private double counted(Outcome outcome, String country) {
    Counter counter = metrics.find(SteeringOverrides.OUTCOMES).tag("outcome", outcome.label())
        .tag("country", country).counter();
    return counter == null ? 0 : counter.count();
  }

  private double gauge(String name) {
    return metrics.get(name).gauge().value();
  }

  @Test
  void aRaisedAdvisorySteersItsNetworkUntilTtlAfterItWasIssued() {
    Instant issued = T0.minus(Duration.ofMinutes(1));
    assertEquals(Outcome.APPLIED, table.apply(raised("a1", "GB", "20712", issued)));
    SteeredNetwork steered = table.find("GB", "20712").orElseThrow();
    assertEquals(issued.plus(TTL), steered.expiresAt(), "ttl counts from when insights issued it");
    assertEquals(List.of(Signal.ERROR_RATE, Signal.P95_LATENCY), steered.signals());
    assertEquals("a1", steered.advisoryId());
    assertEquals(T0, steered.steeredSince());
    assertEquals(Optional.empty(), table.find("GB", "5089"), "another ASN of the same country is not steered");
    assertEquals(Optional.empty(), table.find("IE", "20712"), "nor the same ASN in another country");
    assertEquals(1, gauge(SteeringOverrides.ACTIVE));

    now.updateAndGet(at -> at.plus(Duration.ofMinutes(14).minusMillis(1)));
    assertTrue(table.find("GB", "20712").isPresent());
    now.updateAndGet(at -> at.plus(Duration.ofMillis(1)));
    assertEquals(Optional.empty(), table.find("GB", "20712"), "lapsed the moment its time is up, before any sweep");
    assertEquals(0, gauge(SteeringOverrides.ACTIVE));
    assertEquals(1, table.expire());
    assertEquals(0, table.expire());
    assertEquals(1, counted(Outcome.APPLIED, "GB"));
    assertEquals(1, counted(Outcome.EXPIRED, "GB"));
  }

  @Test
  void aNewerRaisedExtendsTheOverrideToTtlAfterItsOwnIssueAndNoFurther() {
    table.apply(raised("a1", "GB", "20712", T0));
    now.updateAndGet(at -> at.plus(Duration.ofMinutes(10)));
    Advisory renewed = new Advisory("a2", clock.instant(), Advisory.State.RAISED, "GB", "20712", "ISP",
        List.of(Signal.UPLOAD_THROUGHPUT), 300, raised("x", "GB", "1", T0).evidence());
    assertEquals(Outcome.EXTENDED, table.apply(renewed));
    SteeredNetwork steered = table.find("GB", "20712").orElseThrow();
    assertEquals(T0.plus(Duration.ofMinutes(10)).plus(TTL), steered.expiresAt());
    assertEquals("a2", steered.advisoryId(), "the newest advisory is the one shown");
    assertEquals(List.of(Signal.UPLOAD_THROUGHPUT), steered.signals());
    assertEquals(T0, steered.steeredSince(), "steered since the first one");

    // A repeat of the older advisory (a replay) neither shortens nor changes it.
    assertEquals(Outcome.IGNORED, table.apply(raised("a1", "GB", "20712", T0)));
    assertEquals("a2", table.find("GB", "20712").orElseThrow().advisoryId());
    assertEquals(1, counted(Outcome.EXTENDED, "GB"));
  }

  @Test
  void anAdvisoryFromAClockAheadOfOursSteersNoLongerThanTtlFromNow() {
    table.apply(raised("ahead", "DE", "24940", T0.plus(Duration.ofHours(2))));
    assertEquals(T0.plus(TTL), table.find("DE", "24940").orElseThrow().expiresAt());
  }

  @Test
  void aRaisedIssuedMoreThanTtlAgoIsStaleAndSteersNothing() {
    assertEquals(Outcome.STALE, table.apply(raised("old", "GB", "20712", T0.minus(TTL))));
    assertEquals(Optional.empty(), table.find("GB", "20712"));
    assertEquals(1, counted(Outcome.STALE, "GB"));
  }

  @Test
  void aClearedAdvisoryEndsTheOverrideAtOnce() {
    table.apply(raised("a1", "GB", "20712", T0));
    now.updateAndGet(at -> at.plus(Duration.ofMinutes(2)));
    assertEquals(Outcome.CLEARED, table.apply(cleared("c1", "GB", "20712", clock.instant())));
    assertEquals(Optional.empty(), table.find("GB", "20712"));
    assertEquals(0, table.expire(), "nothing left to lapse");
    assertEquals(1, counted(Outcome.CLEARED, "GB"));
    assertEquals(0, counted(Outcome.EXPIRED, "GB"));
  }

  @Test
  void aClearedForANetworkNotSteeredOrOlderThanTheRaiseIsIgnored() {
    assertEquals(Outcome.IGNORED, table.apply(cleared("c0", "GB", "20712", T0)));
    table.apply(raised("a1", "GB", "20712", T0));
    assertEquals(Outcome.IGNORED, table.apply(cleared("c-1", "GB", "20712", T0.minusSeconds(1))));
    assertTrue(table.find("GB", "20712").isPresent(), "an older CLEARED does not undo a newer RAISED");
  }

  @Test
  void theCapRefusesOneNetworkMoreButStillExtendsTheSteeredOnes() {
    SteeringOverrides two = table(2);
    assertEquals(Outcome.APPLIED, two.apply(raised("a", "GB", "20712", T0)));
    now.updateAndGet(at -> at.plus(Duration.ofMinutes(5)));
    assertEquals(Outcome.APPLIED, two.apply(raised("b", "SE", "29518", clock.instant())));
    assertEquals(Outcome.REFUSED_CAP, two.apply(raised("c", "KR", "4766", clock.instant())));
    assertEquals(Optional.empty(), two.find("KR", "4766"));
    assertEquals(Outcome.EXTENDED, two.apply(raised("b2", "SE", "29518", clock.instant())));
    assertEquals(1, counted(Outcome.REFUSED_CAP, "KR"));

    now.updateAndGet(at -> at.plus(Duration.ofMinutes(10))); // "a" lapses: its place is free again
    assertEquals(Outcome.APPLIED, two.apply(raised("c2", "KR", "4766", clock.instant())));
    assertEquals(2, two.activeCount());
    assertEquals(1, counted(Outcome.EXPIRED, "GB"), "the lapse that made room was logged and counted");
  }

  @Test
  void theKillSwitchKeepsTheOverridesAndTheirClock() {
    table.apply(raised("a1", "GB", "20712", T0));
    table.killSwitch(true);
    assertTrue(table.killSwitchOn());
    assertEquals(1, gauge(SteeringOverrides.KILL_SWITCH));
    assertTrue(table.find("GB", "20712").isPresent(), "held back, not forgotten");
    assertEquals(Outcome.APPLIED, table.apply(raised("b1", "SE", "29518", T0)), "advisories are still taken in");
    assertEquals(2, gauge(SteeringOverrides.ACTIVE));
    now.updateAndGet(at -> at.plus(TTL));
    assertEquals(2, table.expire(), "and still lapse while held");
    table.killSwitch(false);
    assertFalse(table.killSwitchOn());
    assertEquals(0, gauge(SteeringOverrides.KILL_SWITCH));
  }

  @Test
  void anAdvisoryThatNamesNoNetworkIsCountedAndIgnored() {
    assertEquals(Outcome.INVALID, table.apply(raised("x", "", "20712", T0)));
    assertEquals(Outcome.INVALID, table.apply(raised("y", "GBR", "20712", T0)));
    assertEquals(Outcome.INVALID, table.apply(raised("z", "GB", "AS", T0)));
    assertEquals(Outcome.INVALID, table.apply(raised("w", "GB", "0", T0)));
    assertEquals(4, counted(Outcome.INVALID, ""));
    assertEquals(0, table.activeCount());
  }

  @Test
  void countryAndAsnAreReadTheWayRouteRulesAndTheEdgeViewWriteThem() {
    table.apply(raised("a1", "gb", "AS020712", T0));
    assertTrue(table.find("GB", "20712").isPresent());
    assertEquals(Optional.empty(), table.find("GB", ""), "a client without an ASN is never steered");
  }
}
