package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.BenchFigures.seconds;
import static io.mediaedge.bench.BenchRun.MIB;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * The benchmark user's requests to media-edge over HTTPS: any request with the bearer token, and
 * the media API calls that check an upload (the newest media's JSON, a download hashed on the way,
 * the deletion).
 */
final class MediaClient {

  /** The catalog code of a JSON error body ("" when the body is not one). */
  static String errorCode(String body) {
    if (body == null || !body.startsWith("{")) {
      return "";
    }
    try {
      return new JsonObject(body).getString("error", "");
    } catch (RuntimeException notJson) {
      return "";
    }
  }
  private final ForkedEdge edge;
  private final BenchRun run;
  private final URI base;
  private final HttpClient http;
  private final Duration timeout;

  /** Requests go to {@code base}: media-edge itself, or a proxy in front of it. */
  MediaClient(ForkedEdge edge, BenchRun run, URI base, HttpClient.Version version, Duration timeout) {
    this.edge = edge;
    this.run = run;
    this.base = base;
    this.http = edge.client(version);
    this.timeout = timeout;
  }

  HttpClient http() {
    return http;
  }

  /** A request to {@code path} with the user's token and the transfer timeout. */
  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .header("Authorization", "Bearer " + edge.token())
        .timeout(timeout);
  }

  /** The user's newest media as {@code GET /v1/media?limit=1} lists it, or an object with "error". */
  JsonObject newestMedia() {
    try {
      HttpResponse<String> r = http.send(request("/v1/media?limit=1").GET().build(), BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return new JsonObject().put("error", "HTTP " + r.statusCode() + " " + BenchRun.truncate(r.body(), 300));
      }
      JsonArray items = new JsonObject(r.body()).getJsonArray("items", new JsonArray());
      return items.isEmpty() ? new JsonObject().put("error", "no media listed") : items.getJsonObject(0);
    } catch (IOException e) {
      return new JsonObject().put("error", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new JsonObject().put("error", "interrupted");
    }
  }

  /**
   * {@code GET /v1/media/{id}}, hashed as it arrives and compared with {@code expectedSha} and
   * {@code size}; a mismatch or failure is added to {@code failures}.
   */
  JsonObject download(String id, String expectedSha, long size, List<String> failures) {
    JsonObject download = new JsonObject();
    long start = System.nanoTime();
    long[] read = {0};
    try {
      HttpResponse<InputStream> response = http.send(request("/v1/media/" + id).GET().build(),
          BodyHandlers.ofInputStream());
      download.put("status", response.statusCode())
          .put("httpVersion", response.version() == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1");
      TransferProgress progress = edge.progress(size);
      Hashed hashed = hash(response.body(), n -> {
        read[0] = n;
        progress.report("download", n);
      });
      long count = hashed.bytes();
      double secs = seconds(System.nanoTime() - start);
      String got = hashed.sha256();
      boolean match = response.statusCode() == 200 && count == size && got.equals(expectedSha);
      download.put("bytes", count).put("seconds", round(secs, 2))
          .put("MBps", BenchRun.mbps(count, secs)).put("MiBps", round(count / MIB / secs, 1))
          .put("sha256", got).put("shaMatch", match);
      run.say(String.format(Locale.ROOT, "download: %d, %,d bytes in %.1f s = %.1f MB/s, sha256 %s",
          response.statusCode(), count, secs, count / 1e6 / secs, match ? "matches" : "DIFFERS"));
      if (!match) {
        failures.add("download of " + id + ": status " + response.statusCode() + ", " + count + " bytes, sha256 "
            + got + " (expected " + expectedSha + ")");
      }
    } catch (Exception e) {
      download.put("error", e.toString()).put("bytes", read[0]).put("shaMatch", false);
      failures.add("download of " + id + " failed after " + read[0] + " bytes: " + e);
    }
    return download;
  }

  /** What a body hashed while it was read gave: its length and its SHA-256 (hex). */
  record Hashed(long bytes, String sha256) {}

  /** Reads {@code body} to its end and closes it, hashing it; {@code progress} sees the bytes read so far. */
  static Hashed hash(InputStream body, LongConsumer progress) throws IOException, NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long count = 0;
    byte[] buffer = new byte[GeneratedBody.BLOCK];
    try (InputStream in = body) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        sha.update(buffer, 0, n);
        count += n;
        progress.accept(count);
      }
    }
    return new Hashed(count, HexFormat.of().formatHex(sha.digest()));
  }

  /** {@code DELETE /v1/media/{id}}: the status, or the failure's text. */
  Object delete(String id) {
    try {
      return http.send(request("/v1/media/" + id).timeout(Duration.ofMinutes(2)).DELETE().build(),
          BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
