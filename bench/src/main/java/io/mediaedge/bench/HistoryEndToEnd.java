package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.BenchFigures.seconds;
import static io.mediaedge.bench.HistoryLatencyBench.CONTENT_TYPE;

import io.mediaedge.EdgeServer;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.it.EdgeClient;
import io.mediaedge.it.MediaSamples;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Whole small uploads, so the Cassandra share of an upload's latency is visible: {@code POST
 * /v1/media} over HTTPS with the JDK HttpClient, one at a time, from send() to the whole 201.
 */
final class HistoryEndToEnd {
  private HistoryEndToEnd() {}

  /**
   * The warm-up uploads to {@code server}, then the recorded ones; their latency, throughput and
   * CPU per upload. Failed recorded uploads are added to {@code failures}.
   */
  static JsonObject run(HistoryLatencyOptions options, EdgeServer server, DevStack dev, List<String> failures,
      Consumer<String> console) throws Exception {
    HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(EdgeClient.trusting(dev.tls().caCert()))
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    URI uri = URI.create("https://localhost:" + server.httpsPort() + "/v1/media");
    byte[] body = new byte[(int) options.uploadSize()];
    new Random(42).nextBytes(body);
    System.arraycopy(MediaSamples.JPEG_HEAD, 0, body, 0, MediaSamples.JPEG_HEAD.length);
    Map<String, String> tokens = new LinkedHashMap<>();

    console.accept(String.format(Locale.ROOT,
        "end-to-end: %d warm-up uploads, then %d recorded, %d bytes each, one at a time ...",
        options.uploadWarmup(), options.uploads(), body.length));
    Histogram latency = new Histogram(3);
    long failed = 0;
    String firstFailure = null;
    long start = 0;
    HistoryCpuMark cpu = null;
    for (int i = 0; i < options.uploadWarmup() + options.uploads(); i++) {
      boolean recorded = i >= options.uploadWarmup();
      if (i == options.uploadWarmup()) {
        start = System.nanoTime();
        cpu = new HistoryCpuMark(dev);
      }
      String owner = HistoryStoreRounds.owner(i % options.users());
      String token = tokens.computeIfAbsent(owner, o -> dev.token(o, Duration.ofHours(1)));
      // a different body each time (the bytes after the JPEG head carry the counter)
      for (int b = 0; b < 8; b++) {
        body[MediaSamples.JPEG_HEAD.length + b] = (byte) (i >>> (8 * b));
      }
      HttpRequest request = HttpRequest.newBuilder(uri)
          .timeout(Duration.ofSeconds(60))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", CONTENT_TYPE)
          .POST(BodyPublishers.ofByteArray(body))
          .build();
      long t = System.nanoTime();
      String problem;
      try {
        HttpResponse<String> response = client.send(request, BodyHandlers.ofString());
        long elapsed = System.nanoTime() - t;
        problem = response.statusCode() == 201 ? null
            : "HTTP " + response.statusCode() + " " + BenchRun.truncate(response.body(), 300);
        if (problem == null && recorded) {
          latency.recordValue(elapsed);
        }
      } catch (IOException e) {
        problem = e.toString();
      }
      if (problem != null && recorded) {
        failed++;
        firstFailure = firstFailure == null ? problem : firstFailure;
      } else if (problem != null) {
        throw new IllegalStateException("end-to-end warm-up upload failed: " + problem);
      }
    }
    double wall = seconds(System.nanoTime() - start);
    if (failed > 0) {
      failures.add("end-to-end: " + failed + " of " + options.uploads() + " uploads failed, first: " + firstFailure);
    }
    JsonObject p = HistoryLatencyReport.percentiles(latency);
    console.accept(String.format(Locale.ROOT, "end-to-end: p50 %.3f ms, p99 %.3f ms, %.0f uploads/s", p.getDouble("p50"),
        p.getDouble("p99"), options.uploads() / wall));
    return new JsonObject()
        .put("request", "POST /v1/media, HTTPS, HTTP/1.1 (JDK HttpClient, one kept-alive connection), "
            + CONTENT_TYPE + " with Content-Length; from send() to the whole 201 response")
        .put("bodyBytes", body.length)
        .put("uploads", options.uploads())
        .put("failures", failed)
        .put("firstFailure", firstFailure)
        .put("seconds", round(wall, 2))
        .put("uploadsPerSecond", round(options.uploads() / wall, 1))
        .put("cpuMsPerUpload", cpu == null ? null : cpu.perOperation(options.uploads()))
        .put("latencyMs", p);
  }
}
