package io.mediaedge.bench;

import static io.mediaedge.bench.SuiteBench.DIRECT;
import static io.mediaedge.bench.SuiteBench.EDGE;
import static io.mediaedge.bench.SuiteBench.EDGE_NO_HISTORY;
import static io.mediaedge.bench.SuiteBench.NGINX;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The suite's table: one row per figure with media-edge, nginx and direct side by side and the
 * ratios, built from the raw runs (scenario 4 adds media-edge with history off and its ratios, and
 * its one-user variant rows of its own); plus the extra scenario scripts, run after the suite, whose
 * result files (a top-level {@code "scenario"} name and a {@code "table"} array of row objects)
 * are folded in.
 */
final class SuiteTable {
  private SuiteTable() {}

  static JsonArray rows(JsonObject result) {
    JsonArray rows = new JsonArray();
    JsonObject s = result.getJsonObject("scenarios", new JsonObject());
    JsonObject large = s.getJsonObject("largeUpload");
    if (large != null) {
      String name = "1 large upload " + size(large.getLong("sizeBytes"));
      List<JsonObject> runs = objects(large.getJsonArray("runs"));
      throughputRows(rows, name, runs, ">= 0.9x direct, >= nginx");
      ToDoubleFunction<JsonObject> send = r -> r.getDouble("sendMBps", Double.NaN);
      rows.add(row(name, "MB/s to last byte sent, cleartext", median(runs, EDGE, false, send),
          median(runs, NGINX, false, send), median(runs, DIRECT, false, send), ""));
      rows.add(row(name, "s from last byte to response, cleartext",
          median(runs, EDGE, false, r -> r.getDouble("lastByteToResponseSeconds", Double.NaN)),
          median(runs, NGINX, false, r -> r.getDouble("lastByteToResponseSeconds", Double.NaN)),
          median(runs, DIRECT, false, r -> r.getDouble("lastByteToResponseSeconds", Double.NaN)), ""));
    }
    JsonObject flat = s.getJsonObject("flatMemory");
    if (flat != null) {
      String name = "2 flat memory " + size(flat.getLong("sizeBytes")) + " at -Xmx" + flat.getString("xmx");
      rows.add(text(name, "success", String.valueOf(flat.getValue("success"))));
      rows.add(text(name, "peak heap / max after GC / peak RSS MiB", flat.getValue("peakHeapUsedMiB") + " / "
          + flat.getValue("maxHeapAfterGcMiB") + " / " + flat.getValue("peakRssMiB")));
      rows.add(text(name, "MB/s (HTTPS), GC time share", flat.getValue("MBps") + ", " + flat.getValue("gcTimeShare")));
    }
    JsonObject small = s.getJsonObject("smallUploads");
    if (small != null) {
      String name = "4 small uploads, " + small.getInteger("clients") + " clients";
      smallUploadRows(rows, name, objects(small.getJsonArray("runs")));
      if (small.containsKey("historyOff")) {
        // a result from before media-edge had the switch
        rows.add(text(name, "media-edge history+events off", "not measured: no switch in media-edge"));
      }
    }
    JsonObject oneUser = s.getJsonObject("smallUploadsOneUser");
    if (oneUser != null) {
      smallUploadRows(rows, "4 one user, " + oneUser.getInteger("clients") + " clients, "
          + oneUser.getInteger("bodyBytes") / 1024 + " KiB", objects(oneUser.getJsonArray("runs")));
    }
    JsonObject downloads = s.getJsonObject("downloads");
    if (downloads != null) {
      String name = "5 download " + size(downloads.getLong("sizeBytes"));
      List<JsonObject> full = objects(downloads.getJsonArray("full"));
      throughputRows(rows, name, full, "");
      List<JsonObject> ranges = objects(downloads.getJsonArray("ranges"));
      String rname = "5 random 1 MiB ranges";
      rows.add(triple(rname, "requests/s", ranges, r -> r.getDouble("requestsPerSecond", Double.NaN)));
      for (String p : List.of("p50", "p99")) {
        rows.add(triple(rname, p + " ms", ranges, latency(p)));
      }
      rows.add(total(rname, "errors (all rounds)", ranges, "errors"));
    }
    return rows;
  }

  /** Rate, throughput, latencies and errors of closed-loop uploads, with the history-off media-edge where it ran. */
  private static void smallUploadRows(JsonArray rows, String name, List<JsonObject> runs) {
    ToDoubleFunction<JsonObject> rps = r -> r.getDouble("requestsPerSecond", Double.NaN);
    rows.add(withNoHistory(triple(name, "requests/s", runs, rps), runs, rps));
    ToDoubleFunction<JsonObject> mbps = r -> r.getDouble("MBps", Double.NaN);
    rows.add(withNoHistory(triple(name, "MB/s", runs, mbps), runs, mbps));
    for (String p : List.of("p50", "p90", "p99", "p99_9")) {
      rows.add(withNoHistory(triple(name, p.replace('_', '.') + " ms", runs, latency(p)), runs, latency(p)));
    }
    JsonObject errors = total(name, "errors (all rounds)", runs, "errors");
    if (has(runs, EDGE_NO_HISTORY)) {
      errors.put(EDGE_NO_HISTORY, value(sum(runs, EDGE_NO_HISTORY, "errors")));
    }
    rows.add(errors);
    ToDoubleFunction<JsonObject> lwt = r -> r.getJsonObject("cassandraPerUpload", new JsonObject())
        .getDouble("lwt", Double.NaN);
    ToDoubleFunction<JsonObject> serial = r -> r.getJsonObject("cassandraPerUpload", new JsonObject())
        .getDouble("serial_read", Double.NaN);
    if (!Double.isNaN(median(runs, EDGE, null, lwt))) {
      rows.add(text(name, "Cassandra LWT / serial reads per upload", value(median(runs, EDGE, null, lwt)) + " / "
          + value(median(runs, EDGE, null, serial))));
    }
  }

  /** MB/s over cleartext and over HTTPS; S3Mock has no TLS listener, so direct is cleartext in both. */
  private static void throughputRows(JsonArray rows, String name, List<JsonObject> runs, String target) {
    ToDoubleFunction<JsonObject> mbps = r -> r.getDouble("MBps", Double.NaN);
    double direct = median(runs, DIRECT, false, mbps);
    rows.add(row(name, "MB/s, HTTP/1.1 cleartext", median(runs, EDGE, false, mbps), median(runs, NGINX, false, mbps),
        direct, target));
    rows.add(row(name, "MB/s, HTTPS (direct: cleartext)", median(runs, EDGE, true, mbps),
        median(runs, NGINX, true, mbps), direct, target));
    if (runs.stream().anyMatch(SuiteTable::http2)) {
      rows.add(row(name, "MB/s, HTTP/2 over TLS (direct: HTTP/1.1 cleartext)", medianHttp2(runs, EDGE, mbps),
          medianHttp2(runs, NGINX, mbps), direct, target));
    }
  }

  private static boolean http2(JsonObject run) {
    return run.getBoolean("http2", false);
  }

  private static double medianHttp2(List<JsonObject> runs, String system, ToDoubleFunction<JsonObject> f) {
    return SuiteBench.median(runs.stream().filter(r -> system.equals(r.getString("system"))).filter(SuiteTable::http2)
        .toList(), f);
  }

  private static ToDoubleFunction<JsonObject> latency(String p) {
    return r -> r.getJsonObject("latencyMs", new JsonObject()).getDouble(p, Double.NaN);
  }

  private static JsonObject triple(String scenario, String metric, List<JsonObject> runs, ToDoubleFunction<JsonObject> f) {
    return row(scenario, metric, median(runs, EDGE, null, f), median(runs, NGINX, null, f),
        median(runs, DIRECT, null, f), "");
  }

  private static JsonObject total(String scenario, String metric, List<JsonObject> runs, String key) {
    return row(scenario, metric, sum(runs, EDGE, key), sum(runs, NGINX, key), sum(runs, DIRECT, key), "");
  }

  private static double sum(List<JsonObject> runs, String system, String key) {
    List<JsonObject> mine = runs.stream().filter(r -> system.equals(r.getString("system"))).toList();
    return mine.isEmpty() ? Double.NaN : mine.stream().mapToLong(r -> r.getLong(key, 0L)).sum();
  }

  private static boolean has(List<JsonObject> runs, String system) {
    return runs.stream().anyMatch(r -> system.equals(r.getString("system")));
  }

  /** Adds the history-off media-edge's figure and its ratios to direct and nginx, when it ran. */
  private static JsonObject withNoHistory(JsonObject row, List<JsonObject> runs, ToDoubleFunction<JsonObject> f) {
    if (!has(runs, EDGE_NO_HISTORY)) {
      return row;
    }
    double noHistory = median(runs, EDGE_NO_HISTORY, null, f);
    return row.put(EDGE_NO_HISTORY, value(noHistory))
        .put(EDGE_NO_HISTORY + "/direct", ratio(noHistory, median(runs, DIRECT, null, f)))
        .put(EDGE_NO_HISTORY + "/nginx", ratio(noHistory, median(runs, NGINX, null, f)));
  }

  private static double median(List<JsonObject> runs, String system, Boolean tls, ToDoubleFunction<JsonObject> f) {
    // The HTTP/1.1 rows (tls given) leave the HTTP/2 runs out; they have rows of their own.
    return SuiteBench.median(runs.stream().filter(r -> system.equals(r.getString("system")))
        .filter(r -> tls == null || tls.equals(r.getBoolean("tls")) && !http2(r)).toList(), f);
  }

  private static JsonObject row(String scenario, String metric, double edge, double nginx, double direct, String target) {
    return new JsonObject().put("scenario", scenario).put("metric", metric)
        .put(EDGE, value(edge)).put(NGINX, value(nginx)).put(DIRECT, value(direct))
        .put("edge/direct", ratio(edge, direct)).put("edge/nginx", ratio(edge, nginx)).put("target", target);
  }

  private static JsonObject text(String scenario, String metric, String edge) {
    return new JsonObject().put("scenario", scenario).put("metric", metric).put(EDGE, edge);
  }

  private static Object value(double v) {
    if (Double.isNaN(v)) {
      return null;
    }
    double r = BenchFigures.round(v, 2);
    return r == Math.rint(r) && Math.abs(r) < 1e12 ? (Object) (long) r : (Object) r;
  }

  private static Double ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? null : BenchFigures.round(a / b, 2);
  }

  private static String size(Long bytes) {
    if (bytes == null) {
      return "?";
    }
    if (bytes % (1L << 30) == 0) {
      return bytes / (1L << 30) + " GiB";
    }
    if (bytes % (1L << 20) == 0) {
      return bytes / (1L << 20) + " MiB";
    }
    return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
  }

  private static List<JsonObject> objects(JsonArray array) {
    List<JsonObject> out = new ArrayList<>();
    if (array != null) {
      array.forEach(o -> out.add((JsonObject) o));
    }
    return out;
  }

  /** The printed table: the suite's rows, then each folded extra scenario's rows. */
  static String format(JsonObject result, Path file) {
    StringBuilder t = new StringBuilder("\n");
    JsonObject m = result.getJsonObject("machine");
    t.append(String.format(Locale.ROOT, "media-edge side-by-side suite%s: %s cores, %s, Java %s, load %s -> %s%n",
        result.getBoolean("quick") ? " (--quick)" : "", m.getValue("cores"), m.getValue("cpu"), m.getValue("javaVersion"),
        m.getValue("loadAverageAtStart"), m.getValue("loadAverageAtEnd")));
    JsonArray table = result.getJsonArray("table", new JsonArray());
    // The history-off columns appear only when scenario 4 measured it.
    boolean noHistory = table.stream().anyMatch(o -> ((JsonObject) o).containsKey(EDGE_NO_HISTORY));
    String fmt = "%-34s %-38s %12s %10s %10s %8s %8s" + (noHistory ? " %15s %9s %9s" : "%s%s%s");
    t.append(String.format(Locale.ROOT, fmt, "scenario", "figure", EDGE, NGINX, DIRECT, "e/direct", "e/nginx",
        noHistory ? EDGE_NO_HISTORY : "", noHistory ? "nh/direct" : "", noHistory ? "nh/nginx" : "")).append('\n');
    for (Object o : table) {
      JsonObject r = (JsonObject) o;
      t.append(String.format(Locale.ROOT, fmt, r.getString("scenario"), r.getString("metric"), cell(r.getValue(EDGE)),
          cell(r.getValue(NGINX)), cell(r.getValue(DIRECT)), cell(r.getValue("edge/direct")),
          cell(r.getValue("edge/nginx")), noHistoryCell(r, EDGE_NO_HISTORY),
          noHistoryCell(r, EDGE_NO_HISTORY + "/direct"), noHistoryCell(r, EDGE_NO_HISTORY + "/nginx"))
          .stripTrailing()).append('\n');
    }
    for (Object o : result.getJsonArray("extraScenarios", new JsonArray())) {
      JsonObject extra = (JsonObject) o;
      t.append(String.format(Locale.ROOT, "%n%s (%s)%n", extra.getString("scenario", extra.getString("command")),
          extra.getString("file", extra.getString("problem", ""))));
      for (Object row : extra.getJsonArray("table", new JsonArray())) {
        StringBuilder line = new StringBuilder("  ");
        for (Map.Entry<String, Object> e : (JsonObject) row) {
          line.append(e.getKey()).append('=').append(cell(e.getValue())).append("  ");
        }
        t.append(line.toString().stripTrailing()).append('\n');
      }
    }
    t.append(result.getBoolean("success") ? "RESULT: SUCCESS" : "RESULT: FAILED " + result.getJsonArray("failures"));
    t.append(String.format(Locale.ROOT, " in %s s%nwritten to %s%n", result.getValue("totalSeconds"), file));
    return t.toString();
  }

  /** Blank on the rows of other scenarios, where the history-off media-edge does not run. */
  private static String noHistoryCell(JsonObject row, String key) {
    return row.containsKey(EDGE_NO_HISTORY) ? cell(row.getValue(key)) : "";
  }

  private static String cell(Object v) {
    return v == null ? "-" : String.valueOf(v);
  }

  /**
   * Runs each extra scenario command (with {@code --quick} when the suite is quick, and
   * {@code --results DIR}), then folds every result file in that directory written since
   * {@code started} that has a {@code "scenario"} and a {@code "table"}.
   */
  static JsonArray runExtras(SuiteOptions options, Instant started, Consumer<String> say) {
    JsonArray out = new JsonArray();
    Path dir = options.resultsDir().toAbsolutePath();
    for (String command : options.extraScenarios()) {
      String line = command + (options.quick() ? " --quick" : "") + " --results '" + dir + "'";
      say.accept("extra scenario: " + line);
      JsonObject entry = new JsonObject().put("command", line);
      try {
        Process p = new ProcessBuilder("bash", "-c", line).inheritIO().start();
        if (!p.waitFor(40, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          entry.put("problem", "timed out after 40 minutes");
        } else {
          entry.put("exitCode", p.exitValue());
        }
      } catch (IOException e) {
        entry.put("problem", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        entry.put("problem", "interrupted");
      }
      out.add(entry);
    }
    if (options.extraScenarios().isEmpty()) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".json") && !f.getFileName().toString().startsWith("suite-"))
          .sorted().toList()) {
        if (Files.getLastModifiedTime(f).toInstant().isBefore(started)) {
          continue;
        }
        try {
          JsonObject json = new JsonObject(Files.readString(f, StandardCharsets.UTF_8));
          if (json.getValue("scenario") instanceof String name && json.getValue("table") instanceof JsonArray table) {
            out.add(new JsonObject().put("scenario", name).put("file", f.toString()).put("table", table)
                .put("success", json.getValue("success")));
          }
        } catch (RuntimeException e) {
          out.add(new JsonObject().put("file", f.toString()).put("problem", "not JSON: " + e.getMessage()));
        }
      }
    } catch (IOException e) {
      out.add(new JsonObject().put("problem", "cannot list " + dir + ": " + e));
    }
    return out;
  }
}
