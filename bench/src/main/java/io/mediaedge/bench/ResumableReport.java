package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.ForkedEdgeBench.phaseRows;
import static io.mediaedge.bench.ForkedEdgeBench.yesNo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * What {@link ResumableUploadBench} reports from its result: the resumable / single-request
 * comparison, the rows the suite folds in, and the benchmark's own table.
 */
final class ResumableReport {
  private ResumableReport() {}

  static JsonObject comparison(JsonObject result) {
    JsonObject resumable = result.getJsonObject("resumable");
    JsonObject single = result.getJsonObject("single");
    Double r = resumable == null ? null : resumable.getDouble("MBps");
    Double s = single == null ? null : single.getJsonObject("upload", new JsonObject()).getDouble("MBps");
    if (r == null || s == null || s <= 0) {
      return null;
    }
    return new JsonObject()
        .put("resumableMBps", r)
        .put("singleRequestMBps", s)
        .put("ratio", round(r / s, 2))
        .put("note", "MB/s = file bytes / wall time from the first request to the last answer; the resumable "
            + "time includes the cuts, HEADs, retries and bytes sent again");
  }

  /**
   * The rows the suite prints for this scenario, one per upload, shaped like the other scenario
   * scripts' ({@code system}, {@code variant}, then the figures).
   */
  static JsonArray suiteRows(JsonObject result, ResumableOptions resumableOptions) {
    long size = resumableOptions.common().size();
    JsonArray rows = new JsonArray();
    JsonObject tus = result.getJsonObject("resumable", new JsonObject());
    JsonObject comparison = result.getJsonObject("comparison");
    JsonObject tusOnly = new JsonObject()
        .put("patchMB", round(resumableOptions.patchSize() / 1e6, 1))
        .put("vsSingle", comparison == null ? null : comparison.getValue("ratio"))
        .put("cuts", tus.getValue("cutsMade"))
        .put("refused423", tus.getValue("refused423"))
        .put("refused409", tus.getValue("refused409"))
        .put("bytesResent", tus.getValue("bytesResent"));
    rows.add(suiteRow(size, "tus (resumable)", tus, tus, tusOnly, tus.getJsonObject("server"),
        tus.getJsonObject("download")));
    JsonObject single = result.getJsonObject("single");
    if (single != null) {
      rows.add(suiteRow(size, "single request", single, single.getJsonObject("upload", new JsonObject()),
          new JsonObject(), single.getJsonObject("uploadServer"), single.getJsonObject("download")));
    }
    return rows;
  }

  private static JsonObject suiteRow(long size, String variant, JsonObject outcome, JsonObject upload,
      JsonObject variantFigures, JsonObject server, JsonObject download) {
    JsonObject memory = server == null ? new JsonObject() : server;
    return new JsonObject().put("system", "media-edge").put("variant", variant)
        .put("success", outcome.getBoolean("success", false))
        .put("sizeMB", round(size / 1e6, 1))
        .put("MBps", upload.getValue("MBps"))
        .put("seconds", upload.getValue("seconds"))
        .mergeIn(variantFigures)
        .put("peakHeapMiB", memory.getValue("peakHeapUsedMiB"))
        .put("maxHeapAfterGcMiB", memory.getValue("maxHeapAfterGcMiB"))
        .put("peakRssMiB", memory.getValue("peakRssMiB"))
        .put("shaMatch", upload.getValue("shaMatch"))
        .put("downloadShaMatch", download == null ? null : download.getValue("shaMatch"));
  }

  /** The benchmark's rows of the table: both uploads side by side, then the cuts. */
  static void tableBody(StringBuilder t, JsonObject result) {
    JsonObject tus = result.getJsonObject("resumable", new JsonObject());
    JsonObject one = result.getJsonObject("single", new JsonObject());
    JsonObject oneUpload = one.getJsonObject("upload", new JsonObject());
    JsonObject ts = tus.getJsonObject("server", new JsonObject());
    JsonObject os = one.getJsonObject("uploadServer", new JsonObject());
    String row = "%-34s %-22s %-22s%n";
    t.append(String.format(Locale.ROOT, "%n" + row, "", "resumable (tus)", "single request"));
    t.append(String.format(Locale.ROOT, row, "result", tus.getBoolean("success", false) ? "SUCCESS" : "FAILED",
        one.isEmpty() ? "-" : one.getBoolean("success", false) ? "SUCCESS" : "FAILED"));
    t.append(String.format(Locale.ROOT, row, "SHA-256 matches (upload, download)",
        yesNo(tus.getBoolean("shaMatch")) + ", " + yesNo(tus.getJsonObject("download", new JsonObject()).getBoolean("shaMatch")),
        yesNo(oneUpload.getBoolean("shaMatch")) + ", " + yesNo(one.getJsonObject("download", new JsonObject()).getBoolean("shaMatch"))));
    t.append(String.format(Locale.ROOT, row, "seconds", tus.getValue("seconds", "-"), oneUpload.getValue("seconds", "-")));
    t.append(String.format(Locale.ROOT, row, "MB/s (MiB/s)", tus.getValue("MBps", "-") + " (" + tus.getValue("MiBps", "-") + ")",
        oneUpload.getValue("MBps", "-") + " (" + oneUpload.getValue("MiBps", "-") + ")"));
    t.append(String.format(Locale.ROOT, row, "requests", tus.getValue("patchRequests", "-") + " PATCH ("
        + tus.getValue("patchesCompleted", "-") + " x 204), " + tus.getValue("headRequests", "-") + " HEAD", "1 POST"));
    t.append(String.format(Locale.ROOT, row, "cuts; refused 423/409", tus.getValue("cutsMade", "-") + "; "
        + tus.getValue("refused423", "-") + "/" + tus.getValue("refused409", "-"), "-"));
    t.append(String.format(Locale.ROOT, row, "bytes sent again", String.format(Locale.ROOT, "%,d",
        tus.getLong("bytesResent", 0L)), "-"));
    t.append(String.format(Locale.ROOT, row, "last byte -> answer s", tus.getValue("lastByteToResponseSeconds", "-"),
        oneUpload.getValue("lastByteToResponseSeconds", "-")));
    phaseRows(t, row, ts, os);
    t.append(String.format(Locale.ROOT, row, "download MB/s", tus.getJsonObject("download", new JsonObject())
        .getValue("MBps", "-"), one.getJsonObject("download", new JsonObject()).getValue("MBps", "-")));

    JsonArray cuts = tus.getJsonArray("cuts", new JsonArray());
    if (!cuts.isEmpty()) {
      String cutRow = "%-4s %15s %15s %15s %15s %15s %10s%n";
      t.append(String.format(Locale.ROOT, "%n" + cutRow, "cut", "client at byte", "edge received", "first HEAD",
          "resumed from", "sent again", "resume s"));
      for (Object o : cuts) {
        JsonObject c = (JsonObject) o;
        t.append(String.format(Locale.ROOT, cutRow, c.getInteger("cut"), bytes(c.getLong("clientPositionAtCut")),
            bytes(c.getLong("mediaEdgeReceived")), bytes(c.getLong("firstHeadOffset")), bytes(c.getLong("resumedFrom")),
            bytes(c.getLong("bytesToSendAgain")), c.getValue("secondsToResume", "-")));
      }
      t.append(String.format(Locale.ROOT, "bytes sent again: %s after cuts + %s into PATCHes refused with 423/409%n",
          bytes(tus.getLong("bytesResentAfterCuts")), bytes(tus.getLong("bytesIntoRefusedPatches"))));
    }
    JsonObject comparison = result.getJsonObject("comparison");
    if (comparison != null) {
      t.append(String.format(Locale.ROOT, "%nresumable / single-request MB/s: %s / %s = %.2f%n",
          comparison.getValue("resumableMBps"), comparison.getValue("singleRequestMBps"),
          comparison.getDouble("ratio")));
    }
  }

  private static String bytes(Long n) {
    return n == null ? "-" : String.format(Locale.ROOT, "%,d", n);
  }
}
