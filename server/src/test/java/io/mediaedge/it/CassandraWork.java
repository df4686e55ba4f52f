package io.mediaedge.it;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requests one media-edge has sent to Cassandra, by {@code kind/outcome}, as its
 * {@code /metrics} shows them ({@code media_edge_cassandra_requests_total}); two readings
 * subtracted give the work between them. Used by {@link CassandraWorkPerUploadIT} and the suite's
 * upload scenarios.
 */
public record CassandraWork(Map<String, Long> counts) {
  private static final Pattern SERIES = Pattern.compile(
      "^media_edge_cassandra_requests_total\\{kind=\"([a-z_]+)\",outcome=\"([a-z]+)\",?} ([0-9.E+-]+)$");

  /** The counts in a Prometheus text exposition; empty when it has none. */
  public static CassandraWork parse(String exposition) {
    Map<String, Long> counts = new HashMap<>();
    for (String line : exposition.split("\n")) {
      Matcher series = SERIES.matcher(line);
      if (series.matches()) {
        counts.put(series.group(1) + "/" + series.group(2), (long) Double.parseDouble(series.group(3)));
      }
    }
    return new CassandraWork(Map.copyOf(counts));
  }

  public boolean isEmpty() {
    return counts.isEmpty();
  }

  public CassandraWork minus(CassandraWork earlier) {
    Map<String, Long> difference = new HashMap<>();
    counts.forEach((series, count) -> difference.put(series, count - earlier.counts.getOrDefault(series, 0L)));
    return new CassandraWork(Map.copyOf(difference));
  }

  /** Requests of a kind, answered or not: each was sent. */
  public long get(String kind) {
    return counts.getOrDefault(kind + "/success", 0L) + counts.getOrDefault(kind + "/failure", 0L);
  }

  public long failures() {
    return counts.entrySet().stream().filter(e -> e.getKey().endsWith("/failure")).mapToLong(Map.Entry::getValue)
        .sum();
  }

  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Each kind divided by {@code units} (uploads, GETs), two decimals, and the failures as counted. */
  public JsonObject per(long units) {
    JsonObject per = new JsonObject().put("units", units);
    for (String kind : new String[] {"lwt", "serial_read", "batch", "write", "read"}) {
      per.put(kind, units == 0 ? null : Math.round(get(kind) * 100.0 / units) / 100.0);
    }
    return per.put("requests", units == 0 ? null : Math.round(total() * 100.0 / units) / 100.0)
        .put("failures", failures());
  }

  /** One line for a test's or benchmark's console. */
  public String describe(String what, String unit, long units) {
    return String.format(Locale.ROOT, "Cassandra work, %s: per %s %.2f requests (%.2f LWT, %.2f serial reads,"
            + " %.2f batches, %.2f writes, %.2f reads), %d failed", what, unit, total() / (double) units,
        get("lwt") / (double) units, get("serial_read") / (double) units, get("batch") / (double) units,
        get("write") / (double) units, get("read") / (double) units, failures());
  }
}
