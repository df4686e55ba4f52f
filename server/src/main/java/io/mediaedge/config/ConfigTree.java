package io.mediaedge.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The raw configuration tree with typed, path-based reads. Every failed read names the option,
 * what was wrong and where to set it, so a bad value stops the start with one clear sentence.
 */
final class ConfigTree {
  static final String ENV_PREFIX = "MEDIA_EDGE_";

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]i?B|B)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE);

  private final JsonObject root;
  private final String source;

  ConfigTree(JsonObject root, String source) {
    this.root = root;
    this.source = source;
  }

  /**
   * Applies environment overrides: for every node of the tree, a variable named after its path
   * replaces it (JSON for maps and lists, plain text for scalars).
   */
  static JsonObject withEnvironment(JsonObject tree, Map<String, String> env) {
    JsonObject copy = tree.copy();
    applyEnv(copy, ENV_PREFIX, env);
    return copy;
  }

  private static void applyEnv(JsonObject node, String prefix, Map<String, String> env) {
    for (String key : new ArrayList<>(node.fieldNames())) {
      String name = prefix + envSegment(key);
      String value = env.get(name);
      if (value != null) {
        node.put(key, parseEnvValue(name, value, node.getValue(key)));
      } else if (node.getValue(key) instanceof JsonObject child) {
        applyEnv(child, name + "_", env);
      }
    }
  }

  private static Object parseEnvValue(String name, String value, Object current) {
    String trimmed = value.trim();
    if (current instanceof JsonObject || current instanceof JsonArray) {
      try {
        return trimmed.startsWith("[") ? new JsonArray(trimmed) : trimmed.startsWith("{") ? new JsonObject(trimmed)
            : current instanceof JsonArray ? commaList(trimmed) : failEnv(name);
      } catch (DecodeException e) {
        throw new ConfigException("Environment variable " + name + " must hold JSON for this option: " + e.getMessage());
      }
    }
    return trimmed;
  }

  private static Object failEnv(String name) {
    throw new ConfigException("Environment variable " + name + " must hold a JSON object for this option.");
  }

  private static JsonArray commaList(String value) {
    JsonArray list = new JsonArray();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        list.add(part.trim());
      }
    }
    return list;
  }

  /** camelCase or dotted/slashed key to UPPER_SNAKE: certFile -> CERT_FILE, image/jpeg -> IMAGE_JPEG. */
  static String envSegment(String key) {
    String snake = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2");
    return snake.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  static String envName(String path) {
    StringBuilder name = new StringBuilder(ENV_PREFIX);
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length; i++) {
      name.append(i == 0 ? "" : "_").append(envSegment(parts[i]));
    }
    return name.toString();
  }

  ConfigException invalid(String path, String problem) {
    return new ConfigException("Option " + path + " " + problem + ": set it in " + source + " or with "
        + envName(path) + ".");
  }

  private Object raw(String path) {
    Object node = root;
    for (String part : path.split("\\.")) {
      if (!(node instanceof JsonObject object) || !object.containsKey(part)) {
        return null;
      }
      node = object.getValue(part);
    }
    return node;
  }

  JsonObject section(String path) {
    Object value = raw(path);
    if (value == null) {
      return new JsonObject();
    }
    if (value instanceof JsonObject object) {
      return object;
    }
    throw invalid(path, "must be a map of names to values");
  }

  String string(String path, String fallback) {
    Object value = raw(path);
    if (value == null) {
      return fallback;
    }
    if (value instanceof JsonObject || value instanceof JsonArray) {
      throw invalid(path, "must be a single value, not a list or map");
    }
    return String.valueOf(value).trim();
  }

  String requiredString(String path) {
    String value = string(path, "");
    if (value.isEmpty()) {
      throw invalid(path, "is required");
    }
    return value;
  }

  boolean bool(String path, boolean fallback) {
    String value = string(path, String.valueOf(fallback)).toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw invalid(path, "must be true or false (got '" + value + "')");
    };
  }

  int integer(String path, int fallback, int min, int max) {
    String value = string(path, String.valueOf(fallback));
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw invalid(path, "must be a whole number (got '" + value + "')");
    }
    if (parsed < min || parsed > max) {
      throw invalid(path, "must be between " + min + " and " + max + " (got " + parsed + ")");
    }
    return (int) parsed;
  }

  long size(String path, String fallback, long min, long max) {
    String value = string(path, fallback);
    long parsed = parseSize(value);
    if (parsed < 0) {
      throw invalid(path, "must be a size such as 512KiB, 8MiB or 1048576 (got '" + value + "')");
    }
    if (parsed < min || parsed > max) {
      throw invalid(path, "must be between " + min + " and " + max + " bytes (got " + value + ")");
    }
    return parsed;
  }

  Duration duration(String path, String fallback, Duration min, Duration max) {
    String value = string(path, fallback);
    Duration parsed = parseDuration(value);
    if (parsed == null) {
      throw invalid(path, "must be a duration such as 500ms, 30s, 5m, 1h or 7d (got '" + value + "')");
    }
    if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
      throw invalid(path, "must be between " + min + " and " + max + " (got " + value + ")");
    }
    return parsed;
  }

  List<String> strings(String path) {
    Object value = raw(path);
    if (value == null) {
      return List.of();
    }
    if (value instanceof String text) {
      return commaList(text).stream().map(String::valueOf).toList();
    }
    if (!(value instanceof JsonArray array)) {
      throw invalid(path, "must be a list");
    }
    List<String> out = new ArrayList<>();
    for (Object item : array) {
      if (item == null || item instanceof JsonObject || item instanceof JsonArray) {
        throw invalid(path, "must be a list of plain values");
      }
      out.add(String.valueOf(item).trim());
    }
    return out;
  }

  /** A list of IP addresses or CIDR ranges (fully parsed where they are used). */
  List<String> cidrs(String path) {
    List<String> ranges = strings(path);
    for (String range : ranges) {
      if (!range.matches("\\[?[0-9A-Fa-f:.]+\\]?(/\\d{1,3})?")) {
        throw invalid(path, "holds '" + range + "', which is not an IP address or CIDR range");
      }
    }
    return ranges;
  }

  /** An optional file that must exist when named. */
  Path optionalFile(String path) {
    String value = string(path, "");
    return value.isEmpty() ? null : existingFile(path, value);
  }

  Path existingFile(String path, String value) {
    Path file = Path.of(value);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw invalid(path, "names a file that does not exist or cannot be read (" + file.toAbsolutePath() + ")");
    }
    return file;
  }

  Map<String, Long> sizes(String path, long min, long max) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String key : section(path).fieldNames()) {
      out.put(key, size(path + "." + key, "0", min, max));
    }
    return out;
  }

  static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      return -1;
    }
    try {
      long number = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
      long factor = switch (unit) {
        case "B" -> 1L;
        case "KB" -> 1_000L;
        case "MB" -> 1_000_000L;
        case "GB" -> 1_000_000_000L;
        case "TB" -> 1_000_000_000_000L;
        case "KIB" -> 1L << 10;
        case "MIB" -> 1L << 20;
        case "GIB" -> 1L << 30;
        case "TIB" -> 1L << 40;
        default -> -1L;
      };
      return factor < 0 ? -1 : Math.multiplyExact(number, factor);
    } catch (ArithmeticException | NumberFormatException e) {
      return -1;
    }
  }

  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    try {
      long number = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
      return switch (unit) {
        case "ms" -> Duration.ofMillis(number);
        case "s" -> Duration.ofSeconds(number);
        case "m" -> Duration.ofMinutes(number);
        case "h" -> Duration.ofHours(number);
        default -> Duration.ofDays(number);
      };
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }
}
