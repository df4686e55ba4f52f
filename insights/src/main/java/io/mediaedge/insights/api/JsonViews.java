package io.mediaedge.insights.api;

import io.mediaedge.insights.query.Figures.CountryCount;
import io.mediaedge.insights.query.Figures.LatencyPoint;
import io.mediaedge.insights.query.Figures.LengthBucket;
import io.mediaedge.insights.query.Figures.NetworkHealth;
import io.mediaedge.insights.query.Figures.RegionLatency;
import io.mediaedge.insights.query.Figures.Summary;
import io.mediaedge.insights.query.Figures.ThumbnailOutcome;
import io.mediaedge.insights.query.Figures.Thumbnails;
import io.mediaedge.insights.query.Figures.TypeShare;
import io.mediaedge.insights.query.NetworkFigures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/** The JSON shape of each answer: field names here are the API's contract (README, "Insights"). */
final class JsonViews {
  private JsonViews() {}

  static JsonObject summary(Summary s) {
    JsonObject byAction = new JsonObject();
    s.byAction().forEach(byAction::put);
    return new JsonObject().put("window", s.window()).put("from", s.from().toString()).put("to", s.to().toString())
        .put("events", s.events()).put("byAction", byAction).put("errors", s.errors())
        .put("errorRate", round(s.errorRate())).put("uploadBytes", s.uploadBytes()).put("countries", s.countries())
        .put("networks", s.networks())
        .put("uploadLatencyMs", new JsonObject().put("p50", s.uploadP50Ms()).put("p90", s.uploadP90Ms())
            .put("p99", s.uploadP99Ms()))
        .put("instanceRuns", s.runs());
  }

  static JsonObject country(CountryCount c) {
    return new JsonObject().put("country", c.country()).put("requests", c.requests()).put("errors", c.errors())
        .put("uploads", c.uploads());
  }

  static JsonObject type(TypeShare t) {
    return new JsonObject().put("contentType", t.contentType()).put("requests", t.requests())
        .put("share", round(t.share()));
  }

  static JsonObject length(LengthBucket b) {
    return new JsonObject().put("le", b.le() < 0 ? null : b.le()).put("count", b.count());
  }

  static JsonObject region(RegionLatency r) {
    return new JsonObject().put("region", r.region()).put("points", array(r.points(), JsonViews::point));
  }

  private static JsonObject point(LatencyPoint p) {
    return new JsonObject().put("time", p.time().toString()).put("count", p.count()).put("p50", p.p50Ms())
        .put("p90", p.p90Ms()).put("p99", p.p99Ms());
  }

  static JsonObject thumbnails(Thumbnails t) {
    return new JsonObject().put("window", t.window()).put("settled", t.settled()).put("made", t.made())
        .put("lagMs", new JsonObject().put("count", t.lag().count()).put("p50", t.lag().p50Ms())
            .put("p90", t.lag().p90Ms()).put("p99", t.lag().p99Ms()))
        .put("outcomes", array(t.outcomes(), JsonViews::outcome))
        .put("stepMinutes", t.stepMinutes())
        .put("regions", array(t.lagByRegion(), JsonViews::region));
  }

  private static JsonObject outcome(ThumbnailOutcome o) {
    return new JsonObject().put("outcome", o.outcome()).put("reason", o.reason()).put("media", o.media());
  }

  /** @param advisory the row's {@code advisory} (null when the network has none) */
  static JsonObject network(NetworkHealth n, JsonObject advisory) {
    return new JsonObject().put("country", n.country()).put("asn", n.asn()).put("isp", n.isp())
        .put("window", figures(n.window()))
        .put("baseline", figures(n.baseline()).put("minutes", n.baselineMinutes()))
        .put("advisory", advisory);
  }

  private static JsonObject figures(NetworkFigures f) {
    JsonObject byCode = new JsonObject();
    f.errorsByCode().forEach(byCode::put);
    return new JsonObject().put("requests", f.requests()).put("errors", f.errors())
        .put("errorRate", round(f.errorRate())).put("errorsByCode", byCode)
        .put("uploadLatencyMs", new JsonObject().put("count", f.latencyCount()).put("p50", f.p50Ms())
            .put("p95", f.p95Ms()).put("p99", f.p99Ms()))
        .put("uploads", f.uploads()).put("uploadBytes", f.uploadBytes())
        .put("throughputUploads", f.measuredUploads())
        .put("throughputBytesPerSecond", f.throughput() < 0 ? null : Math.round(f.throughput()));
  }

  static <T> JsonArray array(List<T> items, Function<T, JsonObject> view) {
    JsonArray array = new JsonArray();
    items.forEach(item -> array.add(view.apply(item)));
    return array;
  }

  /** Rates and shares to six decimals: enough for a chart, and stable in tests. */
  private static double round(double value) {
    return Math.round(value * 1e6) / 1e6;
  }
}
