package io.mediaedge.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.mediaedge.trace.RequestScope;
import io.mediaedge.trace.RequestTrace;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line, with flat fields a log pipeline can index without parsing:
 * {@code time} (UTC, milliseconds), {@code level}, {@code logger}, {@code thread}, {@code message},
 * {@code requestId} and {@code traceId} while a request is served, the event's key-value pairs
 * (the access log's method, route, status, bytes, durationMs, country, asn) and MDC entries, and
 * {@code error} with the stack trace. Logback's own {@code JsonEncoder} nests the pairs in a list
 * of one-key objects and the MDC in an object, and writes the time as epoch milliseconds.
 *
 * <p>The request's ids are read from the Vert.x context of the thread that logs (see
 * {@link RequestScope}); the appender must therefore write on that thread, as a console appender does.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  /** Fields a pair or an MDC entry may not overwrite. */
  private static final Set<String> OWN_FIELDS =
      Set.of("time", "level", "logger", "thread", "message", "requestId", "traceId", "error");
  private static final byte[] NOTHING = new byte[0];

  @Override
  public byte[] headerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return (line(event, RequestScope.current()).encode() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return NOTHING;
  }

  /** The line's fields; {@code trace} is the request being served when the event was made. */
  static JsonObject line(ILoggingEvent event, Optional<RequestTrace> trace) {
    JsonObject line = new JsonObject()
        .put("time", TIME.format(event.getInstant()))
        .put("level", event.getLevel().toString())
        .put("logger", event.getLoggerName())
        .put("thread", event.getThreadName())
        .put("message", event.getFormattedMessage());
    trace.ifPresent(t -> line.put("requestId", t.requestId()).put("traceId", t.traceId()));
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        if (pair.key != null && !OWN_FIELDS.contains(pair.key)) {
          line.put(pair.key, jsonValue(pair.value));
        }
      }
    }
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null) {
      mdc.forEach((key, value) -> {
        if (!OWN_FIELDS.contains(key) && !line.containsKey(key)) {
          line.put(key, value);
        }
      });
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      line.put("error", ThrowableProxyUtil.asString(error));
    }
    return line;
  }

  private static Object jsonValue(Object value) {
    if (value == null || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    return String.valueOf(value);
  }
}
