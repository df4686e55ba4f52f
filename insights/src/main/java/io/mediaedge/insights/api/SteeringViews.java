package io.mediaedge.insights.api;

import io.mediaedge.eventschema.Advisory;
import io.mediaedge.eventschema.SteeringReport;
import io.mediaedge.insights.steering.SteeringBoard;
import io.mediaedge.insights.steering.SteeringBoard.EdgeOverride;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code GET /api/v1/steering} and of a network's {@code steering}: what the regions
 * that follow advisories report they do. Field names are the API's contract (README, "Steering").
 */
final class SteeringViews {
  private SteeringViews() {}

  /** Every instance reporting now, with its table. */
  static JsonObject board(SteeringBoard board) {
    List<SteeringReport> reports = board.current();
    return new JsonObject().put("instances", JsonViews.array(reports, SteeringViews::report))
        .put("steeredNetworksByRegion", byRegion(board));
  }

  /** What the live page shows over the ISP table: how many instances report, what each region steers. */
  static JsonObject summary(SteeringBoard board) {
    return new JsonObject().put("instances", board.current().size()).put("steeredNetworksByRegion", byRegion(board));
  }

  private static JsonObject byRegion(SteeringBoard board) {
    JsonObject regions = new JsonObject();
    board.steeredNetworksByRegion().forEach(regions::put);
    return regions;
  }

  private static JsonObject report(SteeringReport r) {
    JsonArray steered = new JsonArray();
    r.steered().forEach(s -> steered.add(new JsonObject().put("country", s.country()).put("asn", s.asn())
        .put("isp", s.isp()).put("advisoryId", s.advisoryId()).put("since", s.since().toString())
        .put("until", s.until().toString())));
    return new JsonObject().put("region", r.region()).put("instance", r.instance())
        .put("reportedAt", r.reportedAt().toString()).put("everySeconds", r.everySeconds())
        .put("alternativeHost", r.alternativeHost()).put("killSwitch", r.killSwitch())
        .put("maxSteeredNetworks", r.maxSteeredNetworks()).put("steered", steered);
  }

  /**
   * A network's overrides in force, one per reporting instance: empty when no region steers it.
   *
   * @param byNetwork {@link SteeringBoard#overridesByNetwork()}, made once for a whole answer
   */
  static JsonArray network(Map<String, List<EdgeOverride>> byNetwork, String country, String asn) {
    return JsonViews.array(byNetwork.getOrDefault(Advisory.networkKey(country, asn), List.of()),
        SteeringViews::override);
  }

  private static JsonObject override(EdgeOverride o) {
    return new JsonObject().put("region", o.region()).put("instance", o.instance())
        .put("host", o.alternativeHost()).put("advisoryId", o.advisoryId()).put("since", o.since().toString())
        .put("until", o.until().toString()).put("heldBack", o.heldBack());
  }
}
