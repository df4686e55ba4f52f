package io.mediaedge.insights.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.insights.InsightsApp;
import io.mediaedge.insights.it.InsightsStack.Answer;
import io.mediaedge.insights.slots.LatencyHistogram;
import io.mediaedge.insights.slots.LengthBuckets;
import io.mediaedge.insights.slots.NetworkSlot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events with known values through a real topic and a real consumer group: every figure of the
 * API is exact (percentiles to the histograms' precision: the same as HdrHistogram's over the same
 * values), duplicates count once, malformed and too-late records are skipped and counted.
 */
class InsightsApiIT {
  private static String topic;
  private static final String NG = "NG";
  private static final String NG_ASN = "29465";
  private static final String[] TYPES = {"image/jpeg", "video/mp4", "audio/mp4"};
  private static final long[] LENGTHS = {500, 3_000, 70_000, 2_000_000};

  private static InsightsStack stack;
  private static InsightsApp app;
  /** Every event inside the 15-minute window, once. */
  private static final List<HistoryEvent> inWindow = new ArrayList<>();
  private static final List<HistoryEvent> baseline = new ArrayList<>();

  @BeforeAll
  static void produceKnownEvents() throws Exception {
    stack = InsightsStack.get();
    topic = stack.createTopic("history.api-it", 3);
    app = stack.start(stack.config("api-it", topic, topic));
    inWindow.clear();
    baseline.clear();
    Instant now = Instant.now();
    // 35 countries with distinct counts (40 down to 6), so the top 30 has one right order
    for (int i = 0; i < 35; i++) {
      String country = i == 0 ? NG : "" + (char) ('A' + i / 26) + (char) ('A' + i % 26);
      for (int j = 0; j < 40 - i; j++) {
        String asn = country.equals(NG) ? NG_ASN : "100" + i;
        inWindow.add(HistoryEvent.upload(id(), now.minusSeconds(j % 50), "user-" + j, id(), TYPES[j % 3],
            LENGTHS[j % 4], "00", 10 + (i * 37L + j * 13L) % 900, origin(country, asn, i % 2 == 0 ? "eu" : "us")));
      }
    }
    for (int k = 0; k < 15; k++) {
      inWindow.add(HistoryEvent.failed(id(), now, "user-f" + k, null, "video/mp4", 9_000,
          k < 10 ? "UPLOAD_INCOMPLETE" : "REQUEST_TIMEOUT", 30_000, origin(NG, NG_ASN, "eu")));
    }
    for (int k = 0; k < 12; k++) {
      baseline.add(HistoryEvent.upload(id(), now.minus(Duration.ofMinutes(40)), "user-b", id(), "image/jpeg",
          1_000_000, "00", 100, origin(NG, NG_ASN, "eu")));
    }
    inWindow.forEach(event -> stack.send(topic, event));
    baseline.forEach(event -> stack.send(topic, event));
    // the relay published 25 events twice
    inWindow.subList(0, 25).forEach(event -> stack.send(topic, event));
    stack.sendRaw(topic, "user-x", "m1", "not json at all");
    stack.sendRaw(topic, "user-x", "m2", "{\"eventId\":\"m2\"}");
    stack.sendRaw(topic, "user-x", null, "");
    stack.send(topic, HistoryEvent.upload(id(), now.minus(Duration.ofHours(25)), "user-late", id(), "image/jpeg",
        10, "00", 10, origin(NG, NG_ASN, "eu")));
    stack.flush();
  }

  @Test
  void summaryCountsEveryEventOnce() throws Exception {
    Answer summary = stack.await(app, "/api/v1/summary?window=15m",
        json -> json.getLong("events", 0L) >= inWindow.size());
    assertEquals(200, summary.status());
    JsonObject s = summary.json();
    assertEquals(inWindow.size(), s.getLong("events"));
    assertEquals(15, s.getLong("errors"));
    assertEquals(inWindow.size() - 15, s.getJsonObject("byAction").getLong("UPLOAD"));
    assertEquals(35, s.getInteger("countries"));
    // one hour reaches the baseline events too
    assertEquals(inWindow.size() + baseline.size(),
        stack.await(app, "/api/v1/summary?window=1h", json -> json.getLong("events", 0L) > inWindow.size())
            .json().getLong("events"));
  }

  @Test
  void countriesAndTheTop30AreExact() throws Exception {
    awaitAll();
    Map<String, Long> expected = inWindow.stream()
        .collect(Collectors.groupingBy(e -> e.origin().country(), TreeMap::new, Collectors.counting()));
    JsonArray countries = stack.get(app, "/api/v1/countries?window=15m").json().getJsonArray("countries");
    assertEquals(expected.size(), countries.size());
    for (int i = 0; i < countries.size(); i++) {
      JsonObject c = countries.getJsonObject(i);
      assertEquals(expected.get(c.getString("country")), c.getLong("requests"), c.getString("country"));
    }
    List<String> top = expected.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(30).map(Map.Entry::getKey).toList();
    JsonArray answered = stack.get(app, "/api/v1/countries/top?window=15m&limit=30").json().getJsonArray("countries");
    assertEquals(top, answered.stream().map(o -> ((JsonObject) o).getString("country")).toList());
  }

  @Test
  void contentTypesAndLengthsAreExact() throws Exception {
    awaitAll();
    Map<String, Long> types = inWindow.stream().collect(Collectors.groupingBy(HistoryEvent::contentType,
        Collectors.counting()));
    JsonArray answered = stack.get(app, "/api/v1/content-types?window=15m").json().getJsonArray("contentTypes");
    assertEquals(types.size(), answered.size());
    for (Object o : answered) {
      JsonObject t = (JsonObject) o;
      long count = types.get(t.getString("contentType"));
      assertEquals(count, t.getLong("requests"));
      assertEquals((double) count / inWindow.size(), t.getDouble("share"), 1e-6);
    }
    long[] buckets = new long[LengthBuckets.COUNT];
    inWindow.stream().filter(e -> e.action() == HistoryEvent.Action.UPLOAD)
        .forEach(e -> buckets[LengthBuckets.indexOf(e.contentLength())]++);
    JsonArray lengths = stack.get(app, "/api/v1/content-lengths?window=15m&action=upload").json()
        .getJsonArray("buckets");
    assertEquals(LengthBuckets.COUNT, lengths.size());
    for (int i = 0; i < LengthBuckets.COUNT; i++) {
      assertEquals(buckets[i], lengths.getJsonObject(i).getLong("count"), "bucket " + i);
    }
    assertEquals(1024L, lengths.getJsonObject(0).getLong("le"));
  }

  @Test
  void latencyPercentilesPerRegionAreHdrHistogramsOverAllValues() throws Exception {
    awaitAll();
    JsonArray regions = stack.get(app, "/api/v1/latency?window=15m&step=15m").json().getJsonArray("regions");
    assertEquals(2, regions.size());
    for (Object o : regions) {
      JsonObject region = (JsonObject) o;
      Histogram reference = reference(inWindow.stream().filter(e -> e.action() == HistoryEvent.Action.UPLOAD
          && e.origin().region().equals(region.getString("region"))).toList());
      JsonArray points = region.getJsonArray("points");
      assertEquals(1, points.size(), "one step covers the window");
      JsonObject point = points.getJsonObject(0);
      assertEquals(reference.getTotalCount(), point.getLong("count"));
      assertEquals(reference.getValueAtPercentile(50), point.getLong("p50"));
      assertEquals(reference.getValueAtPercentile(90), point.getLong("p90"));
      assertEquals(reference.getValueAtPercentile(99), point.getLong("p99"));
    }
  }

  @Test
  void ispHealthHasErrorsByCodeLatencyThroughputAndItsBaseline() throws Exception {
    awaitAll();
    JsonObject ng = stack.await(app, "/api/v1/isps?window=15m", json -> ng(json) != null
        && ng(json).getJsonObject("baseline").getLong("requests") == baseline.size()).json();
    JsonObject isp = ng(ng);
    List<HistoryEvent> mine = inWindow.stream().filter(e -> e.origin().asn().equals(NG_ASN)).toList();
    List<HistoryEvent> uploads = mine.stream().filter(e -> e.action() == HistoryEvent.Action.UPLOAD).toList();
    JsonObject window = isp.getJsonObject("window");
    assertEquals("Lagos Telecom", isp.getString("isp"));
    assertEquals(mine.size(), window.getLong("requests"));
    assertEquals(15, window.getLong("errors"));
    assertEquals(15.0 / mine.size(), window.getDouble("errorRate"), 1e-6);
    assertEquals(new JsonObject().put("REQUEST_TIMEOUT", 5).put("UPLOAD_INCOMPLETE", 10),
        window.getJsonObject("errorsByCode"));
    Histogram reference = reference(uploads);
    assertEquals(reference.getValueAtPercentile(95), window.getJsonObject("uploadLatencyMs").getLong("p95"));
    assertEquals(reference.getValueAtPercentile(99), window.getJsonObject("uploadLatencyMs").getLong("p99"));
    // throughput over the uploads large enough to measure bandwidth only (here the 2 MB ones)
    List<HistoryEvent> measured = uploads.stream()
        .filter(e -> e.contentLength() >= NetworkSlot.MEASURED_MIN_BYTES).toList();
    long bytes = measured.stream().mapToLong(HistoryEvent::contentLength).sum();
    long millis = measured.stream().mapToLong(HistoryEvent::latencyMs).sum();
    assertTrue(!measured.isEmpty() && measured.size() < uploads.size(), "some uploads are too small to measure");
    assertEquals(uploads.size(), window.getLong("uploads"));
    assertEquals(measured.size(), window.getLong("throughputUploads"));
    assertEquals(Math.round(bytes * 1000.0 / millis), window.getLong("throughputBytesPerSecond"));
    JsonObject base = isp.getJsonObject("baseline");
    assertEquals(0, base.getLong("errors"));
    assertEquals(baseline.size(), base.getLong("uploads"));
    // 12 MB in 1.2 s of upload time; latencies under 256 ms are kept exactly
    assertEquals(10_000_000L, base.getLong("throughputBytesPerSecond"));
    assertEquals(100L, base.getJsonObject("uploadLatencyMs").getLong("p50"));
  }

  @Test
  void duplicatesMalformedAndLateRecordsAreCountedInMetrics() throws Exception {
    awaitAll();
    String metrics = stack.await(app, "/metrics", json -> json.getString("text").contains("reason=\"late\"")).json()
        .getString("text");
    assertTrue(metrics.contains("insights_duplicates_dropped_total 25.0"), metricsAbout(metrics, "duplicates"));
    for (String reason : List.of("not_json", "missing_field", "empty")) {
      assertTrue(metrics.contains("insights_malformed_events_total{reason=\"" + reason + "\"} 1.0"),
          metricsAbout(metrics, "malformed"));
    }
    assertTrue(metrics.contains("insights_dropped_events_total{reason=\"late\"} 1.0"), metricsAbout(metrics, "dropped"));
    assertTrue(metrics.contains("insights_events_total{action=\"UPLOAD\",country=\"NG\",region=\"eu\",status=\"201\"}"),
        metricsAbout(metrics, "insights_events_total"));
    assertTrue(metrics.contains("insights_latency_seconds_bucket{action=\"UPLOAD\",region=\"eu\",le="),
        metricsAbout(metrics, "latency"));
    assertTrue(metrics.contains("insights_country_upload_latency_seconds_bucket{country=\"NG\",le="),
        metricsAbout(metrics, "country_upload_latency"));
    assertTrue(metrics.contains("insights_content_length_bytes_bucket{action=\"UPLOAD\",le="),
        metricsAbout(metrics, "length"));
    assertTrue(metrics.contains("insights_content_type_events_total{action=\"UPLOAD\",content_type=\"video/mp4\"}"),
        metricsAbout(metrics, "content_type"));
  }

  @Test
  void badParametersAreJson400s() throws Exception {
    for (String query : List.of("window=abc", "window=48h", "window=0m", "window=15m&limit=0", "action=UPLOADS",
        "window=15m&step=30m")) {
      String path = query.contains("limit") ? "/api/v1/countries/top?" : query.contains("step")
          ? "/api/v1/latency?" : "/api/v1/content-lengths?";
      Answer answer = stack.get(app, path + query);
      assertEquals(400, answer.status(), query);
      assertEquals("INVALID_PARAMETER", answer.json().getString("error"), query);
      assertTrue(!answer.json().getString("message").isBlank(), query);
    }
    Answer missing = stack.get(app, "/api/v1/nothing-here");
    assertEquals(404, missing.status());
    assertEquals("NOT_FOUND", missing.json().getString("error"));
    assertEquals(200, stack.get(app, "/healthz").status());
    assertEquals(200, stack.await(app, "/readyz", json -> json.getBoolean("ready", false)).status());
  }

  private static void awaitAll() throws Exception {
    stack.await(app, "/api/v1/summary?window=1h",
        json -> json.getLong("events", 0L) >= inWindow.size() + baseline.size());
  }

  private static JsonObject ng(JsonObject isps) {
    for (Object o : isps.getJsonArray("isps")) {
      JsonObject isp = (JsonObject) o;
      if (isp.getString("country").equals(NG) && isp.getString("asn").equals(NG_ASN)) {
        return isp;
      }
    }
    return null;
  }

  private static Histogram reference(List<HistoryEvent> events) {
    Histogram histogram = new Histogram(1, LatencyHistogram.HIGHEST_MS, LatencyHistogram.SIGNIFICANT_DIGITS);
    events.forEach(e -> histogram.recordValue(e.latencyMs()));
    return histogram;
  }

  private static String metricsAbout(String metrics, String word) {
    return metrics.lines().filter(line -> line.contains(word)).collect(Collectors.joining("\n"));
  }

  private static Origin origin(String country, String asn, String region) {
    return new Origin(region, "LOS", country, "", asn, country.equals(NG) ? "Lagos Telecom" : "ISP " + asn, "",
        Map.of());
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }
}
