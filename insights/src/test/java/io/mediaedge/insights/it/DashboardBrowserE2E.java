package io.mediaedge.insights.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.insights.InsightsApp;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The page in a real browser (profile {@code e2e}): headless Chromium loads the dashboard of an
 * insights instance over real Kafka data; every panel renders with data, new events show without
 * a reload, the window selector works, and nothing is logged as an error. The screenshot lands in
 * {@code insights/target/e2e/dashboard.png}.
 */
class DashboardBrowserE2E {
  static final Path WORK = Path.of("insights/target/e2e");
  private static final int FIRST = 780;
  private static final int LATER = 78;
  /** Two hours before: the networks' baseline, so the table's change column has figures. */
  private static final int BASELINE = 390;
  private static final int THUMBNAILS = 120;
  private static final String STATE = "JSON.stringify({updates: insightsDashboard.updates(),"
      + " window: insightsDashboard.window(), panels: insightsDashboard.panels(),"
      + " events: document.getElementById('tile-events').textContent,"
      + " status: document.getElementById('status').textContent, marker: window.e2eMarker || null,"
      + " change: document.querySelector('#isps tbody td:nth-child(8)')?.textContent ?? null,"
      + " steered: document.querySelector('#isps td.steered')?.textContent ?? null,"
      + " steering: document.getElementById('isp-steering').textContent,"
      + " thumbnails: document.getElementById('thumbnail-lag').textContent})";

  private static InsightsStack stack;
  private static InsightsApp app;
  private static String topic;
  private static Chromium chromium;

  @BeforeAll
  static void startInsightsWithKnownEventsAndABrowser() throws Exception {
    stack = InsightsStack.get();
    topic = stack.createTopic("history.browser-e2e", 2);
    DashboardEvents.steeringReport(stack, topic, "eu-west");
    app = stack.start(stack.config("browser-e2e", topic, topic));
    DashboardEvents.batch(Instant.now(), FIRST, 200).forEach(event -> stack.send(topic, event));
    DashboardEvents.batch(Instant.now().minus(Duration.ofHours(2)), BASELINE, 600)
        .forEach(event -> stack.send(topic, event));
    DashboardEvents.thumbnailResults(Instant.now(), THUMBNAILS, 200).forEach(r -> stack.sendThumbnail(topic, r));
    stack.flush();
    stack.await(app, "/api/v1/summary?window=24h", json -> json.getLong("events", 0L) >= FIRST + BASELINE);
    stack.await(app, "/api/v1/thumbnails?window=1h", json -> json.getLong("settled", 0L) >= THUMBNAILS);
    Files.createDirectories(WORK);
    chromium = Chromium.start(WORK, 1600, 1400);
    chromium.call("Runtime.enable");
    chromium.call("Log.enable");
    chromium.call("Page.enable");
  }

  @AfterAll
  static void stopTheBrowser() {
    if (chromium != null) {
      chromium.close();
    }
  }

  @Test
  void everyPanelRendersLiveDataWithoutConsoleErrors() throws Exception {
    chromium.call("Page.navigate", new JsonObject().put("url", "http://127.0.0.1:" + app.httpPort() + "/?window=1h"));
    JsonObject shown = awaitPage(state -> state.getInteger("updates") >= 1
        && state.getJsonObject("panels").getInteger("isps") > 0 && state.getJsonObject("panels").getInteger("steered") > 0,
        "the first panels, with the steered network");
    JsonObject panels = shown.getJsonObject("panels");
    long countries = List.of(DashboardEvents.NETWORKS).stream().map(n -> n[0]).distinct().count();
    assertEquals(countries, (long) panels.getInteger("map"), "countries coloured on the map: " + shown);
    assertTrue(panels.getInteger("top") >= countries, "bars of the top countries: " + shown);
    assertEquals(DashboardEvents.TYPES.length, panels.getInteger("types"), "content-type slices: " + shown);
    assertTrue(panels.getInteger("lengths") >= DashboardEvents.LENGTHS.length - 1, "length buckets: " + shown);
    // three regions, three percentiles each, at least one point each
    assertTrue(panels.getInteger("latency") >= 9, "latency points: " + shown);
    assertEquals(DashboardEvents.NETWORKS.length, panels.getInteger("isps"), "ISP rows: " + shown);
    // thumbnail lag: three regions, three percentiles each; one bar for made and one per failure reason
    assertTrue(panels.getInteger("thumbnailLag") >= 9, "thumbnail lag points: " + shown);
    assertEquals(DashboardEvents.THUMBNAIL_FAILURES.length + 1, panels.getInteger("thumbnailOutcomes"),
        "thumbnail outcome bars: " + shown);
    assertTrue(shown.getString("thumbnails").matches("\\d+ of " + THUMBNAILS + " media made · lag p50 .+, p99 .+"),
        shown.getString("thumbnails"));
    assertEquals("" + FIRST, shown.getString("events").replace(",", ""));
    assertEquals(1, shown.getJsonObject("panels").getInteger("steered"), "the steered network's row: " + shown);
    assertTrue(shown.getString("steered").contains("steered by eu-west to upload-alt.example.com until"),
        shown.getString("steered"));
    assertTrue(shown.getString("steering").contains("1 media-edge instance(s)") && shown.getString("steering")
        .contains("eu-west 1"), shown.getString("steering"));
    assertTrue(shown.getString("change").matches("errors [+−]\\d+\\.\\d pp · p95 ×\\d+\\.\\d\\d · throughput ×.*"),
        "the busiest network's change against its baseline: " + shown.getString("change"));

    // new events show without a reload: the marker set on this page survives the update
    chromium.evaluate("window.e2eMarker = 'same page'");
    DashboardEvents.batch(Instant.now(), LATER, 30).forEach(event -> stack.send(topic, event));
    stack.flush();
    JsonObject updated = awaitPage(state -> state.getString("events").replace(",", "").equals("" + (FIRST + LATER)),
        "the later events");
    assertEquals("same page", updated.getString("marker"));
    assertTrue(updated.getInteger("updates") > shown.getInteger("updates"));
    Thread.sleep(1500); // chart animations settle before the picture
    chromium.screenshot(WORK.resolve("dashboard.png"));

    chromium.evaluate("document.querySelector('#window button[data-window=\"5m\"]').click()");
    JsonObject fiveMinutes = awaitPage(state -> "5m".equals(state.getString("window"))
        && state.getString("status").contains("5m") && state.getJsonObject("panels").getInteger("map") > 0,
        "the 5-minute window");
    assertEquals("same page", fiveMinutes.getString("marker"));
    assertTrue(Files.size(WORK.resolve("dashboard.png")) > 50_000, "the screenshot is a picture of something");
    assertEquals(List.of(), errors(), "errors the page logged");
  }

  /** Polls the page's state until {@code shown} holds (60 s at most). */
  private static JsonObject awaitPage(Predicate<JsonObject> shown, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonObject state = null;
    while (System.nanoTime() < deadline) {
      Object value = chromium.evaluate("typeof insightsDashboard === 'undefined' ? null : " + STATE);
      if (value != null) {
        state = new JsonObject((String) value);
        if (shown.test(state)) {
          return state;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the page did not show " + what + "; it shows " + state + "; errors: " + errors());
  }

  /** Console errors and assertions, uncaught exceptions, and browser log entries of level error. */
  private static List<String> errors() {
    return chromium.events().stream().map(event -> {
      String method = event.getString("method");
      JsonObject params = event.getJsonObject("params", new JsonObject());
      if ("Runtime.exceptionThrown".equals(method)) {
        return "exception: " + params.getJsonObject("exceptionDetails").encode();
      }
      if ("Runtime.consoleAPICalled".equals(method) && List.of("error", "assert").contains(params.getString("type"))) {
        return "console." + params.getString("type") + ": " + params.getJsonArray("args").encode();
      }
      if ("Log.entryAdded".equals(method) && "error".equals(params.getJsonObject("entry").getString("level"))) {
        return "log: " + params.getJsonObject("entry").encode();
      }
      return null;
    }).filter(e -> e != null).collect(Collectors.toList());
  }
}
