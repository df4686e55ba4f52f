package io.mediaedge.insights.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The options of the YAML file as dotted names ({@code kafka.groupId}), each overridable by an
 * environment variable named after it ({@code MEDIA_EDGE_INSIGHTS_KAFKA_GROUP_ID}). Only known
 * options are accepted, so a misspelt one fails the start instead of being silently ignored.
 *
 * <p>Why not the edge's reader ({@code io.mediaedge.config.ConfigTree}): the two deployables may
 * not import each other, and the only main code both depend on is event-schema, the events'
 * contract, no home for config. What the two share is thin (a range-checked integer, the "set it
 * in" message) and already reads differently: the edge walks a Vert.x JSON tree with open sections
 * (per-type sizes, region URLs, pins), takes JSON in variables and yes/on/1 for true; insights
 * reads a closed set of dotted names, strict booleans, decimals and days. A module of its own for
 * that would cost more than the lines it saves.
 */
final class Options {
  static final String ENV_PREFIX = "MEDIA_EDGE_INSIGHTS_";
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private final Map<String, Object> values;
  private final Map<String, String> env;
  private final String source;

  private Options(Map<String, Object> values, Map<String, String> env, String source) {
    this.values = values;
    this.env = env;
    this.source = source;
  }

  static Options of(Map<String, Object> tree, Map<String, String> env, String source, Set<String> known) {
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", tree, flat);
    for (String name : flat.keySet()) {
      if (!known.contains(name)) {
        throw new ConfigException("Option " + name + " in " + source + " is not an insights option (known: "
            + String.join(", ", known) + ").");
      }
    }
    return new Options(flat, env, source);
  }

  static Map<String, Object> readYaml(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("Configuration file " + file.toAbsolutePath()
          + " does not exist: pass --config PATH or set MEDIA_EDGE_INSIGHTS_CONFIG.");
    }
    try (InputStream in = Files.newInputStream(file)) {
      Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      if (parsed == null) {
        return Map.of();
      }
      if (!(parsed instanceof Map<?, ?> map)) {
        throw new ConfigException("Configuration file " + file + " must hold a YAML map at the top level.");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> typed = (Map<String, Object>) map;
      return typed;
    } catch (IOException e) {
      throw new ConfigException("Configuration file " + file + " cannot be read: " + e.getMessage(), e);
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ConfigException("Configuration file " + file + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> node, Map<String, Object> into) {
    node.forEach((key, value) -> {
      String name = prefix + key;
      if (value instanceof Map<?, ?> child) {
        flatten(name + ".", (Map<String, Object>) child, into);
      } else {
        into.put(name, value);
      }
    });
  }

  /** {@code kafka.groupId} to {@code MEDIA_EDGE_INSIGHTS_KAFKA_GROUP_ID}. */
  static String envName(String option) {
    return ENV_PREFIX + option.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
  }

  private Object raw(String option) {
    String fromEnv = env.get(envName(option));
    return fromEnv != null ? fromEnv : values.get(option);
  }

  ConfigException invalid(String option, String problem) {
    return new ConfigException("Option " + option + " " + problem + ": set it in " + source + " or with "
        + envName(option) + ".");
  }

  String string(String option, String fallback) {
    Object value = raw(option);
    if (value instanceof List<?>) {
      throw invalid(option, "must be a single value, not a list");
    }
    return value == null ? fallback : String.valueOf(value).trim();
  }

  String required(String option) {
    String value = string(option, "");
    if (value.isEmpty()) {
      throw invalid(option, "is required");
    }
    return value;
  }

  /** A YAML list, or a comma-separated text (as an environment variable gives it). */
  List<String> list(String option) {
    Object value = raw(option);
    List<String> items = new ArrayList<>();
    if (value instanceof List<?> list) {
      list.forEach(item -> items.add(String.valueOf(item).trim()));
    } else if (value != null) {
      for (String part : String.valueOf(value).split(",")) {
        items.add(part.trim());
      }
    }
    items.removeIf(String::isEmpty);
    if (items.isEmpty()) {
      throw invalid(option, "must list at least one value");
    }
    return items;
  }

  int integer(String option, int fallback, int min, int max) {
    String value = string(option, String.valueOf(fallback));
    long parsed;
    try {
      parsed = Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw invalid(option, "must be a whole number (got '" + value + "')");
    }
    if (parsed < min || parsed > max) {
      throw invalid(option, "must be between " + min + " and " + max + " (got " + parsed + ")");
    }
    return (int) parsed;
  }

  double decimal(String option, double fallback, double min, double max) {
    String value = string(option, String.valueOf(fallback));
    double parsed;
    try {
      parsed = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw invalid(option, "must be a number such as 0.05 or 3 (got '" + value + "')");
    }
    if (!(parsed >= min && parsed <= max)) {
      throw invalid(option, "must be between " + min + " and " + max + " (got " + value + ")");
    }
    return parsed;
  }

  boolean bool(String option, boolean fallback) {
    String value = string(option, String.valueOf(fallback)).toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(option, "must be true or false (got '" + value + "')");
    };
  }

  /** A duration of whole minutes, as a number of minutes. */
  int minutes(String option, String fallback, Duration min, Duration max) {
    Duration parsed = duration(option, fallback, min, max);
    if (parsed.toSeconds() % 60 != 0) {
      throw invalid(option, "must be whole minutes");
    }
    return (int) parsed.toMinutes();
  }

  Duration duration(String option, String fallback, Duration min, Duration max) {
    String value = string(option, fallback);
    Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw invalid(option, "must be a duration such as 500ms, 2s, 10m, 24h or 2d (got '" + value + "')");
    }
    long amount = Long.parseLong(m.group(1));
    Duration parsed = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
    if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
      throw invalid(option, "must be between " + min + " and " + max + " (got " + value + ")");
    }
    return parsed;
  }
}
