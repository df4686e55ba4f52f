package io.mediaedge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.testing.JsonLogCapture;
import io.mediaedge.trace.RequestScope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request ids over a real socket on ONE event loop, so that requests interleave on one thread
 * (over HTTP/2, as streams of one connection): each response names its id, and every line logged
 * while serving a request (after timers and futures, on the same thread as the others) names that
 * request's id and no other.
 */
class RequestIdentityTest {
  private static final String LOGGER = "io.mediaedge.http.request-identity-test";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);
  private static Vertx vertx;
  private static HttpServer server;
  private static HttpClientAgent client;
  /** Prior-knowledge HTTP/2 over cleartext: one connection, the requests as streams on it. */
  private static HttpClientAgent h2;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Router router = Router.router(vertx);
    AccessLog accessLog = new AccessLog(true);
    router.route().handler(accessLog::watch);
    // Waits, logs, answers: while one request waits, the loop serves the others.
    router.get("/wait/:name/:millis").handler(ctx -> {
      String name = ctx.pathParam("name");
      log.info("start {}", name);
      vertx.timer(Long.parseLong(ctx.pathParam("millis")))
          .compose(t -> Future.succeededFuture(name))
          .onSuccess(n -> {
            log.info("end {}", n);
            ctx.response().end(n);
          });
    });
    router.get("/refused/:name").handler(ctx -> ctx.fail(404));
    router.route().failureHandler(ctx -> ctx.response().setStatusCode(ctx.statusCode()).end());
    accessLog.nameRoutes(router);
    server = vertx.createHttpServer()
        .requestHandler(request -> {
          RequestIdentity.begin(request);
          router.handle(request);
        })
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    client = vertx.createHttpClient();
    h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static Future<HttpClientResponse> get(String path, String requestId) {
    return get(client, path, requestId);
  }

  private static Future<HttpClientResponse> get(HttpClientAgent client, String path, String requestId) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(server.actualPort()).setURI(path);
    if (requestId != null) {
      options.putHeader("X-Request-Id", requestId);
    }
    return client.request(options).compose(r -> r.send().compose(response -> response.body().map(response)));
  }

  @ParameterizedTest
  @EnumSource(value = HttpVersion.class, names = {"HTTP_1_1", "HTTP_2"})
  void interleavedRequestsLogOnlyTheirOwnIds(HttpVersion version) throws Exception {
    HttpClientAgent over = version == HttpVersion.HTTP_2 ? h2 : client;
    try (JsonLogCapture lines = new JsonLogCapture(LOGGER); JsonLogCapture access = new JsonLogCapture(AccessLog.LOGGER)) {
      // slow starts first and ends last; fast and anonymous start and end while it waits.
      List<HttpClientResponse> responses = Future.all(List.of(get(over, "/wait/slow/300", "id-slow"),
              get(over, "/wait/fast/20", "id-fast"), get(over, "/wait/anonymous/50", null)))
          .await(10, TimeUnit.SECONDS).list();
      assertEquals(version, responses.get(0).version());
      log.info("outside any request");

      assertEquals("id-slow", responses.get(0).getHeader("X-Request-Id"));
      assertEquals("id-fast", responses.get(1).getHeader("X-Request-Id"));
      String made = responses.get(2).getHeader("X-Request-Id");
      assertTrue(made.matches("[0-9a-f]{32}"), made);

      Map<String, String> idOfName = Map.of("slow", "id-slow", "fast", "id-fast", "anonymous", made);
      List<JsonObject> all = lines.lines();
      assertEquals(7, all.size(), lines.text());
      for (JsonObject line : all) {
        String message = line.getString("message");
        if (message.equals("outside any request")) {
          assertFalse(line.containsKey("requestId"), line::encode);
          continue;
        }
        String name = message.substring(message.indexOf(' ') + 1);
        assertEquals(idOfName.get(name), line.getString("requestId"), line::encode);
        assertTrue(line.getString("traceId").matches("[0-9a-f]{32}"), line::encode);
      }
      assertNull(RequestScope.currentRequestId(), "nothing is left on the test's thread");
    }
  }

  @Test
  void accessLogLineNamesTheRouteAndTheOutcome() throws Exception {
    try (JsonLogCapture lines = new JsonLogCapture(AccessLog.LOGGER); JsonLogCapture handler = new JsonLogCapture(LOGGER)) {
      HttpClientResponse ok = get("/wait/access/1", "access-ok").await(10, TimeUnit.SECONDS);
      HttpClientResponse refused = get("/refused/x", "access-404").await(10, TimeUnit.SECONDS);
      assertEquals(200, ok.statusCode());
      assertEquals(404, refused.statusCode());
      assertEquals("access-404", refused.getHeader("X-Request-Id"), "errors carry the id too");
      Map<String, JsonObject> byId = awaitLines(lines, 2).stream()
          .collect(Collectors.toMap(l -> l.getString("requestId"), Function.identity()));

      JsonObject line = byId.get("access-ok");
      assertEquals("GET", line.getString("method"));
      assertEquals("/wait/:name/:millis", line.getString("route"));
      assertEquals(200, line.getInteger("status"));
      assertEquals(6L, line.getLong("bytes"), "the body 'access'");
      assertTrue(line.getDouble("durationMs") >= 0, line::encode);
      assertEquals(true, line.getBoolean("completed"));
      assertEquals("", line.getString("country"), "no edge view on this route");
      assertEquals("GET /wait/:name/:millis 200 6 B", line.getString("message").substring(0, 31));

      JsonObject error = byId.get("access-404");
      assertEquals(404, error.getInteger("status"));
      assertEquals("/refused/:name", error.getString("route"), error::encode);
      assertNotEquals(line.getString("traceId"), error.getString("traceId"));
    }
  }

  private static List<JsonObject> awaitLines(JsonLogCapture capture, int count) throws InterruptedException {
    for (int i = 0; i < 200 && capture.lines().size() < count; i++) {
      Thread.sleep(10);
    }
    List<JsonObject> lines = capture.lines();
    assertEquals(count, lines.size(), capture.text());
    return lines;
  }
}
