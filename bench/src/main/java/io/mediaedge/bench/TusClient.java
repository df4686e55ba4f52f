package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.BenchFigures.seconds;

import io.mediaedge.it.MediaSamples;
import io.mediaedge.testing.CuttingProxy;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The tus 1.0.0 requests of the resumable-upload benchmark, through {@link MediaClient}: the
 * creation, one {@code PATCH} of a piece of the generated file (cut through the proxy when asked),
 * and {@code HEAD} for the durable offset. The body of each PATCH is regenerated from its offset
 * ({@link GeneratedBody#range}) and hashed so that every byte of the file counts once.
 */
final class TusClient {
  private static final String TUS_VERSION = "1.0.0";
  private static final String OFFSET_STREAM = "application/offset+octet-stream";
  private static final int MAX_HEADS = 10;

  private final MediaClient client;
  private final ForkedEdge edge;
  private final BenchOptions options;
  private final Duration retryDelay;
  private final AtomicReference<GeneratedBody> current;
  private int headRequests;

  /** {@code current} is set to each PATCH's body as it is sent (for the sampler's client position). */
  TusClient(MediaClient client, ForkedEdge edge, BenchOptions options, Duration retryDelay,
      AtomicReference<GeneratedBody> current) {
    this.client = client;
    this.edge = edge;
    this.options = options;
    this.retryDelay = retryDelay;
    this.current = current;
  }

  /** One PATCH request as the client saw it. */
  record Sent(long from, long length, long startNanos, long endNanos, int status, long offsetAfter,
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

  /** {@code POST /v1/uploads/}: a tus upload of {@code size} bytes of video/mp4. */
  HttpResponse<String> create(long size) throws IOException, InterruptedException {
    return client.http().send(client.request("/v1/uploads/")
        .header("Tus-Resumable", TUS_VERSION)
        .header("Upload-Length", Long.toString(size))
        .header("Upload-Metadata", "filename " + base64("bench.mp4") + ",filetype " + base64("video/mp4"))
        .POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
  }

  /**
   * One PATCH of {@code [from, from + length)}; when {@code cutAt} is in that range, every
   * connection through the proxy is reset the moment the client has handed byte {@code cutAt} to
   * its HTTP client.
   */
  Sent patch(String path, long from, long length, FileSha256 hash, long cutAt, CuttingProxy proxy,
      TransferProgress progress) throws InterruptedException {
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
  long head(String path) throws InterruptedException {
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
      BenchRun.sleep(retryDelay.toMillis());
    }
    throw new IllegalStateException("HEAD " + path + " failed " + MAX_HEADS + " times, the last: " + lastProblem);
  }

  /** HEAD requests sent so far, retries included. */
  int headRequests() {
    return headRequests;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
