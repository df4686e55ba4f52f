package io.mediaedge.insights.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.eventschema.SteeringReport;
import io.mediaedge.eventschema.SteeringReportJson;
import io.mediaedge.insights.InsightsApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the regions report they steer, through the real report topic: the topic appears only after
 * insights started (no region steered before), the latest report of each instance counts, an
 * instance that stopped reporting is forgotten, a kill switch shows as held back, and a record that
 * is not a report is counted and skipped. Shown in {@code /api/v1/steering}, each ISP row and the
 * metrics.
 */
class SteeringReportsIT {
  private static final String NG = "NG";
  private static final String MTN = "29465";

  private static InsightsStack stack;
  private static InsightsApp app;
  private static String steeringTopic;

  @BeforeAll
  static void start() throws Exception {
    stack = InsightsStack.get();
    String topic = stack.createTopic("history.steering-it", 1);
    steeringTopic = topic + ".steering";
    app = stack.start(stack.config("steering-it", topic, topic));
    Instant now = Instant.now();
    for (int i = 0; i < 12; i++) {
      stack.send(topic, HistoryEvent.upload(UUID.randomUUID().toString(), now.minusSeconds(i), "user-" + i,
          UUID.randomUUID().toString(), "image/jpeg", 100_000, "00", 400, origin(NG, MTN)));
    }
    // created while insights runs: a region began to steer
    stack.createNamedTopic(steeringTopic, 2);
    SteeringReport.Steered mtn = new SteeringReport.Steered(NG, MTN, "MTN Nigeria", "adv-1", now.minusSeconds(60),
        now.plus(Duration.ofMinutes(10)));
    SteeringReport.Steered lapsed = new SteeringReport.Steered("KE", "33771", "Safaricom", "adv-0",
        now.minus(Duration.ofMinutes(20)), now.minusSeconds(5));
    report(new SteeringReport("eu-1", "a", now.minusSeconds(2), 15, "upload-alt.example.com", false, 20,
        List.of(mtn, lapsed)));
    report(new SteeringReport("eu-1", "b", now, 15, "upload-alt.example.com", false, 20, List.of(mtn)));
    // arrives later but was made earlier: the newer table of eu-1/b stands
    report(new SteeringReport("eu-1", "b", now.minusSeconds(30), 15, "upload-alt.example.com", false, 20,
        List.of()));
    report(new SteeringReport("us-1", "c", now, 15, "upload-us-alt.example.com", true, 20, List.of(mtn)));
    // silent for ten minutes at a 15 s interval: stopped, not shown
    report(new SteeringReport("ap-1", "d", now.minus(Duration.ofMinutes(10)), 15, "upload-ap-alt.example.com",
        false, 20, List.of(mtn)));
    stack.sendRaw(steeringTopic, "eu-1/x", null, "not a report");
    stack.flush();
  }

  private static void report(SteeringReport report) {
    stack.sendRaw(steeringTopic, report.key(), null, SteeringReportJson.encode(report));
  }

  private static Origin origin(String country, String asn) {
    return new Origin("eu", "LOS", country, "Lagos", asn, "MTN Nigeria", "203.0.113.7", Map.of());
  }

  @Test
  void everyInstanceStillReportingIsShownWithItsLatestTable() throws Exception {
    // the reader looks for a missing topic every 10 s
    JsonObject steering = stack.await(app, "/api/v1/steering",
        json -> json.getJsonArray("instances", new JsonArray()).size() >= 3).json();
    JsonArray instances = steering.getJsonArray("instances");
    assertEquals(List.of("eu-1/a", "eu-1/b", "us-1/c"), instances.stream()
        .map(o -> ((JsonObject) o).getString("region") + "/" + ((JsonObject) o).getString("instance")).toList());
    JsonObject b = instances.getJsonObject(1);
    assertEquals(1, b.getJsonArray("steered").size(), "the newer of b's two tables: " + b);
    assertEquals(true, instances.getJsonObject(2).getBoolean("killSwitch"));
    assertEquals(new JsonObject().put("eu-1", 1).put("us-1", 0), steering.getJsonObject("steeredNetworksByRegion"),
        "eu-1 steers MTN once however many instances do; us-1's kill switch holds its override back; KE lapsed");
  }

  @Test
  void theIspRowSaysWhichRegionsSteerTheNetwork() throws Exception {
    JsonObject row = stack.await(app, "/api/v1/isps?window=15m", json -> steering(json).size() >= 3).json();
    JsonArray overrides = steering(row);
    assertEquals(3, overrides.size(), overrides.encode());
    for (Object o : overrides) {
      JsonObject override = (JsonObject) o;
      assertEquals("adv-1", override.getString("advisoryId"));
      assertEquals(override.getString("region").equals("us-1"), override.getBoolean("heldBack"), override.encode());
    }
  }

  private static JsonArray steering(JsonObject isps) {
    for (Object o : isps.getJsonArray("isps", new JsonArray())) {
      JsonObject row = (JsonObject) o;
      if (row.getString("country").equals(NG) && row.getString("asn").equals(MTN)) {
        return row.getJsonArray("steering", new JsonArray());
      }
    }
    return new JsonArray();
  }

  @Test
  void theMetricsCountPerRegionAndTheUndecodableRecord() throws Exception {
    String metrics = stack.await(app, "/metrics",
        json -> json.getString("text", "").contains("insights_steering_reports_undecodable_total 1.0")
            && json.getString("text", "").contains("insights_steering_instances{region=\"us-1\"}")).json()
        .getString("text");
    assertTrue(metrics.contains("insights_steering_networks{region=\"eu-1\"} 1.0"), metrics);
    assertTrue(metrics.contains("insights_steering_networks{region=\"us-1\"} 0.0"), metrics);
    assertTrue(metrics.contains("insights_steering_instances{region=\"eu-1\"} 2.0"), metrics);
    assertTrue(metrics.contains("insights_steering_instances{region=\"ap-1\"} 0.0"),
        "a region seen once and gone reads 0: " + metrics);
  }
}
