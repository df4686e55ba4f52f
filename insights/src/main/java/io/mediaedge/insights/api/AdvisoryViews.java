package io.mediaedge.insights.api;

import io.mediaedge.eventschema.Advisory.Evidence;
import io.mediaedge.eventschema.AdvisoryJson;
import io.mediaedge.insights.config.DetectionConfig;
import io.mediaedge.insights.detect.AdvisoryBoard;
import io.mediaedge.insights.detect.AdvisoryBoard.RowAdvisory;
import io.mediaedge.insights.detect.AdvisoryBoard.Snapshot;
import io.mediaedge.insights.detect.FlagView;
import io.mediaedge.insights.query.Figures.NetworkHealth;
import io.mediaedge.insights.steering.SteeringBoard;
import io.mediaedge.insights.steering.SteeringBoard.EdgeOverride;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code GET /api/v1/advisories} and of a row's {@code advisory} in
 * {@code /api/v1/isps}: field names here are the API's contract (README, "ISP-trouble detection
 * and advisories"). Recent decisions are shown exactly as they go on the topic.
 */
final class AdvisoryViews {
  private AdvisoryViews() {}

  /** @param steering what the regions report they steer: each raised flag shows who follows it */
  static JsonObject board(AdvisoryBoard board, SteeringBoard steering) {
    Snapshot s = board.snapshot();
    DetectionConfig c = board.config();
    JsonArray active = new JsonArray();
    Map<String, List<EdgeOverride>> overrides = steering.overridesByNetwork();
    s.active().forEach(flag -> active.add(flag(flag)
        .put("steering", SteeringViews.network(overrides, flag.country(), flag.asn()))));
    JsonArray recent = new JsonArray();
    s.recent().forEach(decision -> recent.add(new JsonObject(AdvisoryJson.encode(decision))));
    return new JsonObject().put("enabled", c.enabled()).put("publishing", s.publishing())
        .put("evaluatedAt", text(s.evaluatedAt()))
        .put("rule", new JsonObject().put("evaluateEverySeconds", c.evaluateEvery().toMillis() / 1000.0)
            .put("windowMinutes", c.windowMinutes()).put("baselineMinutes", c.baselineMinutes())
            .put("minRequests", c.minRequests()).put("minBaselineRequests", c.minBaselineRequests())
            .put("minErrors", c.minErrors()).put("raiseAfterSeconds", c.raiseAfter().toSeconds())
            .put("clearAfterSeconds", c.clearAfter().toSeconds())
            .put("republishIntervalSeconds", c.republishInterval().toSeconds()))
        .put("active", active).put("recent", recent);
  }

  private static JsonObject flag(FlagView f) {
    JsonArray signals = new JsonArray();
    f.signals().forEach(signal -> signals.add(signal.name()));
    return new JsonObject().put("id", f.id()).put("state", "RAISED").put("country", f.country()).put("asn", f.asn())
        .put("isp", f.isp()).put("signals", signals).put("since", text(f.since()))
        .put("announcedAt", text(f.announcedAt())).put("clearingSince", text(f.clearingSince()))
        .put("windowSeconds", f.windowSeconds()).put("evidence", evidence(f.evidence()));
  }

  private static JsonObject evidence(Evidence e) {
    return new JsonObject().put("requests", e.requests()).put("errorRate", e.errorRate())
        .put("baselineErrorRate", e.baselineErrorRate()).put("countryErrorRate", e.countryErrorRate())
        .put("p95Ms", e.p95Ms()).put("baselineP95Ms", e.baselineP95Ms()).put("countryP95Ms", e.countryP95Ms())
        .put("throughput", e.throughput()).put("baselineThroughput", e.baselineThroughput())
        .put("countryThroughput", e.countryThroughput());
  }

  /**
   * A row of the ISP table: the network's figures, what detection says of it in the window, and
   * which regions steer it now.
   *
   * @param overrides {@link SteeringBoard#overridesByNetwork()}, made once for the whole table
   */
  static JsonObject networkRow(NetworkHealth n, AdvisoryBoard advisories,
      Map<String, List<EdgeOverride>> overrides, Instant windowStart) {
    return JsonViews.network(n, row(advisories.forNetwork(n.country(), n.asn(), windowStart).orElse(null)))
        .put("steering", SteeringViews.network(overrides, n.country(), n.asn()));
  }

  /** A row's {@code advisory}: null, or what the ISP table shows. */
  static JsonObject row(RowAdvisory advisory) {
    if (advisory == null) {
      return null;
    }
    JsonArray signals = new JsonArray();
    advisory.signals().forEach(signal -> signals.add(signal.name()));
    return new JsonObject().put("state", advisory.state().name()).put("signals", signals)
        .put("since", text(advisory.since())).put("id", advisory.id());
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
