package io.mediaedge.config;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * How media-edge logs: {@code logging.format} (plain lines for people, JSON lines for a log
 * pipeline) and whether every request gets an access-log line ({@code logging.accessLog}).
 *
 * @param format the shape of every line the production entry point writes; dev mode and tests
 *     always log plain
 * @param accessLog one line per request, after its response ended (or its connection closed)
 */
public record LoggingConfig(Format format, boolean accessLog) {
  /** Plain lines unless the file or {@code MEDIA_EDGE_LOGGING_FORMAT} asks for JSON. */
  static final Format DEFAULT_FORMAT = Format.PLAIN;
  /** Off by default: at high request rates the lines cost CPU and a log pipeline's money. */
  static final boolean ACCESS_LOG_BY_DEFAULT = false;

  public enum Format {
    /** {@code time level [thread] logger [requestId] - message}, for a terminal. */
    PLAIN,
    /** One JSON object per line, for a log pipeline (Loki, Elasticsearch, CloudWatch). */
    JSON
  }

  /**
   * {@code tree} with the section's defaults filled in where the file is silent, so that
   * {@code MEDIA_EDGE_LOGGING_FORMAT} and {@code MEDIA_EDGE_LOGGING_ACCESS_LOG} apply to any
   * file (a variable replaces only what the tree has): an image can switch any file to JSON.
   */
  static JsonObject withDefaults(JsonObject tree) {
    JsonObject copy = tree.copy();
    Object section = copy.getValue("logging");
    if (section == null) {
      section = new JsonObject();
      copy.put("logging", section);
    }
    if (section instanceof JsonObject logging) {
      if (!logging.containsKey("format")) {
        logging.put("format", DEFAULT_FORMAT.name().toLowerCase(Locale.ROOT));
      }
      if (!logging.containsKey("accessLog")) {
        logging.put("accessLog", ACCESS_LOG_BY_DEFAULT);
      }
    }
    return copy;
  }

  static LoggingConfig parse(ConfigTree c) {
    String format = c.string("logging.format", DEFAULT_FORMAT.name().toLowerCase(Locale.ROOT));
    Format parsed = switch (format.toLowerCase(Locale.ROOT)) {
      case "plain" -> Format.PLAIN;
      case "json" -> Format.JSON;
      default -> throw c.invalid("logging.format", "must be plain or json (got '" + format + "')");
    };
    return new LoggingConfig(parsed, c.bool("logging.accessLog", ACCESS_LOG_BY_DEFAULT));
  }
}
