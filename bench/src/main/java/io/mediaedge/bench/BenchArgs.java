package io.mediaedge.bench;

import java.util.List;
import java.util.Map;

/**
 * The one reader of the benchmarks' command lines: options one at a time, each with its value,
 * the value kinds they share (sizes, whole numbers, lists, {@code --set PATH=VALUE}) and the same
 * error sentences everywhere. Each benchmark keeps its own table of options and defaults, since
 * its script's flags are its own; only the reading is shared.
 */
final class BenchArgs {
  private final String[] args;
  private int at = -1;

  BenchArgs(String[] args) {
    this.args = args;
  }

  boolean hasNext() {
    return at + 1 < args.length;
  }

  /** The next option (or stray word). */
  String next() {
    return args[++at];
  }

  /** The value after {@code option}; fails when the command line ends there. */
  String value(String option) {
    if (!hasNext()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return next();
  }

  /** A size in bytes: plain or with a unit (see {@link BenchOptions#parseSize}). */
  long size(String option) {
    return BenchOptions.parseSize(value(option));
  }

  /** A duration: a whole number with s, m or h (90s, 10m, 2h), or 0. */
  java.time.Duration duration(String option) {
    String text = value(option).trim();
    if (text.equals("0")) {
      return java.time.Duration.ZERO;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,6})([smh])").matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(option + " takes a duration like 90s, 10m or 2h, got " + text);
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> java.time.Duration.ofSeconds(amount);
      case "m" -> java.time.Duration.ofMinutes(amount);
      default -> java.time.Duration.ofHours(amount);
    };
  }

  /** A whole number; {@code _} and {@code ,} may group digits (10_000, 10,000). */
  int wholeNumber(String option) {
    String text = value(option);
    try {
      return Integer.parseInt(text.replace("_", "").replace(",", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes a whole number, got " + text);
    }
  }

  /** A comma-separated list, each item one of {@code allowed}. */
  List<String> list(String option, List<String> allowed) {
    List<String> values = List.of(value(option).split(","));
    for (String value : values) {
      if (!allowed.contains(value)) {
        throw new IllegalArgumentException(option + " takes " + allowed + ", got " + value);
      }
    }
    return values;
  }

  /** The {@code PATH=VALUE} of a {@code --set}, put into {@code overrides}. */
  void override(String option, Map<String, String> overrides) {
    String kv = value(option);
    int eq = kv.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(option + " wants PATH=VALUE, got " + kv);
    }
    overrides.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
  }
}
