package io.mediaedge.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.mediaedge.logformat.JsonLineEncoder;
import io.mediaedge.logging.RequestLineFields;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What one logger writes in the production JSON format, kept in memory instead of printed: the
 * real Logback pipeline (SLF4J call, event, {@link JsonLineEncoder} with the request's fields), so
 * tests read the lines a log pipeline would get. Close it to give the logger back its usual
 * appenders.
 */
public final class JsonLogCapture implements AutoCloseable {
  private final Logger logger;
  private final boolean additive;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();

  public JsonLogCapture(String loggerName) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logger = context.getLogger(loggerName);
    additive = logger.isAdditive();
    JsonLineEncoder encoder = new JsonLineEncoder(RequestLineFields.CURRENT_REQUEST);
    encoder.setContext(context);
    encoder.start();
    appender.setContext(context);
    appender.setName("json-capture");
    appender.setEncoder(encoder);
    appender.setOutputStream(bytes);
    appender.start();
    logger.addAppender(appender);
    logger.setAdditive(false);
  }

  /** Everything written so far, as it would reach standard output. */
  public synchronized String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Each line parsed as one JSON object (fails if a line is not one). */
  public List<JsonObject> lines() {
    return Arrays.stream(text().split("\n")).filter(line -> !line.isEmpty()).map(JsonObject::new).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setAdditive(additive);
    appender.stop();
  }
}
