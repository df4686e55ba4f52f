package io.mediaedge.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.testing.JsonLogCapture;
import io.mediaedge.trace.RequestScope;
import io.mediaedge.trace.RequestTrace;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The JSON line shape: every line one object with flat, typed fields, parsed back here as a pipeline would. */
class JsonLineEncoderTest {
  private static final String LOGGER = "io.mediaedge.logging.json-line-test";
  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void lineOutsideARequestHasTheBaseFieldsAndNoRequestId() {
    Logger log = LoggerFactory.getLogger(LOGGER);
    try (JsonLogCapture capture = new JsonLogCapture(LOGGER)) {
      Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      log.info("media-edge listening: https={} region={}", 8443, "eu");
      List<JsonObject> lines = capture.lines();
      assertEquals(1, lines.size(), capture.text());
      JsonObject line = lines.get(0);
      assertEquals(Thread.currentThread().getName(), line.getString("thread"));
      assertEquals("INFO", line.getString("level"));
      assertEquals(LOGGER, line.getString("logger"));
      assertEquals("media-edge listening: https=8443 region=eu", line.getString("message"));
      String time = line.getString("time");
      assertTrue(time.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), time);
      assertFalse(Instant.parse(time).isBefore(before), time);
      assertFalse(line.containsKey("requestId"), line::encode);
      assertFalse(line.containsKey("traceId"), line::encode);
      assertTrue(capture.text().endsWith("}\n"), "one object, one line");
    }
  }

  @Test
  void lineMadeWhileServingARequestCarriesItsIdsAndTypedPairs() throws Exception {
    Logger log = LoggerFactory.getLogger(LOGGER);
    try (JsonLogCapture capture = new JsonLogCapture(LOGGER)) {
      ContextInternal request = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
      request.runOnContext(v -> {
        RequestScope.bind(request, new RequestTrace("order-42", TRACEPARENT));
        log.atInfo().addKeyValue("method", "POST").addKeyValue("route", "/v1/media").addKeyValue("status", 201)
            .addKeyValue("bytes", 1_048_576L).addKeyValue("durationMs", 12.5).addKeyValue("country", "DE")
            .addKeyValue("asn", "3320").addKeyValue("completed", true)
            .addKeyValue("requestId", "forged").addKeyValue("message", "forged")
            .log("POST /v1/media 201");
      });
      JsonObject line = awaitOneLine(capture);
      assertEquals("order-42", line.getString("requestId"));
      assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", line.getString("traceId"));
      assertEquals("POST /v1/media 201", line.getString("message"), "a pair cannot overwrite the line's own fields");
      assertEquals("POST", line.getString("method"));
      assertEquals("/v1/media", line.getString("route"));
      assertEquals(201, line.getValue("status"), "numbers stay numbers");
      assertEquals(1_048_576L, ((Number) line.getValue("bytes")).longValue());
      assertEquals(12.5, ((Number) line.getValue("durationMs")).doubleValue());
      assertEquals("DE", line.getString("country"));
      assertEquals("3320", line.getString("asn"));
      assertEquals(true, line.getValue("completed"));
    }
  }

  @Test
  void messageWithNewlinesQuotesAndAStackTraceStaysOneLine() {
    Logger log = LoggerFactory.getLogger(LOGGER);
    try (JsonLogCapture capture = new JsonLogCapture(LOGGER)) {
      MDC.put("job", "sweeper");
      try {
        log.error("line one\nline \"two\"\t\u0001", new IllegalStateException("boom"));
      } finally {
        MDC.remove("job");
      }
      String text = capture.text();
      assertEquals(1, text.split("\n").length, text);
      JsonObject line = capture.lines().get(0);
      assertEquals("ERROR", line.getString("level"));
      assertEquals("line one\nline \"two\"\t\u0001", line.getString("message"));
      assertTrue(line.getString("error").startsWith("java.lang.IllegalStateException: boom"), line.getString("error"));
      assertTrue(line.getString("error").contains("JsonLineEncoderTest"), "with the stack");
      assertEquals("sweeper", line.getString("job"), "MDC entries become fields");
    }
  }

  private static JsonObject awaitOneLine(JsonLogCapture capture) throws InterruptedException {
    for (int i = 0; i < 200 && capture.text().isEmpty(); i++) {
      Thread.sleep(10);
    }
    List<JsonObject> lines = capture.lines();
    assertEquals(1, lines.size(), capture.text());
    return lines.get(0);
  }
}
