package io.mediaedge.insights.steering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.eventschema.SteeringReport;
import io.mediaedge.insights.steering.SteeringBoard.EdgeOverride;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SteeringBoardTest {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final SteeringReport.Steered MTN = steered("NG", "29465", NOW.plusSeconds(600));

  private final SteeringBoard board = new SteeringBoard(Clock.fixed(NOW, ZoneOffset.UTC));

  private static SteeringReport.Steered steered(String country, String asn, Instant until) {
    return new SteeringReport.Steered(country, asn, "", "adv-" + asn, NOW.minusSeconds(60), until);
  }

  private static SteeringReport report(String region, String instance, Instant at, boolean killSwitch,
      SteeringReport.Steered... steered) {
    return new SteeringReport(region, instance, at, 15, "alt." + region, killSwitch, 20, List.of(steered));
  }

  @Test
  void theNewestTableOfAnInstanceStandsWhateverOrderTheyArriveIn() {
    board.accept(report("eu-1", "a", NOW, false, MTN));
    board.accept(report("eu-1", "a", NOW.minusSeconds(20), false));
    assertEquals(List.of(MTN), board.current().get(0).steered());
    board.accept(report("eu-1", "a", NOW.plusSeconds(1), false));
    assertEquals(List.of(), board.forNetwork("NG", "29465"));
  }

  @Test
  void anInstanceSilentForThreePeriodsIsForgotten() {
    board.accept(report("eu-1", "on-time", NOW.minusSeconds(44), false, MTN));
    board.accept(report("eu-1", "gone", NOW.minusSeconds(46), false, MTN));
    assertEquals(List.of("on-time"), board.current().stream().map(SteeringReport::instance).toList());
    assertEquals(Map.of("eu-1", 1), board.instancesByRegion());
  }

  @Test
  void overridesPastTheirTimeOrHeldBackAreNotCountedAsSteering() {
    board.accept(report("eu-1", "a", NOW, false, MTN, steered("KE", "33771", NOW.minusSeconds(1))));
    board.accept(report("eu-1", "b", NOW, false, MTN));
    board.accept(report("us-1", "c", NOW, true, MTN));
    assertEquals(Map.of("eu-1", 1, "us-1", 0), board.steeredNetworksByRegion());
    assertEquals(List.of(), board.forNetwork("KE", "33771"), "lapsed");
    List<EdgeOverride> mtn = board.forNetwork("NG", "29465");
    assertEquals(List.of("eu-1", "eu-1", "us-1"), mtn.stream().map(EdgeOverride::region).toList());
    assertTrue(mtn.get(2).heldBack());
    assertEquals("alt.us-1", mtn.get(2).alternativeHost());
  }
}
