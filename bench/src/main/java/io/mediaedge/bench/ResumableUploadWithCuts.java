package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.BenchFigures.seconds;
import static io.mediaedge.bench.BenchRun.MIB;

import io.mediaedge.testing.CuttingProxy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 7's resumable upload: the generated file goes to the forked media-edge as a tus upload
 * in PATCHes ({@link TusClient}) through a loopback proxy that resets every connection at the
 * planned positions. After each cut the client does what tus clients do: {@code HEAD} for the
 * durable offset, then PATCHes again from there; a {@code 423} (the cut PATCH still holds the
 * upload's lease while media-edge stores its tail) or {@code 409} is answered with another HEAD
 * after a short wait. Then the media's SHA-256 and size are checked against the file's, it is
 * downloaded back (when asked) and deleted.
 */
final class ResumableUploadWithCuts {
  /** PATCHes in a row that may be refused or fail (not counting the planned cuts) before the run gives up. */
  private static final int MAX_REFUSALS = 20;

  private final ForkedEdge edge;
  private final BenchRun run;
  private final ResumableOptions resumableOptions;
  private final List<String> failures;
  private final AtomicReference<GeneratedBody> current;

  /** {@code current} is set to the body being sent; failures go to {@code failures}. */
  ResumableUploadWithCuts(ForkedEdge edge, BenchRun run, ResumableOptions resumableOptions, List<String> failures,
      AtomicReference<GeneratedBody> current) {
    this.edge = edge;
    this.run = run;
    this.resumableOptions = resumableOptions;
    this.failures = failures;
    this.current = current;
  }

  /** The upload through {@code proxy} (at {@code viaProxy}), its figures as {@code result.resumable}. */
  void run(CuttingProxy proxy, URI viaProxy, JsonObject result) throws Exception {
    BenchOptions options = resumableOptions.common();
    long size = options.size();
    MediaClient client = new MediaClient(edge, run, viaProxy, HttpClient.Version.HTTP_1_1, options.timeout());
    TusClient tus = new TusClient(client, edge, options, resumableOptions.retryDelay(), current);
    FileSha256 hash = new FileSha256(size);
    long[] cutAt = resumableOptions.cutPositions();
    JsonObject out = new JsonObject().put("success", false);
    result.put("resumable", out);
    run.say(String.format(Locale.ROOT, "resumable upload: %,d bytes in PATCHes of %,d bytes, %d cuts, via %s ...",
        size, resumableOptions.patchSize(), cutAt.length, viaProxy));

    ForkedEdge.Phase phase = edge.begin("resumable");
    TransferProgress progress = edge.progress(size);
    long start = System.nanoTime();
    HttpResponse<String> created = tus.create(size);
    String location = created.headers().firstValue("Location").orElse(null);
    out.put("creation", new JsonObject().put("status", created.statusCode()).put("location", location)
        .put("seconds", round(seconds(System.nanoTime() - start), 3)));
    if (created.statusCode() != 201 || location == null) {
      failures.add("creation answered " + created.statusCode() + ": " + BenchRun.truncate(created.body(), 300));
      out.put("server", edge.end(phase));
      return;
    }
    String path = URI.create(location).getPath();
    String id = path.substring(path.lastIndexOf('/') + 1);

    JsonArray patches = new JsonArray();
    JsonArray cuts = new JsonArray();
    long offset = 0;
    int nextCut = 0;
    int refusedInARow = 0;
    int locked = 0;
    int mismatched = 0;
    int otherErrors = 0;
    int completed = 0;
    long handedOut = 0;
    long refusedBytes = 0;
    // The cut waiting for the upload to go on: filled in when the next PATCH is taken.
    JsonObject resuming = null;
    int refusedSinceCut = 0;
    int headsAtCut = 0;
    long cutNanos = 0;
    TusClient.Sent last = null;
    try {
      while (offset < size) {
        long length = Math.min(resumableOptions.patchSize(), size - offset);
        long plannedCut = nextCut < cutAt.length && cutAt[nextCut] > offset && cutAt[nextCut] <= offset + length
            ? cutAt[nextCut] : -1;
        TusClient.Sent sent = tus.patch(path, offset, length, hash, plannedCut, proxy, progress);
        last = sent;
        patches.add(sent.json());
        handedOut += sent.handedOut();
        boolean refused = !sent.cut() && sent.status() != 204;
        if (!refused && resuming != null) {
          resuming.put("resumedFrom", sent.from())
              .put("bytesToSendAgain", resuming.getLong("clientPositionAtCut") - sent.from())
              .put("secondsToResume", round(seconds(sent.startNanos() - cutNanos), 3))
              .put("refusedPatchesBeforeResume", refusedSinceCut)
              .put("headsBeforeResume", tus.headRequests() - headsAtCut);
          resuming = null;
        }
        if (sent.cut()) {
          nextCut++;
          cutNanos = sent.endNanos();
          refusedInARow = 0;
          refusedSinceCut = 0;
          headsAtCut = tus.headRequests();
          long durable = tus.head(path);
          resuming = new JsonObject()
              .put("cut", nextCut)
              .put("plannedAt", cutAt[nextCut - 1])
              .put("patchFrom", sent.from())
              .put("clientPositionAtCut", sent.cutAtClientPosition())
              .put("patchOutcome", sent.status() < 0 ? sent.error() : "HTTP " + sent.status())
              .put("firstHeadOffset", durable);
          cuts.add(resuming);
          run.say(String.format(Locale.ROOT, "  cut %d at byte %,d of the file; HEAD says %,d; resuming", nextCut,
              sent.cutAtClientPosition(), durable));
          offset = durable;
          continue;
        }
        if (sent.status() == 204) {
          completed++;
          refusedInARow = 0;
          if (sent.offsetAfter() != offset + length) {
            failures.add("PATCH from " + offset + " of " + length + " bytes answered Upload-Offset "
                + sent.offsetAfter());
          }
          offset = sent.offsetAfter();
          continue;
        }
        // Refused or failed: the cut PATCH may still hold the lease while media-edge stores its
        // tail (423), or it committed after our HEAD (409). Ask again, as a tus client does.
        refusedBytes += sent.handedOut();
        refusedSinceCut++;
        if (sent.status() == 423) {
          locked++;
        } else if (sent.status() == 409) {
          mismatched++;
        } else {
          otherErrors++;
        }
        if (++refusedInARow > MAX_REFUSALS) {
          throw new IllegalStateException(MAX_REFUSALS + " PATCHes in a row refused or failed, the last: "
              + (sent.status() < 0 ? sent.error() : "HTTP " + sent.status() + " " + sent.error()));
        }
        BenchRun.sleep(resumableOptions.retryDelay().toMillis());
        offset = tus.head(path);
      }
    } catch (Exception e) {
      out.put("error", e.toString()).put("offsetReached", offset);
      failures.add("resumable upload failed at offset " + offset + ": " + e);
      out.put("patches", patches).put("cuts", cuts).put("server", edge.end(phase))
          .put("failureEvidence", edge.failureEvidence());
      return;
    }
    long end = System.nanoTime();
    double secs = seconds(end - start);
    long finalOffsetByHead = tus.head(path);
    JsonObject server = edge.end(phase);
    addServerView(cuts, id);

    MediaClient direct = new MediaClient(edge, run, edge.base(), HttpClient.Version.HTTP_1_1, options.timeout());
    JsonObject media = direct.newestMedia();
    String clientSha = hash.hex();
    boolean idMatch = id.equals(media.getString("id"));
    boolean shaMatch = clientSha != null && clientSha.equals(media.getString("sha256"));
    boolean sizeMatch = media.getLong("size", -1L) == size;
    GeneratedBody lastBody = current.get();
    out.put("uploadId", id)
        .put("seconds", round(secs, 2))
        .put("MBps", BenchRun.mbps(size, secs))
        .put("MiBps", round(size / MIB / secs, 1))
        .put("lastByteToResponseSeconds", last == null || lastBody.lastByteNanos() == 0 ? null
            : round(seconds(last.endNanos() - lastBody.lastByteNanos()), 2))
        .put("patchRequests", patches.size())
        .put("patchesCompleted", completed)
        .put("cutsPlanned", cutAt.length)
        .put("cutsMade", cuts.size())
        .put("proxyResets", proxy.cuts())
        .put("refused423", locked)
        .put("refused409", mismatched)
        .put("otherFailures", otherErrors)
        .put("headRequests", tus.headRequests())
        .put("bytesHandedOut", handedOut)
        .put("bytesResent", handedOut - size)
        .put("bytesResentAfterCuts", handedOut - size - refusedBytes)
        .put("bytesIntoRefusedPatches", refusedBytes)
        .put("uploadOffsetByHeadAfter", finalOffsetByHead)
        .put("clientSha256", clientSha)
        .put("media", media)
        .put("idMatch", idMatch)
        .put("shaMatch", shaMatch)
        .put("sizeMatch", sizeMatch)
        .put("cuts", cuts)
        .put("patches", patches)
        .put("server", server);
    run.say(String.format(Locale.ROOT, "resumable upload: done in %.1f s = %.1f MB/s, %d PATCH requests, %,d bytes resent, "
        + "sha256 %s", secs, size / 1e6 / secs, patches.size(), handedOut - size, shaMatch ? "matches" : "DIFFERS"));
    if (!idMatch || !shaMatch || !sizeMatch) {
      failures.add("the newest media " + media.encode() + " is not the upload " + id + " of " + size
          + " bytes with sha256 " + clientSha);
    }
    if (cuts.size() != cutAt.length) {
      failures.add(cutAt.length + " cuts planned, " + cuts.size() + " made");
    }
    boolean downloadMatch = true;
    if (resumableOptions.download()) {
      run.say("downloading it back ...");
      ForkedEdge.Phase download = edge.begin("download-resumable");
      JsonObject downloaded = direct.download(id, clientSha, size, failures);
      out.put("download", downloaded).put("downloadServer", edge.end(download));
      downloadMatch = downloaded.getBoolean("shaMatch", false);
    }
    out.put("deleteStatus", direct.delete(id));
    out.put("success", idMatch && shaMatch && sizeMatch && downloadMatch && cuts.size() == cutAt.length
        && finalOffsetByHead == size);
  }

  /**
   * What media-edge logged for each cut PATCH ("PATCH of ID cut after N bytes; the upload is
   * durable to D"), in order: the bytes it received of that PATCH, and so the bytes that were still
   * in flight (the client's and the proxy's socket buffers) when the connection was reset.
   */
  private void addServerView(JsonArray cuts, String id) {
    Pattern line = Pattern.compile("PATCH of " + Pattern.quote(id) + " cut after (\\d+) bytes; the upload is durable to (\\d+)");
    List<Matcher> logged = edge.logLines(line.pattern()).stream().map(line::matcher).filter(Matcher::find).toList();
    for (int k = 0; k < Math.min(logged.size(), cuts.size()); k++) {
      JsonObject cut = cuts.getJsonObject(k);
      long received = Long.parseLong(logged.get(k).group(1));
      cut.put("mediaEdgeReceived", received)
          .put("mediaEdgeDurableTo", Long.parseLong(logged.get(k).group(2)))
          .put("bytesInFlightAtCut", cut.getLong("clientPositionAtCut") - cut.getLong("patchFrom") - received);
    }
  }
}
