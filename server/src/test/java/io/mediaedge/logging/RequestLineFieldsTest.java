package io.mediaedge.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mediaedge.testing.JsonLogCapture;
import io.mediaedge.trace.RequestScope;
import io.mediaedge.trace.RequestTrace;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * media-edge's JSON lines name the request served on the logging thread's Vert.x context, and only
 * that one (the line's shape itself is log-format's JsonLineEncoderTest).
 */
class RequestLineFieldsTest {
  private static final String LOGGER = "io.mediaedge.logging.request-line-test";
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
  void lineMadeWhileServingARequestCarriesItsIds() throws Exception {
    Logger log = LoggerFactory.getLogger(LOGGER);
    try (JsonLogCapture capture = new JsonLogCapture(LOGGER)) {
      ContextInternal request = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
      request.runOnContext(v -> {
        RequestScope.bind(request, new RequestTrace("order-42", TRACEPARENT));
        log.atInfo().addKeyValue("status", 201).addKeyValue("requestId", "forged").log("POST /v1/media 201");
      });
      JsonObject line = awaitOneLine(capture);
      assertEquals("order-42", line.getString("requestId"), "a pair cannot pass for the request id");
      assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", line.getString("traceId"));
      assertEquals(201, line.getValue("status"));
    }
  }

  @Test
  void lineMadeOutsideARequestNamesNone() throws Exception {
    Logger log = LoggerFactory.getLogger(LOGGER);
    try (JsonLogCapture capture = new JsonLogCapture(LOGGER)) {
      // the event loop's own context: shared by every request, so it never holds a trace
      vertx.getOrCreateContext().runOnContext(v -> log.atInfo().addKeyValue("requestId", "forged").log("sweeping"));
      JsonObject line = awaitOneLine(capture);
      assertFalse(line.containsKey("requestId"), line::encode);
      assertFalse(line.containsKey("traceId"), line::encode);
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
