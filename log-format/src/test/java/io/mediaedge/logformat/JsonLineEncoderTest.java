package io.mediaedge.logformat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The JSON line shape: every line one object with flat, typed fields, parsed back here as a pipeline would. */
class JsonLineEncoderTest {
  private static final String LOGGER = "io.mediaedge.logformat.json-line-test";
  private static final ObjectMapper PIPELINE = new ObjectMapper();
  /** Stands for media-edge's request scope: what the logging thread is serving. */
  private static final ThreadLocal<Map<String, String>> SERVING = ThreadLocal.withInitial(Map::of);
  private static final LineFields REQUEST_FIELDS = new LineFields(Set.of("requestId", "traceId"), SERVING::get);

  private final Logger log = LoggerFactory.getLogger(LOGGER);
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private OutputStreamAppender<ILoggingEvent> appender;

  @AfterEach
  void detach() {
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) log;
    logger.detachAppender(appender);
    logger.setAdditive(true);
    appender.stop();
    SERVING.remove();
  }

  @Test
  void lineWithoutLineFieldsHasTheEventsFieldsOnly() {
    writeJsonLines(LineFields.NONE);
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    log.info("insights listening: http={} instance={}", 8090, "eu-1");
    List<Map<String, Object>> lines = lines();
    assertEquals(1, lines.size(), text());
    Map<String, Object> line = lines.get(0);
    assertEquals(List.of("time", "level", "logger", "thread", "message"), List.copyOf(line.keySet()));
    assertEquals(Thread.currentThread().getName(), line.get("thread"));
    assertEquals("INFO", line.get("level"));
    assertEquals(LOGGER, line.get("logger"));
    assertEquals("insights listening: http=8090 instance=eu-1", line.get("message"));
    String time = (String) line.get("time");
    assertTrue(time.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), time);
    assertFalse(Instant.parse(time).isBefore(before), time);
    assertTrue(text().endsWith("}\n"), "one object, one line");
  }

  @Test
  void lineFieldsOfTheLoggingThreadComeAfterTheEventsAndPairsStayTyped() {
    writeJsonLines(REQUEST_FIELDS);
    SERVING.set(Map.of("requestId", "order-42", "traceId", "4bf92f3577b34da6a3ce929d0e0e4736"));
    log.atInfo().addKeyValue("method", "POST").addKeyValue("route", "/v1/media").addKeyValue("status", 201)
        .addKeyValue("bytes", 1_048_576L).addKeyValue("durationMs", 12.5).addKeyValue("country", "DE")
        .addKeyValue("asn", "3320").addKeyValue("completed", true)
        .addKeyValue("requestId", "forged").addKeyValue("message", "forged")
        .log("POST /v1/media 201");
    Map<String, Object> line = lines().get(0);
    assertEquals("order-42", line.get("requestId"));
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", line.get("traceId"));
    assertEquals("POST /v1/media 201", line.get("message"), "a pair cannot overwrite the line's own fields");
    assertEquals("POST", line.get("method"));
    assertEquals("/v1/media", line.get("route"));
    assertEquals(201, line.get("status"), "numbers stay numbers");
    assertEquals(1_048_576L, ((Number) line.get("bytes")).longValue());
    assertEquals(12.5, ((Number) line.get("durationMs")).doubleValue());
    assertEquals("DE", line.get("country"));
    assertEquals("3320", line.get("asn"));
    assertEquals(true, line.get("completed"));
  }

  @Test
  void lineFieldNamesAreReservedEvenOnLinesWithoutThem() {
    writeJsonLines(REQUEST_FIELDS);
    MDC.put("traceId", "from-mdc");
    try {
      log.atInfo().addKeyValue("requestId", "forged").log("sweeping expired uploads");
    } finally {
      MDC.remove("traceId");
    }
    Map<String, Object> line = lines().get(0);
    assertFalse(line.containsKey("requestId"), text());
    assertFalse(line.containsKey("traceId"), text());
  }

  @Test
  void messageWithNewlinesQuotesAndAStackTraceStaysOneLine() {
    writeJsonLines(LineFields.NONE);
    MDC.put("job", "sweeper");
    try {
      log.error("line one\nline \"two\"\t\u0001", new IllegalStateException("boom"));
    } finally {
      MDC.remove("job");
    }
    String text = text();
    assertEquals(1, text.split("\n").length, text);
    Map<String, Object> line = lines().get(0);
    assertEquals("ERROR", line.get("level"));
    assertEquals("line one\nline \"two\"\t\u0001", line.get("message"));
    String error = (String) line.get("error");
    assertTrue(error.startsWith("java.lang.IllegalStateException: boom"), error);
    assertTrue(error.contains("JsonLineEncoderTest"), "with the stack");
    assertEquals("sweeper", line.get("job"), "MDC entries become fields");
  }

  /** The test logger's lines, through the real Logback pipeline, into memory only. */
  private void writeJsonLines(LineFields lineFields) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    JsonLineEncoder encoder = new JsonLineEncoder(lineFields);
    encoder.setContext(context);
    encoder.start();
    appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(written);
    appender.start();
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) log;
    logger.addAppender(appender);
    logger.setAdditive(false);
  }

  private String text() {
    return written.toString(StandardCharsets.UTF_8);
  }

  private List<Map<String, Object>> lines() {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (String line : text().split("\n")) {
      try {
        lines.add(PIPELINE.readValue(line, new TypeReference<Map<String, Object>>() {}));
      } catch (IOException e) {
        throw new UncheckedIOException("not one JSON object: " + line, e);
      }
    }
    return lines;
  }
}
