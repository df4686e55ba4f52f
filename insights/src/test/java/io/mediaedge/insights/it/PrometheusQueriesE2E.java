package io.mediaedge.insights.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.insights.InsightsApp;
import io.mediaedge.insights.metrics.GrafanaDashboard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus side (profile {@code e2e}): a real Prometheus (Debian's package) scrapes an
 * insights instance that counts known events; every query of the Grafana dashboard answers with
 * data, the alert rules load and evaluate without error, and promtool accepts the files under
 * {@code docker/prometheus/}.
 */
class PrometheusQueriesE2E {
  private static final Path PROMETHEUS = Path.of(System.getProperty("e2e.prometheus", "/usr/bin/prometheus"));
  private static final Path PROMTOOL = Path.of(System.getProperty("e2e.promtool", "/usr/bin/promtool"));
  private static final Path WORK = DashboardBrowserE2E.WORK.resolve("prometheus");
  private static final Path ALERTS = Path.of("docker/prometheus/alerts.yml");
  private static final Path CONFIG = Path.of("docker/prometheus/prometheus.yml");
  /** What Grafana puts for {@code $__range}: the test's data is younger than this. */
  private static final String RANGE = "5m";
  private static final int BATCH = 390;

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static InsightsStack stack;
  private static InsightsApp app;
  private static Process prometheus;
  private static String base;

  @BeforeAll
  static void startPrometheusScrapingInsights() throws Exception {
    for (Path binary : List.of(PROMETHEUS, PROMTOOL)) {
      assertTrue(Files.isExecutable(binary), binary + " is missing: the e2e profile needs Debian's prometheus"
          + " package (apt-get install -y prometheus)");
    }
    stack = InsightsStack.get();
    String topic = stack.createTopic("history.prometheus-e2e", 2);
    DashboardEvents.steeringReport(stack, topic, "eu-west");
    app = stack.start(stack.config("prometheus-e2e", topic, topic));
    DashboardEvents.batch(Instant.now(), BATCH, 60).forEach(event -> stack.send(topic, event));
    stack.flush();
    stack.await(app, "/api/v1/summary?window=1h", json -> json.getLong("events", 0L) >= BATCH);

    deleteTree(WORK);
    Files.createDirectories(WORK);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    base = "http://127.0.0.1:" + port;
    // scraped every second, rules evaluated every second: the test need not wait long for either
    Path config = WORK.resolve("prometheus.yml");
    Files.writeString(config, String.join("\n",
        "global:", "  scrape_interval: 1s", "  evaluation_interval: 1s",
        "rule_files:", "  - " + ALERTS.toAbsolutePath(),
        "scrape_configs:", "  - job_name: insights", "    static_configs:",
        "      - targets: ['127.0.0.1:" + app.httpPort() + "']", ""));
    prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + WORK.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(WORK.resolve("prometheus.log").toFile()).start();
    await("the first scrape", () -> series("insights_events_total") > 0);
    // a second batch after the first scrape, so every increase() and rate() has something to see
    DashboardEvents.batch(Instant.now(), BATCH, 30).forEach(event -> stack.send(topic, event));
    stack.flush();
    await("the second batch scraped", () -> value("sum(insights_events_total)") >= 2 * BATCH);
    await("the steering report scraped", () -> value("sum(insights_steering_networks)") >= 1);
    Thread.sleep(3_000); // a few more scrapes after the last change, so rates are over several samples
  }

  @AfterAll
  static void stopPrometheus() throws InterruptedException {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void everyQueryOfTheGrafanaDashboardAnswersWithData() throws Exception {
    List<String> queries = GrafanaDashboard.queries();
    assertEquals(8, queries.size(), queries.toString());
    for (String query : queries) {
      String promql = query.replace("$__range", RANGE);
      JsonArray result = query(promql);
      assertFalse(result.isEmpty(), promql + " answered no series");
      boolean positive = result.stream().map(JsonObject.class::cast)
          .map(r -> Double.parseDouble(r.getJsonArray("value").getString(1)))
          .anyMatch(v -> Double.isFinite(v) && v > 0);
      assertTrue(positive, promql + " answered no positive figure: " + result.encode());
    }
    // the map's and the bars' series are keyed by ISO code, one per country of the traffic
    long countries = List.of(DashboardEvents.NETWORKS).stream().map(n -> n[0]).distinct().count();
    JsonArray byCountry = query(queries.get(0).replace("$__range", RANGE));
    assertEquals(countries, byCountry.size());
    byCountry.forEach(r -> assertTrue(((JsonObject) r).getJsonObject("metric").getString("country")
        .matches("[A-Z]{2}")));
  }

  @Test
  void theAlertRulesLoadAndEvaluateWithoutError() throws Exception {
    await("the rules evaluated", () -> rules().stream().allMatch(r -> r.containsKey("lastEvaluation")
        && !r.getString("lastEvaluation").startsWith("0001")));
    List<JsonObject> rules = rules();
    assertEquals(4, rules.size(), "error rate and p99, per region and per country");
    for (JsonObject rule : rules) {
      assertEquals("ok", rule.getString("health"), rule.getString("name") + ": " + rule.getString("lastError"));
    }
  }

  @Test
  void promtoolAcceptsTheRulesAndTheConfig() throws Exception {
    assertEquals(0, promtool("check", "rules", ALERTS.toString()), "promtool check rules " + ALERTS);
    // checks the rule file it names (alerts.yml beside it) as well
    assertEquals(0, promtool("check", "config", CONFIG.toString()), "promtool check config " + CONFIG);
  }

  private static int promtool(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
    command.addAll(List.of(args));
    Path log = WORK.resolve("promtool-" + args[1] + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
    System.out.println(Files.readString(log));
    return process.exitValue();
  }

  private static List<JsonObject> rules() throws Exception {
    JsonObject answer = api("/api/v1/rules");
    List<JsonObject> rules = new ArrayList<>();
    for (Object group : answer.getJsonObject("data").getJsonArray("groups")) {
      ((JsonObject) group).getJsonArray("rules").forEach(r -> rules.add((JsonObject) r));
    }
    return rules;
  }

  private static JsonArray query(String promql) throws Exception {
    JsonObject answer = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    assertEquals("success", answer.getString("status"), promql + ": " + answer.encode());
    return answer.getJsonObject("data").getJsonArray("result");
  }

  private static int series(String promql) throws Exception {
    return query(promql).size();
  }

  private static double value(String promql) throws Exception {
    JsonArray result = query(promql);
    return result.isEmpty() ? 0 : Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
  }

  private static JsonObject api(String path) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body());
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  /** Waits up to 60 s for {@code check}; Prometheus not up yet counts as not yet. */
  private static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      assertTrue(prometheus.isAlive(), "prometheus exited; see " + WORK.resolve("prometheus.log"));
      try {
        if (check.holds()) {
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("prometheus never showed " + what, last);
  }

  private static void deleteTree(Path root) throws IOException {
    if (Files.exists(root)) {
      try (var paths = Files.walk(root)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }
}
