package io.mediaedge.eventschema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the value under the parser's current field, with the types the event schema allows. */
final class JsonValues {
  /** Thread-safe once configured; one for the codecs' generators and parsers. */
  static final JsonFactory FACTORY = new JsonFactory();

  private JsonValues() {}

  /** Writes the fields of one JSON object. */
  interface ObjectFields {
    void write(JsonGenerator json) throws IOException;
  }

  /** One compact JSON object with {@code fields}, as a string. */
  static String object(ObjectFields fields) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      fields.write(json);
      json.writeEndObject();
    } catch (IOException e) {
      // a StringWriter never fails; only a bug in the fields could get here
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The parser positioned on the first field of a top-level object. */
  static void enterObject(JsonParser parser, String what) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException(what + " is not a JSON object");
    }
  }

  static String string(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException("field " + parser.currentName() + " must be a string, not " + token);
    }
    return parser.getText();
  }

  static long integer(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token != JsonToken.VALUE_NUMBER_INT) {
      throw new IllegalArgumentException("field " + parser.currentName() + " must be an integer, not " + token);
    }
    return parser.getLongValue();
  }

  /** {@code value}, or a refusal naming what lacks which field ("an advisory has no asn"). */
  static <T> T required(String what, String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(what + " has no " + field);
    }
    return value;
  }

  /** An ISO-8601 instant, or a refusal naming the field. */
  static Instant instant(String field, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + " is not an ISO-8601 instant: " + text, e);
    }
  }

  static boolean bool(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
      throw new IllegalArgumentException("field " + parser.currentName() + " must be true or false, not " + token);
    }
    return token == JsonToken.VALUE_TRUE;
  }

  /**
   * A flat object of strings. Numbers and booleans are kept as their text, nulls and nested values
   * are dropped: a consumer should not fail an event over one odd property.
   */
  static Map<String, String> stringMap(JsonParser parser) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    if (parser.currentToken() == JsonToken.VALUE_NULL) {
      return out;
    }
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("field " + parser.currentName() + " must be an object");
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      JsonToken value = parser.nextToken();
      if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
        out.put(key, parser.getText());
      } else {
        parser.skipChildren();
      }
    }
    return out;
  }
}
