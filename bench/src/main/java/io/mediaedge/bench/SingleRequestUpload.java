package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.BenchFigures.seconds;
import static io.mediaedge.bench.BenchRun.MIB;

import io.mediaedge.it.MediaSamples;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The single-request upload of the generated body through the forked media-edge: one
 * {@code POST /v1/media} with {@code Content-Type: video/mp4} and a known {@code Content-Length},
 * the body made and hashed as the client sends it. The 201's {@code sha256} and {@code size} are
 * compared with the client's; then the media is downloaded and hashed again (when asked), and
 * deleted. Each transfer is a phase of {@link ForkedEdge}, so it has its own memory, GC and CPU
 * figures.
 */
final class SingleRequestUpload {
  private final BenchRun run;
  private final ForkedEdge edge;
  private final BenchOptions options;
  private final List<String> failures;
  private final AtomicReference<GeneratedBody> currentBody = new AtomicReference<>();
  private final AtomicInteger bodyOpens = new AtomicInteger();

  SingleRequestUpload(BenchRun run, ForkedEdge edge, BenchOptions options, List<String> failures) {
    this.run = run;
    this.edge = edge;
    this.options = options;
    this.failures = failures;
  }

  /** The body being sent (or last sent), or null. */
  GeneratedBody currentBody() {
    return currentBody.get();
  }

  /** A fresh body, the next one the client (or another sender) reads. */
  InputStream openBody() {
    GeneratedBody body = new GeneratedBody(options.size(), options.seed(), MediaSamples.MP4_HEAD);
    bodyOpens.incrementAndGet();
    currentBody.set(body);
    return body;
  }

  /**
   * Upload, check, download (when {@code downloadBack}), delete over HTTP/{@code protocol} ("1.1"
   * or "2") to {@code base} (media-edge, or a proxy in front of it); the phases are named after the
   * protocol.
   */
  JsonObject run(String protocol, URI base, boolean downloadBack) throws InterruptedException {
    String tag = "http" + protocol;
    HttpClient.Version version = protocol.equals("2") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
    MediaClient client = new MediaClient(edge, run, base, version, options.timeout());
    JsonObject result = new JsonObject().put("protocol", "HTTP/" + protocol).put("success", false);

    String uploadPhase = "upload-" + tag;
    run.say(String.format(Locale.ROOT, "single-request upload: %,d bytes over HTTP/%s ...", options.size(), protocol));
    ForkedEdge.Phase phase = edge.begin(uploadPhase);
    bodyOpens.set(0);
    HttpRequest request = client.request("/v1/media")
        .header("Content-Type", "video/mp4")
        .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(this::openBody), options.size()))
        .build();
    long start = System.nanoTime();
    HttpResponse<String> response;
    JsonObject nmt = null;
    try {
      CompletableFuture<HttpResponse<String>> sent = client.http().sendAsync(request, BodyHandlers.ofString());
      TransferProgress progress = edge.progress(options.size());
      while (true) {
        try {
          response = sent.get(500, TimeUnit.MILLISECONDS);
          break;
        } catch (TimeoutException notYet) {
          GeneratedBody body = currentBody.get();
          long position = body == null ? 0 : body.position();
          if (options.nmt() && nmt == null && position >= options.size() / 2) {
            nmt = edge.nativeMemory("mid-" + uploadPhase);
          }
          progress.report("upload", position);
          edge.checkAlive(sent, "the upload");
          if (System.nanoTime() - start > options.timeout().toNanos()) {
            sent.cancel(true);
            throw new TimeoutException("the upload took longer than " + options.timeout().toSeconds() + " s");
          }
        }
      }
    } catch (ExecutionException | TimeoutException | IllegalStateException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      JsonObject memory = edge.end(phase);
      result.put("upload", new JsonObject().put("error", String.valueOf(cause))
          .put("bytesSent", currentBody.get() == null ? 0 : currentBody.get().position())
          .put("seconds", round(seconds(System.nanoTime() - start), 2)))
          .put("uploadServer", memory);
      failures.add("upload over HTTP/" + protocol + " failed: " + cause);
      result.put("failureEvidence", edge.failureEvidence());
      return result;
    }
    long end = System.nanoTime();
    GeneratedBody body = currentBody.get();
    JsonObject serverMemory = edge.end(phase);
    if (nmt != null) {
      serverMemory.put("nativeMemoryMidUpload", nmt);
    }
    double uploadSeconds = seconds(end - start);
    // Sending (first byte read by the HTTP client to last byte) versus the wait after it, which
    // is the server finishing with S3 (last part, CompleteMultipartUpload, tagging) and Cassandra.
    double streamSeconds = body.firstReadNanos() == 0 || body.lastByteNanos() == 0 ? -1
        : seconds(body.lastByteNanos() - body.firstReadNanos());
    JsonObject upload = new JsonObject()
        .put("status", response.statusCode())
        .put("httpVersion", response.version() == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1")
        .put("bytes", body.position())
        .put("seconds", round(uploadSeconds, 2))
        .put("MBps", BenchRun.mbps(options.size(), uploadSeconds))
        .put("MiBps", round(options.size() / MIB / uploadSeconds, 1))
        .put("streamSeconds", streamSeconds < 0 ? null : round(streamSeconds, 2))
        .put("streamMBps", streamSeconds <= 0 ? null : BenchRun.mbps(options.size(), streamSeconds))
        .put("lastByteToResponseSeconds", body.lastByteNanos() == 0 ? null
            : round(seconds(end - body.lastByteNanos()), 2))
        .put("clientSha256", body.sha256Hex())
        .put("bodyOpenedTimes", bodyOpens.get());
    result.put("upload", upload).put("uploadServer", serverMemory);
    if (response.statusCode() != 201) {
      upload.put("responseBody", BenchRun.truncate(response.body(), 2000));
      failures.add("upload over HTTP/" + protocol + " answered " + response.statusCode() + ": "
          + BenchRun.truncate(response.body(), 300));
      result.put("failureEvidence", edge.failureEvidence());
      return result;
    }
    JsonObject media = new JsonObject(response.body());
    String id = media.getString("id");
    boolean shaMatch = body.sha256Hex() != null && body.sha256Hex().equals(media.getString("sha256"));
    boolean sizeMatch = media.getLong("size", -1L) == options.size();
    upload.put("id", id).put("serverSha256", media.getString("sha256"))
        .put("serverSize", media.getLong("size")).put("shaMatch", shaMatch).put("sizeMatch", sizeMatch);
    if (!shaMatch || !sizeMatch) {
      failures.add("upload over HTTP/" + protocol + ": the server's sha256/size " + media.getString("sha256")
          + "/" + media.getLong("size") + " differ from the client's " + body.sha256Hex() + "/" + options.size());
    }
    run.say(String.format(Locale.ROOT, "single-request upload: %d in %.1f s = %.1f MB/s, sha256 %s",
        response.statusCode(), uploadSeconds, options.size() / 1e6 / uploadSeconds, shaMatch ? "matches" : "DIFFERS"));

    boolean downloadMatch = true;
    if (downloadBack) {
      run.say("downloading it back ...");
      ForkedEdge.Phase download = edge.begin("download-" + tag);
      JsonObject downloaded = client.download(id, body.sha256Hex(), options.size(), failures);
      result.put("download", downloaded).put("downloadServer", edge.end(download));
      downloadMatch = downloaded.getBoolean("shaMatch", false);
    }
    result.put("deleteStatus", client.delete(id));
    result.put("success", shaMatch && sizeMatch && downloadMatch);
    return result;
  }
}
