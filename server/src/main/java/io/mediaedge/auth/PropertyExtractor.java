package io.mediaedge.auth;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import io.mediaedge.config.ConfigException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The configured request properties (app version, plan, device model…): JsonPath expressions,
 * compiled at start-up, evaluated over one document per request:
 * {@code {"claims": {…}, "headers": {…selected, lower-cased}, "metadata": {…}, "edge": {…}}}.
 * A missing value is simply absent. Values are cut to a maximum length and only configured names
 * exist, so a hostile client can neither bloat rows and events nor add properties of its own.
 */
public final class PropertyExtractor {
  /** Text kept of one header value before it enters the document. */
  static final int MAX_HEADER_VALUE = 1024;
  /**
   * Nesting kept of each part of the document. Client metadata may nest 1,000 levels (the JSON
   * parser's limit), over which a deep scan ({@code $..*}) would cost tens of milliseconds.
   */
  static final int MAX_DEPTH = 32;

  private static final Configuration LENIENT = Configuration.defaultConfiguration()
      .addOptions(Option.SUPPRESS_EXCEPTIONS);

  private final Map<String, JsonPath> paths;
  private final List<String> headers;
  private final int maxValueLength;

  /** Compiles every expression; an invalid one stops the start with its name. */
  public PropertyExtractor(Map<String, String> expressions, List<String> headers, int maxValueLength) {
    Map<String, JsonPath> compiled = new LinkedHashMap<>();
    expressions.forEach((name, expression) -> {
      try {
        compiled.put(name, JsonPath.compile(expression));
      } catch (InvalidPathException | IllegalArgumentException e) {
        throw new ConfigException("properties.paths." + name + " is not a valid JsonPath expression ('"
            + expression + "'): " + e.getMessage(), e);
      }
    });
    this.paths = Map.copyOf(compiled);
    this.headers = headers.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    this.maxValueLength = maxValueLength;
  }

  public static PropertyExtractor none() {
    return new PropertyExtractor(Map.of(), List.of(), 0);
  }

  public boolean isEmpty() {
    return paths.isEmpty();
  }

  /** The document the expressions read; built only when there is something to extract. */
  public Map<String, Object> document(JsonObject claims, MultiMap requestHeaders, JsonObject metadata,
      JsonObject edge) {
    Map<String, Object> selected = new LinkedHashMap<>();
    for (String name : headers) {
      String value = requestHeaders.get(name);
      if (value != null) {
        selected.put(name, value.length() > MAX_HEADER_VALUE ? value.substring(0, MAX_HEADER_VALUE) : value);
      }
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("claims", plain(claims));
    document.put("headers", selected);
    document.put("metadata", plain(metadata));
    document.put("edge", plain(edge));
    return document;
  }

  public Map<String, String> extract(Map<String, Object> document) {
    if (paths.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    paths.forEach((name, path) -> {
      Object value;
      try {
        value = path.read(document, LENIENT);
      } catch (RuntimeException e) {
        // A filter over an unexpected type is the client's data being odd, not our failure.
        value = null;
      }
      String text = text(value, maxValueLength);
      if (text != null) {
        out.put(name, text);
      }
    });
    return Map.copyOf(out);
  }

  /**
   * Strings as they are, other values as JSON text, empty results as absent; cut to {@code max}
   * characters. A value that cannot be written as JSON is absent, not a failed request.
   */
  private static String text(Object value, int max) {
    if (value == null || value instanceof List<?> list && list.isEmpty()) {
      return null;
    }
    try {
      return cut(value instanceof String s ? s : Json.encode(value), max);
    } catch (EncodeException e) {
      return null;
    }
  }

  /** The first {@code max} characters, never ending in half of a surrogate pair. */
  private static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end);
  }

  /** JsonPath walks java.util maps and lists; Vert.x JSON types are turned into those. */
  static Object plain(Object value) {
    return plain(value, 0);
  }

  /** Containers deeper than {@link #MAX_DEPTH} are kept empty. */
  private static Object plain(Object value, int depth) {
    if (value instanceof JsonObject json) {
      Map<String, Object> map = new LinkedHashMap<>();
      if (depth < MAX_DEPTH) {
        json.forEach(e -> map.put(e.getKey(), plain(e.getValue(), depth + 1)));
      }
      return map;
    }
    if (value instanceof JsonArray array) {
      List<Object> list = new ArrayList<>();
      if (depth < MAX_DEPTH) {
        array.forEach(item -> list.add(plain(item, depth + 1)));
      }
      return list;
    }
    if (value instanceof Map<?, ?> map) {
      return plain(new JsonObject(castMap(map)), depth);
    }
    if (value instanceof List<?> list) {
      return plain(new JsonArray(new ArrayList<>(list)), depth);
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
