package io.mediaedge.logformat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line, with flat fields a log pipeline can index without parsing:
 * {@code time} (UTC, milliseconds), {@code level}, {@code logger}, {@code thread}, {@code message},
 * the fields of the deployable's {@link LineFields} (media-edge: {@code requestId} and
 * {@code traceId} while a request is served), the event's key-value pairs (media-edge's access log:
 * method, route, status, bytes, durationMs, country, asn) and MDC entries, and {@code error} with
 * the stack trace. Logback's own {@code JsonEncoder} nests the pairs in a list of one-key objects
 * and the MDC in an object, and writes the time as epoch milliseconds.
 *
 * <p>The line fields are asked for when the line is encoded; an appender that must see the
 * logging thread's state (media-edge's request scope) therefore has to write on that thread, as a
 * console appender does.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  /** The event's fields, which no line field, pair or MDC entry may overwrite. */
  private static final Set<String> EVENT_FIELDS = Set.of("time", "level", "logger", "thread", "message", "error");
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] NOTHING = new byte[0];

  private final LineFields lineFields;
  private final Set<String> ownFields;

  /** Lines with the event's fields only ({@link LineFields#NONE}). */
  public JsonLineEncoder() {
    this(LineFields.NONE);
  }

  public JsonLineEncoder(LineFields lineFields) {
    this.lineFields = lineFields;
    Set<String> own = new HashSet<>(EVENT_FIELDS);
    own.addAll(lineFields.names());
    this.ownFields = Set.copyOf(own);
  }

  @Override
  public byte[] headerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (JsonGenerator out = JSON.createGenerator(bytes)) {
      out.writeStartObject();
      for (Map.Entry<String, Object> field : line(event).entrySet()) {
        out.writeFieldName(field.getKey());
        writeValue(out, field.getValue());
      }
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a log line to memory", e);
    }
    bytes.write('\n');
    return bytes.toByteArray();
  }

  @Override
  public byte[] footerBytes() {
    return NOTHING;
  }

  /** The line's fields in order; the line fields are the ones of the thread calling this. */
  Map<String, Object> line(ILoggingEvent event) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time", TIME.format(event.getInstant()));
    line.put("level", event.getLevel().toString());
    line.put("logger", event.getLoggerName());
    line.put("thread", event.getThreadName());
    line.put("message", event.getFormattedMessage());
    lineFields.current().get().forEach((key, value) -> {
      if (!EVENT_FIELDS.contains(key)) {
        line.put(key, value);
      }
    });
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        if (pair.key != null && !ownFields.contains(pair.key)) {
          line.put(pair.key, jsonValue(pair.value));
        }
      }
    }
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null) {
      mdc.forEach((key, value) -> {
        if (!ownFields.contains(key) && !line.containsKey(key)) {
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

  /** Numbers and booleans stay typed; anything else is written as its text. */
  private static Object jsonValue(Object value) {
    if (value == null || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    return String.valueOf(value);
  }

  private static void writeValue(JsonGenerator out, Object value) throws IOException {
    if (value == null) {
      out.writeNull();
    } else if (value instanceof Boolean b) {
      out.writeBoolean(b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      out.writeNumber(((Number) value).longValue());
    } else if (value instanceof Double d) {
      out.writeNumber(d);
    } else if (value instanceof Float f) {
      out.writeNumber(f);
    } else if (value instanceof BigDecimal d) {
      out.writeNumber(d);
    } else if (value instanceof BigInteger i) {
      out.writeNumber(i);
    } else if (value instanceof Number n) {
      // AtomicLong, LongAdder and the like: their text is the number
      out.writeNumber(n.toString());
    } else {
      out.writeString(value.toString());
    }
  }
}
