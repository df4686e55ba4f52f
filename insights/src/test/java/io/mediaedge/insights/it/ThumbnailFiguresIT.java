package io.mediaedge.insights.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.eventschema.ThumbnailResult;
import io.mediaedge.insights.InsightsApp;
import io.mediaedge.insights.it.InsightsStack.Answer;
import io.mediaedge.insights.slots.LatencyHistogram;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The thumbnail lag and the failures by reason, over real Kafka: two instances in one group read
 * the thumbnails worker's results topic with the history topic (each its share of the partitions),
 * and both answer the global figures: every media counted once per outcome (a redelivered result
 * is a duplicate, a parked media made after its replay counts as both), the lag percentiles those
 * of one histogram of every made media's lag, per region over time, and broken or too-late results
 * skipped and counted.
 */
class ThumbnailFiguresIT {
  private static final int RESULTS = 240;
  private static InsightsStack stack;
  private static String topic;
  private static InsightsApp first;
  private static InsightsApp second;
  /** Every result inside the window, once per media and outcome. */
  private static final List<ThumbnailResult> counted = new ArrayList<>();

  @BeforeAll
  static void twoInstancesReadKnownResults() throws Exception {
    stack = InsightsStack.get();
    topic = stack.createTopic("history.thumbnails-it", 2);
    // the first instance creates the thumbnails topic (3 partitions) before it subscribes
    first = stack.start(stack.config("thumbs-1", topic, topic));
    second = stack.start(stack.config("thumbs-2", topic, topic));
    stack.awaitGroupMembers(topic, 2);
    Instant now = Instant.now();
    counted.addAll(DashboardEvents.thumbnailResults(now, RESULTS, 300));
    // a media parked after its last attempt, replayed from the dead-letter topic and made later
    ThumbnailResult parked = new ThumbnailResult("replayed-1", "user-r", "image/jpeg", now.minusSeconds(200),
        now.minusSeconds(150), ThumbnailResult.Outcome.PARKED, "SdkClientException", List.of(), "eu");
    ThumbnailResult madeLater = new ThumbnailResult("replayed-1", "user-r", "image/jpeg", now.minusSeconds(200),
        now.minusSeconds(10), ThumbnailResult.Outcome.MADE, "", List.of(200, 800), "eu");
    counted.add(parked);
    counted.add(madeLater);
    counted.forEach(result -> stack.sendThumbnail(topic, result));
    // the worker settled 20 media twice (a redelivered upload): counted once
    counted.subList(0, 20).forEach(result -> stack.sendThumbnail(topic, result));
    stack.sendRaw(topic + ".thumbnails", "broken", null, "{\"mediaId\":\"broken\"}");
    stack.sendRaw(topic + ".thumbnails", "broken", null, "");
    stack.sendThumbnail(topic, new ThumbnailResult("too-late", "user-l", "image/png", now.minus(Duration.ofHours(26)),
        now.minus(Duration.ofHours(25)), ThumbnailResult.Outcome.MADE, "", List.of(200), "us"));
    stack.flush();
  }

  @AfterAll
  static void stopBoth() throws Exception {
    for (InsightsApp app : new InsightsApp[] {first, second}) {
      if (app != null) {
        stack.stop(app);
      }
    }
  }

  @Test
  void everyInstanceAnswersTheGlobalLagAndOutcomes() throws Exception {
    List<ThumbnailResult> made = counted.stream().filter(r -> r.outcome() == ThumbnailResult.Outcome.MADE).toList();
    LatencyHistogram lags = new LatencyHistogram();
    made.forEach(r -> lags.record(r.lag().toMillis()));
    Map<String, Long> outcomes = counted.stream().collect(Collectors.groupingBy(
        r -> r.outcome() + (r.reason().isEmpty() ? "" : "/" + r.reason()), TreeMap::new, Collectors.counting()));
    for (InsightsApp app : new InsightsApp[] {first, second}) {
      Answer answer = stack.await(app, "/api/v1/thumbnails?window=15m",
          json -> json.getLong("settled", 0L) >= counted.size());
      assertEquals(200, answer.status());
      JsonObject t = answer.json();
      assertEquals(counted.size(), t.getLong("settled"), t.encode());
      assertEquals(made.size(), t.getLong("made"));
      JsonObject lag = t.getJsonObject("lagMs");
      assertEquals(made.size(), lag.getLong("count"));
      assertEquals(lags.valueAtPercentile(50), lag.getLong("p50"));
      assertEquals(lags.valueAtPercentile(90), lag.getLong("p90"));
      assertEquals(lags.valueAtPercentile(99), lag.getLong("p99"));
      // within HdrHistogram's 1 % of the exact percentile
      long[] sorted = made.stream().mapToLong(r -> r.lag().toMillis()).sorted().toArray();
      long exactP99 = sorted[(int) Math.ceil(0.99 * sorted.length) - 1];
      assertTrue(Math.abs(lag.getLong("p99") - exactP99) <= exactP99 / 100 + 1, lag + " vs " + exactP99);

      Map<String, Long> answered = new LinkedHashMap<>();
      JsonArray byReason = t.getJsonArray("outcomes");
      for (int i = 0; i < byReason.size(); i++) {
        JsonObject o = byReason.getJsonObject(i);
        answered.put(o.getString("outcome") + (o.getString("reason").isEmpty() ? "" : "/" + o.getString("reason")),
            o.getLong("media"));
        if (i > 0) {
          assertTrue(byReason.getJsonObject(i - 1).getLong("media") >= o.getLong("media"), "most first: " + byReason);
        }
      }
      assertEquals(outcomes, new TreeMap<>(answered));
      assertEquals("MADE", byReason.getJsonObject(0).getString("outcome"));

      // per region over time: every made media in one point of its region's series
      JsonArray regions = t.getJsonArray("regions");
      assertEquals(List.of("ap", "eu", "us"), regions.stream().map(r -> ((JsonObject) r).getString("region")).toList());
      for (Object o : regions) {
        JsonObject region = (JsonObject) o;
        long points = region.getJsonArray("points").stream().mapToLong(p -> ((JsonObject) p).getLong("count")).sum();
        assertEquals(made.stream().filter(r -> r.region().equals(region.getString("region"))).count(), points,
            region.encode());
      }
      assertEquals(1, t.getInteger("stepMinutes"));
    }
    // thumbnail results are not history events
    assertEquals(0L, stack.get(first, "/api/v1/summary?window=15m").json().getLong("events"));
  }

  @Test
  void brokenAndLateResultsAreSkippedAndCountedAndTheMetricsHaveTheRest() throws Exception {
    stack.await(first, "/api/v1/thumbnails?window=15m", json -> json.getLong("settled", 0L) >= counted.size());
    stack.await(second, "/api/v1/thumbnails?window=15m", json -> json.getLong("settled", 0L) >= counted.size());
    double malformed = 0;
    double late = 0;
    double duplicates = 0;
    double parkedMetric = 0;
    double lagCount = 0;
    for (InsightsApp app : new InsightsApp[] {first, second}) {
      String metrics = stack.get(app, "/metrics").json().getString("text");
      malformed += sum(metrics, "insights_malformed_events_total{reason=\"thumbnail_");
      late += sum(metrics, "insights_dropped_events_total{reason=\"late\"");
      duplicates += sum(metrics, "insights_duplicates_dropped_total");
      parkedMetric += sum(metrics, "insights_thumbnails_settled_total{outcome=\"PARKED\",reason=\"SdkClientException\"");
      lagCount += sum(metrics, "insights_thumbnail_lag_seconds_count");
    }
    assertEquals(2, malformed);
    assertEquals(1, late);
    assertEquals(20, duplicates);
    assertEquals(counted.stream().filter(r -> r.outcome() == ThumbnailResult.Outcome.PARKED).count(), parkedMetric);
    // the too-late one is dropped before it is counted anywhere
    assertEquals(counted.stream().filter(r -> r.outcome() == ThumbnailResult.Outcome.MADE).count(), lagCount);
    assertEquals(400, stack.get(first, "/api/v1/thumbnails?window=2d").status());
    assertEquals(400, stack.get(first, "/api/v1/thumbnails?window=1h&step=2h").status());
  }

  /** The sum of every sample of the metric lines that start with {@code prefix}. */
  private static double sum(String metrics, String prefix) {
    return metrics.lines().filter(line -> line.startsWith(prefix))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }
}
