package io.mediaedge.insights.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The values one Prometheus label may take: those of the expected shape, at most {@code limit}
 * distinct ones; anything else is {@code other}. Events come from our own edge, but a bug or a
 * strange GeoIP answer must not be able to make series without end.
 */
final class BoundedLabels {
  static final String OTHER = "other";
  static final String UNKNOWN = "unknown";

  private final Pattern shape;
  private final int limit;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  BoundedLabels(String shape, int limit) {
    this.shape = Pattern.compile(shape);
    this.limit = limit;
  }

  String of(String value) {
    if (value == null || value.isEmpty()) {
      return UNKNOWN;
    }
    if (seen.contains(value)) {
      return value;
    }
    if (seen.size() >= limit || !shape.matcher(value).matches()) {
      return OTHER;
    }
    seen.add(value);
    return value;
  }
}
