package io.mediaedge.insights.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.insights.InsightsApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard page without a browser: the page and every file it loads are served from the class
 * path with their types (ECharts and the world map from their WebJars, nothing from elsewhere), and
 * the live channel streams the panels as JSON server-sent events over real Kafka data.
 */
class DashboardPageIT {
  private static final int EVENTS = 312;
  private static final int THUMBNAILS = 90;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static InsightsStack stack;
  private static InsightsApp app;
  private static List<HistoryEvent> events;

  @BeforeAll
  static void produceKnownEvents() throws Exception {
    stack = InsightsStack.get();
    String topic = stack.createTopic("history.page-it", 2);
    app = stack.start(stack.config("page-it", topic, topic));
    events = DashboardEvents.batch(Instant.now(), EVENTS, 120);
    events.forEach(event -> stack.send(topic, event));
    DashboardEvents.thumbnailResults(Instant.now(), THUMBNAILS, 120).forEach(r -> stack.sendThumbnail(topic, r));
    stack.flush();
  }

  @Test
  void thePageAndEveryFileItLoadsAreServedFromTheClassPath() throws Exception {
    HttpResponse<String> page = get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
    List<String> assets = new ArrayList<>(Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.body()).results()
        .map(r -> r.group(1)).filter(path -> !path.startsWith("data:")).toList());
    assertTrue(assets.containsAll(List.of("dashboard.css", "webjars/echarts/5.3.1/dist/echarts.min.js",
        "webjars/echarts/4.1.0/map/js/world.js", "dashboard.js")), assets.toString());
    String dashboard = get("/dashboard.js").body();
    Pattern.compile("from '\\./([^']+)'|fetch\\('([^']+)'\\)").matcher(dashboard).results()
        .map(r -> r.group(1) != null ? r.group(1) : r.group(2)).forEach(assets::add);
    assertTrue(assets.containsAll(List.of("panels.js", "world-names.json")), assets.toString());
    for (String asset : assets) {
      HttpResponse<String> answer = get("/" + asset);
      assertEquals(200, answer.statusCode(), asset);
      String type = answer.headers().firstValue("content-type").orElse("");
      String expected = asset.endsWith(".js") ? "javascript" : asset.endsWith(".css") ? "text/css" : "application/json";
      assertTrue(type.contains(expected), asset + " is served as " + type);
      if (!asset.startsWith("webjars/")) {
        // offline: our files name no other host (the WebJars' own comments may)
        assertFalse(answer.body().matches("(?s).*https?://.*"), asset + " refers to another host");
      }
    }
    assertTrue(get("/webjars/echarts/5.3.1/dist/echarts.min.js").body().length() > 500_000);
    assertTrue(get("/webjars/echarts/4.1.0/map/js/world.js").body().contains("echarts.registerMap('world'"));
  }

  @Test
  void unknownFilesAndPathsAreStillJson404s() throws Exception {
    for (String path : List.of("/nothing.js", "/webjars/echarts/9.9.9/echarts.js", "/api/v1/nothing")) {
      HttpResponse<String> answer = get(path);
      assertEquals(404, answer.statusCode(), path);
      assertEquals("NOT_FOUND", new JsonObject(answer.body()).getString("error"), path);
    }
  }

  @Test
  void theLiveChannelStreamsEveryPanelAsJsonEvents() throws Exception {
    stack.await(app, "/api/v1/summary?window=1h", json -> json.getLong("events", 0L) >= EVENTS);
    stack.await(app, "/api/v1/thumbnails?window=1h", json -> json.getLong("settled", 0L) >= THUMBNAILS);
    HttpResponse<Stream<String>> live = HTTP.send(request("/api/v1/live?window=1h"),
        HttpResponse.BodyHandlers.ofLines());
    List<JsonObject> received = new ArrayList<>();
    try (Stream<String> lines = live.body()) {
      assertEquals(200, live.statusCode());
      assertTrue(live.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
      Iterator<String> it = lines.iterator();
      // two events: the first at once, the next one a beat later
      CompletableFuture.runAsync(() -> {
        String event = null;
        while (received.size() < 2 && it.hasNext()) {
          String line = it.next();
          if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ") && "panels".equals(event)) {
            received.add(new JsonObject(line.substring(6)));
          }
        }
      }).get(30, TimeUnit.SECONDS);
    }
    assertEquals(2, received.size());
    JsonObject panels = received.get(1);
    assertEquals("1h", panels.getString("window"));
    assertEquals(EVENTS, panels.getJsonObject("summary").getLong("events"));
    long countries = events.stream().map(e -> e.origin().country()).distinct().count();
    assertEquals(countries, panels.getJsonArray("countries").size());
    assertEquals(countries, panels.getJsonArray("topCountries").size());
    assertEquals("US", panels.getJsonArray("topCountries").getJsonObject(0).getString("country"));
    assertEquals(DashboardEvents.TYPES.length, panels.getJsonArray("contentTypes").size());
    JsonArray buckets = panels.getJsonObject("contentLengths").getJsonArray("buckets");
    assertEquals(events.stream().filter(e -> e.action() == HistoryEvent.Action.UPLOAD).count(),
        buckets.stream().mapToLong(b -> ((JsonObject) b).getLong("count")).sum());
    assertEquals(3, panels.getJsonObject("latency").getJsonArray("regions").size());
    JsonObject thumbnails = panels.getJsonObject("thumbnails");
    assertEquals(THUMBNAILS, thumbnails.getLong("settled"));
    assertEquals(3, thumbnails.getJsonArray("regions").size());
    assertEquals(DashboardEvents.THUMBNAIL_FAILURES.length + 1, thumbnails.getJsonArray("outcomes").size());
    JsonArray rows = panels.getJsonObject("isps").getJsonArray("rows");
    assertEquals(DashboardEvents.NETWORKS.length, rows.size());
    assertTrue(rows.getJsonObject(0).containsKey("baseline"));
    assertTrue(Duration.between(Instant.parse(received.get(0).getString("at")),
        Instant.parse(panels.getString("at"))).toMillis() >= 2_000, "the second event comes a beat later");
  }

  @Test
  void aBadWindowIsRefusedBeforeTheStreamStarts() throws Exception {
    HttpResponse<String> answer = get("/api/v1/live?window=3d");
    assertEquals(400, answer.statusCode());
    assertEquals("INVALID_PARAMETER", new JsonObject(answer.body()).getString("error"));
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path))
        .timeout(Duration.ofSeconds(30)).build();
  }
}
