package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * History-latency's figures and table: a histogram's percentiles in milliseconds (3 decimals), the
 * Cassandra work's share of a whole upload, and the printed table of the result.
 */
final class HistoryLatencyReport {
  private HistoryLatencyReport() {}

  /** The Cassandra work's share of a whole upload, from the sequential run and the end-to-end run. */
  static JsonObject share(JsonObject result) {
    JsonObject e2e = result.getJsonObject("endToEnd");
    JsonObject steps = result.getJsonObject("direct").getJsonObject("sequential").getJsonObject("latencyMs");
    if (e2e == null) {
      return null;
    }
    JsonObject upload = e2e.getJsonObject("latencyMs");
    JsonObject share = new JsonObject()
        .put("note", "ratios of the sequential direct run's percentiles to the end-to-end percentiles, measured "
            + "one after the other in the same stack; an estimate, since p99s of different runs do not add up");
    for (String step : List.of("total", "beforeS3", "afterS3", "recordUpload")) {
      JsonObject s = steps.getJsonObject(step);
      share.put(step, new JsonObject()
          .put("p50Percent", round(100 * s.getDouble("p50") / upload.getDouble("p50"), 1))
          .put("p99Percent", round(100 * s.getDouble("p99") / upload.getDouble("p99"), 1)));
    }
    return share;
  }

  /** Prints the table of {@code result}, written to {@code file} (null when it could not be). */
  static void print(JsonObject result, Path file) {
    StringBuilder out = new StringBuilder("\n");
    JsonObject machine = result.getJsonObject("machine");
    out.append(String.format(Locale.ROOT, "history-latency  %s cores, %s, Java %s, load %s -> %s%n",
        machine.getInteger("cores"), machine.getString("cpu"), machine.getString("javaVersion"),
        machine.getString("loadAverageAtStart"), machine.getString("loadAverageAtEnd")));
    JsonObject startup = result.getJsonObject("startup");
    if (startup != null) {
      out.append(String.format(Locale.ROOT, "%nstart-up                                  ms%n"));
      row(out, "dev stack (DevStack.start, wall)", startup.getLong("devStackMs"));
      row(out, "  S3 (s3mock)", startup.getLong("s3Ms"));
      row(out, "  Cassandra", startup.getLong("cassandraMs"));
      row(out, "  Kafka", startup.getLong("kafkaMs"));
      row(out, "media-edge (EdgeServer.start)", startup.getLong("edgeServerMs"));
      row(out, "stop everything", startup.getLong("stopMs"));
    }
    JsonObject direct = result.getJsonObject("direct");
    String header = String.format(Locale.ROOT, "%-36s %9s %9s %9s %9s %9s%n", "", "p50 ms", "p90 ms", "p99 ms",
        "p99.9 ms", "max ms");
    if (direct != null) {
      for (String run : List.of("sequential", "concurrent")) {
        JsonObject r = direct.getJsonObject(run);
        if (r == null) {
          continue;
        }
        out.append(String.format(Locale.ROOT, "%nCassandra calls of one upload, %s: %d rounds, %d in flight, "
                + "%.0f rounds/s, %d failed%n", run, r.getInteger("rounds"), r.getInteger("concurrency"),
            r.getDouble("roundsPerSecond"), r.getLong("failures")));
        out.append(header);
        JsonObject steps = r.getJsonObject("latencyMs");
        percentileRow(out, "quotas.reserve", steps.getJsonObject("reserve"));
        percentileRow(out, "history.recordIntent", steps.getJsonObject("recordIntent"));
        percentileRow(out, "= before S3 (reserve + intent)", steps.getJsonObject("beforeS3"));
        percentileRow(out, "quotas.commit", steps.getJsonObject("commit"));
        percentileRow(out, "history.recordUpload (batch)", steps.getJsonObject("recordUpload"));
        percentileRow(out, "= after S3 (commit + record)", steps.getJsonObject("afterS3"));
        percentileRow(out, "all four (Cassandra per upload)", steps.getJsonObject("total"));
      }
    }
    JsonObject e2e = result.getJsonObject("endToEnd");
    if (e2e != null) {
      out.append(String.format(Locale.ROOT, "%nwhole upload, %d bytes, HTTPS: %d sequential, %.0f/s, %d failed%n",
          e2e.getInteger("bodyBytes"), e2e.getInteger("uploads"), e2e.getDouble("uploadsPerSecond"),
          e2e.getLong("failures")));
      out.append(header);
      percentileRow(out, "POST /v1/media -> 201", e2e.getJsonObject("latencyMs"));
    }
    JsonObject share = result.getJsonObject("share");
    if (share != null) {
      out.append(String.format(Locale.ROOT, "%nshare of a whole upload (sequential run / end-to-end)   p50      p99%n"));
      shareRow(out, "all four Cassandra calls", share.getJsonObject("total"));
      shareRow(out, "before S3 (reserve + recordIntent)", share.getJsonObject("beforeS3"));
      shareRow(out, "after S3 (commit + recordUpload)", share.getJsonObject("afterS3"));
      shareRow(out, "recordUpload alone", share.getJsonObject("recordUpload"));
    }
    out.append(String.format(Locale.ROOT, "%nresult: %s%n", result.getBoolean("success") ? "OK" : "FAILED "
        + result.getJsonArray("failures").encode()));
    out.append(String.format(Locale.ROOT, "written to %s (%.0f s in all)%n", file, result.getDouble("totalSeconds")));
    System.out.print(out);
  }

  private static void row(StringBuilder out, String label, Long ms) {
    out.append(String.format(Locale.ROOT, "  %-36s %7s%n", label, ms == null ? "-" : String.format("%,d", ms)));
  }

  private static void percentileRow(StringBuilder out, String label, JsonObject p) {
    out.append(String.format(Locale.ROOT, "  %-34s %9.3f %9.3f %9.3f %9.3f %9.3f%n", label, p.getDouble("p50"),
        p.getDouble("p90"), p.getDouble("p99"), p.getDouble("p99_9"), p.getDouble("max")));
  }

  private static void shareRow(StringBuilder out, String label, JsonObject s) {
    out.append(String.format(Locale.ROOT, "  %-52s %5.1f%%   %5.1f%%%n", label, s.getDouble("p50Percent"),
        s.getDouble("p99Percent")));
  }

  /** Count, min, mean, p50, p90, p99, p99.9 ("p99_9") and max of a histogram of nanoseconds, in ms. */
  static JsonObject percentiles(Histogram h) {
    return new JsonObject()
        .put("count", h.getTotalCount())
        .put("min", ms(h.getMinValue()))
        .put("mean", round(h.getMean() / 1e6, 3))
        .put("p50", ms(h.getValueAtPercentile(50)))
        .put("p90", ms(h.getValueAtPercentile(90)))
        .put("p99", ms(h.getValueAtPercentile(99)))
        .put("p99_9", ms(h.getValueAtPercentile(99.9)))
        .put("max", ms(h.getMaxValue()));
  }

  private static double ms(long nanos) {
    return round(nanos / 1e6, 3);
  }
}
