package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.BenchFigures.seconds;
import static io.mediaedge.bench.BenchRun.MIB;

import io.mediaedge.it.MediaSamples;
import io.mediaedge.testing.CuttingProxy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.FilterInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resumable-upload benchmark: a generated 1.6 GB video goes through a media-edge JVM started
 * with {@code -Xmx64m} as a tus 1.0.0 upload in 90 MB PATCHes, while the connection is reset three
 * times; then, in the same media-edge, the same body goes up as one {@code POST /v1/media}, for the
 * throughput ratio.
 *
 * <p>media-edge runs over the dev stack (S3Mock, Cassandra, Kafka), each in its own JVM, and is
 * watched from outside ({@link ForkedEdge}). The client is the JDK HttpClient over HTTPS and
 * HTTP/1.1, through a loopback TCP proxy ({@link CuttingProxy}) that resets every connection (RST
 * both ways) the moment the client has handed the planned byte of the file to its HTTP client. After
 * each cut the client does what tus clients do: {@code HEAD} for the durable offset, then PATCHes
 * again from there; a {@code 423} (the cut PATCH still holds the upload's lease while media-edge
 * stores its tail) or {@code 409} is answered with another HEAD after a short wait. The body is
 * regenerated from any offset ({@link GeneratedBody#range}) and hashed so that every byte of the
 * file counts once ({@link FileSha256}), so the SHA-256 compared with the media's is the file's,
 * not the wire's.
 *
 * <p>Run it with {@code bench/resumable-upload.sh}; see {@code bench/README.md}.
 */
public final class ResumableUploadBench extends ForkedEdgeBench {
  private static final String TUS_VERSION = "1.0.0";
  private static final String OFFSET_STREAM = "application/offset+octet-stream";
  /** PATCHes in a row that may be refused or fail (not counting the planned cuts) before the run gives up. */
  private static final int MAX_REFUSALS = 20;
  private static final int MAX_HEADS = 10;

  private final ResumableOptions resumableOptions;
  private final AtomicReference<GeneratedBody> current = new AtomicReference<>();
  private SingleRequestUpload single;
  private int headRequests;

  private ResumableUploadBench(ResumableOptions options) {
    super("resumable-upload", options.common());
    this.resumableOptions = options;
    // What the suite folds in: this name and the "table" rows (see bench/README.md).
    result.put("scenario", "7 resumable").put("quick", options.quick());
  }

  public static void main(String[] args) {
    ResumableOptions options = parseOrExit("resumable-upload", args, ResumableOptions::parse, ResumableOptions.USAGE);
    if (options != null) {
      // ForkedJvm's shutdown hooks stop anything still running.
      System.exit(new ResumableUploadBench(options).run(args));
    }
  }

  @Override
  long clientPosition() {
    GeneratedBody body = single != null && single.currentBody() != null ? single.currentBody() : current.get();
    return body == null ? 0 : body.position();
  }

  @Override
  void measure() throws Exception {
    try (CuttingProxy proxy = new CuttingProxy("127.0.0.1", edge.httpsPort())) {
      URI viaProxy = URI.create("https://localhost:" + proxy.port());
      resumable(proxy, viaProxy);
      if (resumableOptions.single() && edge.isAlive()) {
        // Through the same proxy (never cut), so the ratio compares protocols, not the extra hop.
        single = new SingleRequestUpload(run, edge, options, failures);
        result.put("single", single.run("1.1", viaProxy, resumableOptions.download()));
      }
    }
  }

  @Override
  JsonObject setupFacts() {
    return new JsonObject()
        .put("patchBytes", resumableOptions.patchSize())
        .put("cutsPlannedAt", new JsonArray(Arrays.stream(resumableOptions.cutPositions()).boxed().toList()))
        .put("retryDelayMs", resumableOptions.retryDelay().toMillis())
        .put("protocol", "HTTPS, HTTP/1.1 (JDK HttpClient), through a loopback TCP proxy");
  }

  @Override
  boolean succeeded() {
    return result.getJsonObject("resumable", new JsonObject()).getBoolean("success", false)
        && (!resumableOptions.single() || result.getJsonObject("single", new JsonObject()).getBoolean("success", false));
  }

  @Override
  void afterStop() {
    result.put("comparison", comparison());
    result.put("table", suiteRows());
  }

  // ---------------------------------------------------------------------------------------------
  // The tus upload

  /** One PATCH request as the client saw it. */
  private record Sent(long from, long length, long startNanos, long endNanos, int status, long offsetAfter,
      long handedOut, long cutAtClientPosition, String error) {

    boolean cut() {
      return cutAtClientPosition >= 0;
    }

    JsonObject json() {
      double secs = seconds(endNanos - startNanos);
      return new JsonObject().put("from", from).put("length", length)
          .put("status", status < 0 ? null : status)
          .put("uploadOffsetAfter", offsetAfter < 0 ? null : offsetAfter)
          .put("bytesHandedOut", handedOut)
          .put("cutAtClientPosition", cut() ? cutAtClientPosition : null)
          .put("error", error)
          .put("seconds", round(secs, 2))
          .put("MBps", secs > 0 ? BenchRun.mbps(handedOut, secs) : null);
    }
  }

  private void resumable(CuttingProxy proxy, URI viaProxy) throws Exception {
    long size = options.size();
    MediaClient client = new MediaClient(edge, run, viaProxy, HttpClient.Version.HTTP_1_1, options.timeout());
    FileSha256 hash = new FileSha256(size);
    long[] cutAt = resumableOptions.cutPositions();
    JsonObject out = new JsonObject().put("success", false);
    result.put("resumable", out);
    run.say(String.format(Locale.ROOT, "resumable upload: %,d bytes in PATCHes of %,d bytes, %d cuts, via %s ...",
        size, resumableOptions.patchSize(), cutAt.length, viaProxy));

    ForkedEdge.Phase phase = edge.begin("resumable");
    ForkedEdge.Progress progress = edge.progress(size);
    long start = System.nanoTime();
    HttpResponse<String> created = client.http().send(client.request("/v1/uploads/")
        .header("Tus-Resumable", TUS_VERSION)
        .header("Upload-Length", Long.toString(size))
        .header("Upload-Metadata", "filename " + base64("bench.mp4") + ",filetype " + base64("video/mp4"))
        .POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
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
    Sent last = null;
    headRequests = 0;
    try {
      while (offset < size) {
        long length = Math.min(resumableOptions.patchSize(), size - offset);
        long plannedCut = nextCut < cutAt.length && cutAt[nextCut] > offset && cutAt[nextCut] <= offset + length
            ? cutAt[nextCut] : -1;
        Sent sent = patch(client, path, offset, length, hash, plannedCut, proxy, progress);
        last = sent;
        patches.add(sent.json());
        handedOut += sent.handedOut();
        boolean refused = !sent.cut() && sent.status() != 204;
        if (!refused && resuming != null) {
          resuming.put("resumedFrom", sent.from())
              .put("bytesToSendAgain", resuming.getLong("clientPositionAtCut") - sent.from())
              .put("secondsToResume", round(seconds(sent.startNanos() - cutNanos), 3))
              .put("refusedPatchesBeforeResume", refusedSinceCut)
              .put("headsBeforeResume", headRequests - headsAtCut);
          resuming = null;
        }
        if (sent.cut()) {
          nextCut++;
          cutNanos = sent.endNanos();
          refusedInARow = 0;
          refusedSinceCut = 0;
          headsAtCut = headRequests;
          long durable = head(client, path);
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
        offset = head(client, path);
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
    long finalOffsetByHead = head(client, path);
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
        .put("headRequests", headRequests)
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
   * One PATCH of {@code [from, from + length)}; when {@code cutAt} is in that range, every
   * connection through the proxy is reset the moment the client has handed byte {@code cutAt} to
   * its HTTP client.
   */
  private Sent patch(MediaClient client, String path, long from, long length, FileSha256 hash, long cutAt,
      CuttingProxy proxy, ForkedEdge.Progress progress) throws InterruptedException {
    GeneratedBody body = GeneratedBody.range(options.size(), options.seed(), MediaSamples.MP4_HEAD, from, from + length,
        hash);
    current.set(body);
    CuttingBody stream = new CuttingBody(body, cutAt, proxy);
    HttpRequest request = client.request(path)
        .header("Tus-Resumable", TUS_VERSION)
        .header("Upload-Offset", Long.toString(from))
        .header("Content-Type", OFFSET_STREAM)
        .method("PATCH", BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> stream), length))
        .build();
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> sent = client.http().sendAsync(request, BodyHandlers.ofString());
    int status = -1;
    long offsetAfter = -1;
    String error = null;
    try {
      while (true) {
        try {
          HttpResponse<String> response = sent.get(500, TimeUnit.MILLISECONDS);
          status = response.statusCode();
          offsetAfter = response.headers().firstValue("Upload-Offset").map(Long::parseLong).orElse(-1L);
          error = status == 204 ? null : BenchRun.truncate(response.body(), 300);
          break;
        } catch (TimeoutException notYet) {
          progress.report("resumable", body.position());
          edge.checkAlive(sent, "the resumable upload");
          if (System.nanoTime() - start > options.timeout().toNanos()) {
            sent.cancel(true);
            error = "no answer within " + options.timeout().toSeconds() + " s";
            break;
          }
        }
      }
    } catch (ExecutionException e) {
      error = String.valueOf(e.getCause());
    }
    return new Sent(from, length, start, System.nanoTime(), status, offsetAfter, body.position() - from,
        stream.firedAt(), error);
  }

  /** {@code HEAD}: the durable offset; tried a few times, as a cut may also catch a fresh connection. */
  private long head(MediaClient client, String path) throws InterruptedException {
    String lastProblem = null;
    for (int attempt = 1; attempt <= MAX_HEADS; attempt++) {
      headRequests++;
      try {
        HttpResponse<Void> r = client.http().send(client.request(path)
            .header("Tus-Resumable", TUS_VERSION)
            .timeout(Duration.ofSeconds(30))
            .method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return r.headers().firstValue("Upload-Offset").map(Long::parseLong)
              .orElseThrow(() -> new IllegalStateException("HEAD answered without Upload-Offset"));
        }
        lastProblem = "HTTP " + r.statusCode();
      } catch (IOException e) {
        lastProblem = e.toString();
      }
      BenchRun.sleep(resumableOptions.retryDelay().toMillis());
    }
    throw new IllegalStateException("HEAD " + path + " failed " + MAX_HEADS + " times, the last: " + lastProblem);
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

  /** Resets every connection through the proxy once the body has handed out the byte at {@code cutAt}. */
  private static final class CuttingBody extends FilterInputStream {
    private final GeneratedBody body;
    private final long cutAt;
    private final CuttingProxy proxy;
    private volatile long firedAt = -1;

    CuttingBody(GeneratedBody body, long cutAt, CuttingProxy proxy) {
      super(body);
      this.body = body;
      this.cutAt = cutAt;
      this.proxy = proxy;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = body.read(b, off, len);
      if (n > 0 && cutAt >= 0 && firedAt < 0 && body.position() >= cutAt) {
        firedAt = body.position();
        proxy.cutAllNow();
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    /** The client's position in the file when the cut was made, or -1. */
    long firedAt() {
      return firedAt;
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------------------------------------
  // Comparison and table

  private JsonObject comparison() {
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
  private JsonArray suiteRows() {
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
    rows.add(suiteRow("tus (resumable)", tus, tus, tusOnly, tus.getJsonObject("server"),
        tus.getJsonObject("download")));
    JsonObject single = result.getJsonObject("single");
    if (single != null) {
      rows.add(suiteRow("single request", single, single.getJsonObject("upload", new JsonObject()), new JsonObject(),
          single.getJsonObject("uploadServer"), single.getJsonObject("download")));
    }
    return rows;
  }

  private JsonObject suiteRow(String variant, JsonObject outcome, JsonObject upload, JsonObject variantFigures,
      JsonObject server, JsonObject download) {
    JsonObject memory = server == null ? new JsonObject() : server;
    return new JsonObject().put("system", "media-edge").put("variant", variant)
        .put("success", outcome.getBoolean("success", false))
        .put("sizeMB", round(options.size() / 1e6, 1))
        .put("MBps", upload.getValue("MBps"))
        .put("seconds", upload.getValue("seconds"))
        .mergeIn(variantFigures)
        .put("peakHeapMiB", memory.getValue("peakHeapUsedMiB"))
        .put("maxHeapAfterGcMiB", memory.getValue("maxHeapAfterGcMiB"))
        .put("peakRssMiB", memory.getValue("peakRssMiB"))
        .put("shaMatch", upload.getValue("shaMatch"))
        .put("downloadShaMatch", download == null ? null : download.getValue("shaMatch"));
  }

  @Override
  String title() {
    return String.format(Locale.ROOT, "media-edge resumable upload: %,d bytes in PATCHes of %,d, %d cuts",
        options.size(), resumableOptions.patchSize(), resumableOptions.cuts());
  }

  @Override
  void tableBody(StringBuilder t) {
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
