package io.mediaedge.edge;

import static io.mediaedge.edge.SteeringOverridesTest.T0;
import static io.mediaedge.edge.SteeringOverridesTest.raised;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.IpAddresses;
import io.mediaedge.edge.RouteDecision.Reason;
import io.mediaedge.edge.RouteTable.RouteHint;
import io.mediaedge.edge.geo.GeoAnswer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Advisories on top of the routes file: an override replaces what a country-only rule or the
 * defaults would say, never a rule that names the client's ASN; the kill switch holds them all back.
 */
class SteeringRouteHintsTest {
  private static final String ALTERNATIVE = "upload-direct-eu.example.com";

  @TempDir Path dir;
  private final AtomicReference<Instant> now = new AtomicReference<>(T0);
  private final Clock clock = ((InstantSource) now::get).withZone(ZoneOffset.UTC);
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private SteeringOverrides overrides;
  private RouteHints hints;

  @BeforeEach
  void table() throws Exception {
    // asia-pacific comes first, so kr-skb-direct is shadowed: it still claims KR/9318 for the engineers.
    Path file = Files.writeString(dir.resolve("routes.yaml"), """
        defaults: {host: upload-eu.example.com, ttlSeconds: 300}
        rules:
          - {name: asia-pacific, countries: [KR, JP], host: upload-ap.example.com, ttlSeconds: 600}
          - {name: kr-skb-direct, countries: [KR], asns: [AS9318], host: upload-direct-ap.example.com}
          - {name: kt-anywhere, asns: [4766], host: upload-kt.example.com}
          - {name: de-hetzner, countries: [DE], asns: [24940], host: upload-de.example.com}
        """);
    overrides = new SteeringOverrides(SteeringOverridesTest.config(20), clock, metrics);
    hints = RouteHints.fixed(RouteTable.read(file), metrics).following(overrides);
  }

  private static EdgeView from(String country, long asn) {
    return new EdgeView(IpAddresses.parse("203.0.113.9").orElseThrow(), "203.0.113.0", true,
        new GeoAnswer(country, "", asn, ""), "FRA", country, "eu");
  }

  private RouteDecision decide(String country, long asn) {
    return hints.decide(from(country, asn));
  }

  @Test
  void anAdvisoryReplacesTheDefaultsForItsNetworkOnly() {
    overrides.apply(raised("adv-1", "GB", "20712", T0));
    RouteDecision steered = decide("GB", 20712);
    assertEquals(Reason.ADVISORY, steered.reason());
    assertEquals(new RouteHint("advisory", ALTERNATIVE, false, 300), steered.hint());
    assertEquals("adv-1", steered.advisory().orElseThrow().advisoryId());
    assertEquals("default", steered.fileRule(), "what the file would have said");

    RouteDecision neighbour = decide("GB", 5089);
    assertEquals(Reason.DEFAULT, neighbour.reason(), "another ISP of the same country is not steered");
    assertEquals("upload-eu.example.com", neighbour.hint().host());
    assertEquals(Reason.DEFAULT, decide("IE", 20712).reason(), "nor the same ASN in another country");
  }

  @Test
  void anAdvisoryReplacesACountryOnlyRule() {
    overrides.apply(raised("adv-jp", "JP", "2516", T0));
    RouteDecision steered = decide("JP", 2516);
    assertEquals(Reason.ADVISORY, steered.reason());
    assertEquals("asia-pacific", steered.fileRule());
    assertEquals(ALTERNATIVE, steered.hint().host());
    RouteDecision other = decide("JP", 17676);
    assertEquals(Reason.RULE, other.reason());
    assertEquals("asia-pacific", other.hint().rule());
  }

  @Test
  void aFileRuleThatNamesTheAsnAlwaysWins() {
    overrides.apply(raised("adv-de", "DE", "24940", T0));
    overrides.apply(raised("adv-kt", "US", "4766", T0));
    assertEquals("de-hetzner", decide("DE", 24940).hint().rule());
    assertEquals(Reason.RULE, decide("DE", 24940).reason());
    assertEquals("kt-anywhere", decide("US", 4766).hint().rule(), "a rule naming only the ASN covers every country");
  }

  @Test
  void aRuleNamingTheAsnWinsEvenWhereABroaderRuleAnswersFirst() {
    overrides.apply(raised("adv-skb", "KR", "9318", T0));
    RouteDecision decision = decide("KR", 9318);
    assertEquals(Reason.RULE, decision.reason(), "the engineers wrote KR/9318 into the file: it is theirs");
    assertEquals("asia-pacific", decision.hint().rule(), "and the file answers as it always did");
  }

  @Test
  void theSteeredHintIsKeptNoLongerThanTheOverrideLasts() {
    overrides.apply(raised("adv-1", "GB", "20712", T0.minus(Duration.ofMinutes(14)).minusMillis(30_500)));
    assertEquals(30, decide("GB", 20712).hint().ttlSeconds(), "29.5 s left, rounded up");
    overrides.apply(raised("adv-jp", "JP", "2516", T0));
    assertEquals(600, decide("JP", 2516).hint().ttlSeconds(), "the file's ttl when that is shorter");
    now.updateAndGet(at -> at.plus(Duration.ofSeconds(30)));
    assertEquals(Reason.DEFAULT, decide("GB", 20712).reason(), "lapsed");
  }

  @Test
  void theKillSwitchAnswersFromTheFileAndCountsWhatItHeldBack() {
    overrides.apply(raised("adv-1", "GB", "20712", T0));
    overrides.killSwitch(true);
    RouteDecision held = decide("GB", 20712);
    assertEquals(Reason.DEFAULT, held.reason());
    assertEquals("upload-eu.example.com", held.hint().host());
    assertEquals(1, metrics.get(SteeringOverrides.SUPPRESSED).tag("country", "GB").counter().count());

    overrides.killSwitch(false);
    assertEquals(Reason.ADVISORY, decide("GB", 20712).reason(), "the override was kept: it applies again");
  }

  @Test
  void steeredAnswersAreCountedUnderTheAdvisoryRuleWithoutTheAsn() {
    overrides.apply(raised("adv-1", "GB", "20712", T0));
    decide("GB", 20712);
    decide("GB", 20712);
    Counter counter = metrics.get("media_edge_route_hints").tags("rule", "advisory", "host", ALTERNATIVE).counter();
    assertEquals(2, counter.count());
    assertTrue(metrics.getMeters().stream().flatMap(m -> m.getId().getTags().stream())
        .noneMatch(tag -> tag.getKey().equals("asn")), "no meter is labelled by ASN");
  }
}
