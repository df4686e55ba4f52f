package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.BenchFigures.seconds;
import static io.mediaedge.bench.BenchRun.MIB;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Locale;

/**
 * The large-upload benchmark: a generated body of 1.6 GB (by default) goes through a media-edge
 * JVM started with {@code -Xmx64m} into a real S3-compatible server, and comes back.
 *
 * <p>Everything runs on loopback in separate JVMs: the dev stack media-edge needs (S3Mock,
 * Cassandra, Kafka, as in dev mode and the integration tests), media-edge through its production
 * entry point {@code io.mediaedge.Main} ({@link ForkedEdge}), and this client. The body is made on
 * the fly from a seeded generator and hashed while it is sent, so neither side of the benchmark
 * ever holds it ({@link SingleRequestUpload}). While it runs, the media-edge JVM is sampled from
 * outside (jstat for the heap, /proc for resident memory) and its GC log is kept; the result
 * (success, SHA-256 match both ways, throughput, peak heap, peak RSS, GC, CPU) is printed as a
 * table and written as JSON to {@code bench/results/large-upload-<UTC time>.json}.
 *
 * <p>Run it with {@code bench/large-upload.sh}; see {@code bench/README.md}.
 */
public final class LargeUploadBench extends ForkedEdgeBench {
  private final JsonArray runs = new JsonArray();
  private SingleRequestUpload single;

  private LargeUploadBench(BenchOptions options) {
    super("large-upload", options);
    result.put("runs", runs);
  }

  public static void main(String[] args) {
    BenchOptions options = parseOrExit("large-upload", args, BenchOptions::parse, BenchOptions.USAGE);
    if (options != null) {
      // ForkedJvm's shutdown hooks stop anything still running.
      System.exit(new LargeUploadBench(options).run(args));
    }
  }

  @Override
  long clientPosition() {
    GeneratedBody body = single == null ? null : single.currentBody();
    return body == null ? 0 : body.position();
  }

  @Override
  void measure() {
    single = new SingleRequestUpload(run, edge, options, failures);
    for (String protocol : options.protocols()) {
      try {
        runs.add(single.run(protocol, edge.base(), true));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failures.add("interrupted");
        return;
      }
      if (!edge.isAlive()) {
        return;
      }
    }
    if (options.baseline()) {
      result.put("directS3", directS3());
    }
  }

  @Override
  JsonObject setupFacts() {
    return new JsonObject()
        .put("protocols", new JsonArray(options.protocols().stream().map(p -> "HTTP/" + p).toList()));
  }

  @Override
  boolean succeeded() {
    return !runs.isEmpty() && runs.stream().allMatch(r -> ((JsonObject) r).getBoolean("success", false));
  }

  // ---------------------------------------------------------------------------------------------
  // Direct-to-S3 baseline: the same body, plain HTTP/1.1 straight to S3Mock (no TLS, no media-edge)

  private JsonObject directS3() {
    JsonObject out = new JsonObject();
    String key = "bench/baseline-" + System.currentTimeMillis();
    URI object = edge.stack().s3().endpoint().resolve("/" + edge.stack().s3().bucket() + "/" + key);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    run.say("baseline: PUT straight to S3 (plain HTTP) ...");
    ForkedEdge.Phase put = edge.begin("s3-put");
    try {
      long start = System.nanoTime();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(object)
          .header("Content-Type", "video/mp4").timeout(options.timeout())
          .PUT(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(single::openBody), options.size()))
          .build(), BodyHandlers.ofString());
      double secs = seconds(System.nanoTime() - start);
      out.put("put", new JsonObject().put("status", r.statusCode()).put("seconds", round(secs, 2))
          .put("MBps", BenchRun.mbps(options.size(), secs)).put("MiBps", round(options.size() / MIB / secs, 1)));
      run.say(String.format(Locale.ROOT, "baseline PUT: %d in %.1f s = %.1f MB/s", r.statusCode(), secs,
          options.size() / 1e6 / secs));
    } catch (Exception e) {
      out.put("put", new JsonObject().put("error", e.toString()));
    }
    out.getJsonObject("put").put("cpuSeconds", edge.end(put).getJsonObject("cpuSeconds"));
    run.say("baseline: GET straight from S3 ...");
    ForkedEdge.Phase get = edge.begin("s3-get");
    try {
      long start = System.nanoTime();
      HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(object).timeout(options.timeout()).GET()
          .build(), BodyHandlers.ofInputStream());
      MediaClient.Hashed got = MediaClient.hash(r.body(), n -> { });
      long count = got.bytes();
      double secs = seconds(System.nanoTime() - start);
      GeneratedBody sent = single.currentBody();
      out.put("get", new JsonObject().put("status", r.statusCode()).put("bytes", count)
          .put("seconds", round(secs, 2)).put("MBps", BenchRun.mbps(count, secs))
          .put("MiBps", round(count / MIB / secs, 1))
          .put("shaMatch", sent != null && got.sha256().equals(sent.sha256Hex())));
      run.say(String.format(Locale.ROOT, "baseline GET: %d in %.1f s = %.1f MB/s", r.statusCode(), secs,
          count / 1e6 / secs));
    } catch (Exception e) {
      out.put("get", new JsonObject().put("error", e.toString()));
    }
    out.getJsonObject("get").put("cpuSeconds", edge.end(get).getJsonObject("cpuSeconds"));
    try {
      out.put("deleteStatus", client.send(HttpRequest.newBuilder(object).DELETE().build(),
          BodyHandlers.discarding()).statusCode());
    } catch (Exception e) {
      out.put("deleteStatus", e.toString());
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Table

  @Override
  String title() {
    return String.format(Locale.ROOT, "media-edge large upload: %,d bytes", options.size());
  }

  @Override
  void tableBody(StringBuilder t) {
    String row = "%-28s %-16s %-16s%n";
    for (Object o : result.getJsonArray("runs", new JsonArray())) {
      JsonObject run = (JsonObject) o;
      JsonObject up = run.getJsonObject("upload", new JsonObject());
      JsonObject down = run.getJsonObject("download", new JsonObject());
      JsonObject us = run.getJsonObject("uploadServer", new JsonObject());
      JsonObject ds = run.getJsonObject("downloadServer", new JsonObject());
      t.append(String.format(Locale.ROOT, "%n--- %s: %s%n", run.getString("protocol"),
          run.getBoolean("success") ? "SUCCESS" : "FAILED"));
      t.append(String.format(Locale.ROOT, row, "", "upload", "download"));
      t.append(String.format(Locale.ROOT, row, "HTTP status", up.getValue("status", up.getString("error", "-")),
          down.getValue("status", "-")));
      t.append(String.format(Locale.ROOT, row, "SHA-256 matches", yesNo(up.getBoolean("shaMatch")),
          yesNo(down.getBoolean("shaMatch"))));
      t.append(String.format(Locale.ROOT, row, "seconds", up.getValue("seconds", "-"), down.getValue("seconds", "-")));
      t.append(String.format(Locale.ROOT, row, "MB/s (MiB/s)", up.getValue("MBps", "-") + " (" + up.getValue("MiBps", "-") + ")",
          down.getValue("MBps", "-") + " (" + down.getValue("MiBps", "-") + ")"));
      t.append(String.format(Locale.ROOT, row, "  sending s (MB/s)",
          up.getValue("streamSeconds", "-") + " (" + up.getValue("streamMBps", "-") + ")", ""));
      t.append(String.format(Locale.ROOT, row, "  last byte -> 201 s", up.getValue("lastByteToResponseSeconds", "-"), ""));
      phaseRows(t, row, us, ds);
      JsonObject nmt = us.getJsonObject("nativeMemoryMidUpload");
      if (nmt != null) {
        t.append("  native memory mid-upload (NMT committed MiB): ").append(nmt.getValue("totalCommittedMiB"))
            .append(" total, RSS ").append(nmt.getJsonObject("rssMiBAtSnapshot").encode()).append(' ')
            .append(nmt.getJsonObject("committedMiB").encode()).append('\n');
      }
    }
    JsonObject direct = result.getJsonObject("directS3");
    if (direct != null) {
      JsonObject put = direct.getJsonObject("put", new JsonObject());
      JsonObject get = direct.getJsonObject("get", new JsonObject());
      t.append(String.format(Locale.ROOT, "%ndirect to S3, plain HTTP: PUT %s MB/s, GET %s MB/s%n",
          put.getValue("MBps", put.getString("error")), get.getValue("MBps", get.getString("error"))));
    }
  }
}
