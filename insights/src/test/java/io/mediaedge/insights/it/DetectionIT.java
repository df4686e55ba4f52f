package io.mediaedge.insights.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.eventschema.Advisory;
import io.mediaedge.eventschema.AdvisoryJson;
import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.insights.InsightsApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * ISP-trouble detection end to end, over a real topic and two instances in one group: Nigerian
 * networks with a day-like baseline (events dated 10 to 50 minutes ago), then one ISP's error rate
 * jumps: it is RAISED on the advisory topic, in {@code /api/v1/advisories} and on its
 * {@code /api/v1/isps} row, announced again, and CLEARED once it recovers; a small ISP with three
 * failures is never flagged, and only one instance publishes. Short timing: evaluations every
 * 500 ms, raise after 1 s, clear after 2 s, announce again every 2 s.
 */
class DetectionIT {
  private static final String MTN = "29465";
  private static final String SMALL = "328000";
  private static final Map<String, Object> FAST = Map.of("evaluateEvery", "500ms", "window", "3m", "baseline", "1h",
      "baselineRefresh", "500ms", "raiseAfter", "1s", "clearAfter", "2s", "republishInterval", "2s");
  /** Raise after 1 s, plus the partials' 200 ms and an evaluation's 500 ms, with room for a busy machine. */
  private static final Duration FLAGGED_WITHIN = Duration.ofSeconds(10);

  private final InsightsStack stack = InsightsStack.get();
  /** Every advisory read from the topic, in order. */
  private final List<Advisory> seen = new ArrayList<>();
  private int cursor;

  @Test
  void aJumpInOneIspsErrorRateIsRaisedThenClearedAndASmallIspNeverIs() throws Exception {
    String topic = stack.createTopic("history.detect-it", 3);
    InsightsApp a = stack.start(stack.config("detect-a", topic, topic, FAST));
    InsightsApp b = stack.start(stack.config("detect-b", topic, topic, FAST));
    stack.awaitGroupMembers(topic, 2);
    try (KafkaConsumer<String, String> advisories = stack.readFromStart(topic + ".advisories")) {
      Instant now = Instant.now();
      for (String asn : List.of(MTN, "37148", "36873")) {
        send(topic, asn, 600, 6, now, true);
        send(topic, asn, 100, 1, now, false);
      }
      // 3 of 35 requests: 8.6 %, over the error-rate floor, but three failures are not a trouble
      send(topic, SMALL, 400, 0, now, true);
      send(topic, SMALL, 32, 3, now, false);
      stack.flush();
      stack.await(a, "/api/v1/isps?window=3m&baseline=1h", json -> requests(json, MTN, "baseline") == 606
          && requests(json, SMALL, "window") == 35 && requests(json, "36873", "window") == 101);
      Instant allIn = Instant.now();
      JsonObject calm = stack.await(a, "/api/v1/advisories", json -> json.getString("evaluatedAt") != null
          && Instant.parse(json.getString("evaluatedAt")).isAfter(allIn.plusSeconds(2))).json();
      assertEquals(new JsonArray(), calm.getJsonArray("active"), "healthy networks are not flagged");
      assertEquals(new JsonArray(), calm.getJsonArray("recent"));

      // MTN's uploads start failing: 61 of 161
      Instant jump = Instant.now();
      send(topic, MTN, 0, 60, jump, false);
      stack.flush();
      Advisory raised = awaitAdvisory(advisories, x -> x.state() == Advisory.State.RAISED);
      Duration took = Duration.between(jump, Instant.now());
      assertTrue(took.compareTo(FLAGGED_WITHIN) < 0, "flagged in " + took);
      assertEquals("NG/" + MTN, raised.key());
      assertEquals(List.of(Advisory.Signal.ERROR_RATE), raised.signals());
      assertEquals("ISP " + MTN, raised.isp());
      assertEquals(180, raised.windowSeconds());
      assertEquals(161, raised.evidence().requests());
      assertEquals(61.0 / 161, raised.evidence().errorRate(), 1e-9);
      assertEquals(6.0 / 606, raised.evidence().baselineErrorRate(), 1e-9);
      assertEquals(5.0 / 237, raised.evidence().countryErrorRate(), 1e-9, "the two other ISPs and the small one");

      JsonObject board = stack.await(a, "/api/v1/advisories", json -> !json.getJsonArray("active").isEmpty()).json();
      JsonObject active = board.getJsonArray("active").getJsonObject(0);
      assertEquals(raised.advisoryId(), active.getString("id"));
      assertEquals(MTN, active.getString("asn"));
      assertEquals(new JsonArray().add("ERROR_RATE"), active.getJsonArray("signals"));
      assertEquals("RAISED", board.getJsonArray("recent").getJsonObject(0).getString("state"));
      JsonObject isps = stack.await(a, "/api/v1/isps?window=3m&baseline=1h", json -> row(json, MTN)
          .getValue("advisory") != null).json();
      JsonObject flagged = row(isps, MTN).getJsonObject("advisory");
      assertEquals("RAISED", flagged.getString("state"));
      assertEquals(raised.advisoryId(), flagged.getString("id"));
      assertEquals(new JsonArray().add("ERROR_RATE"), flagged.getJsonArray("signals"));
      assertNotNull(flagged.getString("since"));
      assertNull(row(isps, SMALL).getValue("advisory"));
      assertNull(row(isps, "37148").getValue("advisory"));

      Advisory again = awaitAdvisory(advisories, x -> x.state() == Advisory.State.RAISED
          && x.issuedAt().isAfter(raised.issuedAt()));
      assertEquals(raised.advisoryId(), again.advisoryId(), "announced again under the decision's id");

      // MTN recovers: 61 failures among 3,161 requests is 1.9 %, under the 4.6 % hold threshold
      send(topic, MTN, 3000, 0, Instant.now(), false);
      stack.flush();
      Advisory cleared = awaitAdvisory(advisories, x -> x.state() == Advisory.State.CLEARED);
      assertEquals("NG/" + MTN, cleared.key());
      assertEquals(3161, cleared.evidence().requests());
      JsonObject after = stack.await(a, "/api/v1/advisories", json -> json.getJsonArray("active").isEmpty()).json();
      assertEquals(cleared.advisoryId(), after.getJsonArray("recent").getJsonObject(0).getString("advisoryId"));
      JsonObject clearedRow = row(stack.get(a, "/api/v1/isps?window=3m&baseline=1h").json(), MTN)
          .getJsonObject("advisory");
      assertEquals("CLEARED", clearedRow.getString("state"));
      assertEquals(cleared.advisoryId(), clearedRow.getString("id"));

      assertTrue(seen.stream().allMatch(x -> x.key().equals("NG/" + MTN)), "only MTN was ever flagged: " + seen);
      assertOnePublisher(a, b);
    } finally {
      stack.stop(a);
      stack.stop(b);
    }
  }

  /** Both judge; exactly one, the owner of partition 0, publishes, and the other sent nothing. */
  private void assertOnePublisher(InsightsApp a, InsightsApp b) throws Exception {
    boolean aPublishes = stack.get(a, "/api/v1/advisories").json().getBoolean("publishing");
    boolean bPublishes = stack.get(b, "/api/v1/advisories").json().getBoolean("publishing");
    assertTrue(aPublishes != bPublishes, "a publishes: " + aPublishes + ", b publishes: " + bPublishes);
    InsightsApp standby = aPublishes ? b : a;
    InsightsApp publisher = aPublishes ? a : b;
    assertTrue(standby.registry().find("insights.advisories.published").counters().isEmpty());
    assertEquals(1.0, standby.registry().get("insights.advisories.raised").tag("country", "NG").counter().count(),
        "the standby decided too");
    String metrics = stack.get(publisher, "/metrics").json().getString("text");
    assertTrue(metrics.contains("insights_advisories_raised_total{country=\"NG\"} 1.0"), metrics);
    assertTrue(metrics.contains("insights_advisories_cleared_total{country=\"NG\"} 1.0"), metrics);
    assertTrue(metrics.contains("insights_advisories_publisher 1.0"), metrics);
    assertTrue(metrics.contains("insights_advisories_active{country=\"NG\"} 0.0"), metrics);
    assertTrue(metrics.contains("insights_advisories_published_total{state=\"CLEARED\"} 1.0"), metrics);
  }

  /**
   * Reads the advisory topic until an advisory after the last one returned matches; everything
   * read stays in {@link #seen}.
   */
  private Advisory awaitAdvisory(KafkaConsumer<String, String> consumer, Predicate<Advisory> wanted) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (; cursor < seen.size(); cursor++) {
        if (wanted.test(seen.get(cursor))) {
          return seen.get(cursor++);
        }
      }
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        Advisory advisory = AdvisoryJson.decode(record.value());
        assertEquals(advisory.key(), record.key());
        seen.add(advisory);
      }
    }
    throw new AssertionError("no such advisory within 30 s; read " + seen);
  }

  /**
   * {@code uploads} uploads and {@code failures} failed uploads from one Nigerian ISP: at
   * {@code at}, or, for its baseline, spread over 10 to 50 minutes before it.
   */
  private void send(String topic, String asn, int uploads, int failures, Instant at, boolean baseline) {
    Origin origin = new Origin("eu", "LOS", "NG", "", asn, "ISP " + asn, "", Map.of());
    for (int i = 0; i < uploads + failures; i++) {
      Instant when = baseline ? at.minus(Duration.ofMinutes(10 + i % 40)) : at;
      String user = "user-" + asn + "-" + i;
      stack.send(topic, i < uploads
          ? HistoryEvent.upload(id(), when, user, id(), "image/jpeg", 800_000, "00", 200 + i % 200, origin)
          : HistoryEvent.failed(id(), when, user, null, "image/jpeg", 800_000, "UPLOAD_INCOMPLETE", 30_000, origin));
    }
  }

  private static long requests(JsonObject isps, String asn, String span) {
    JsonObject row = row(isps, asn);
    return row == null ? -1 : row.getJsonObject(span).getLong("requests");
  }

  private static JsonObject row(JsonObject isps, String asn) {
    for (Object o : isps.getJsonArray("isps")) {
      JsonObject row = (JsonObject) o;
      if (row.getString("asn").equals(asn)) {
        return row;
      }
    }
    return null;
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }
}
