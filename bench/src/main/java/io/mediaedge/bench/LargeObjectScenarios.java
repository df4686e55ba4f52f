package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.SuiteBench.DIRECT;
import static io.mediaedge.bench.SuiteBench.EDGE;

import io.mediaedge.it.MediaSamples;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The suite's scenarios of one large object: 1 uploads it to every system (media-edge keeps the
 * last cleartext one), 5 downloads it, whole and in random ranges.
 */
final class LargeObjectScenarios extends SuiteScenario {
  private static final String LARGE_KEY = "bench/large";
  private static final int RANGE = 1 << 20;

  /** The large object as media-edge stored it in scenario 1, for scenario 5. */
  private String largeMediaId;

  LargeObjectScenarios(SuiteOptions options, SuiteStack stack, List<String> failures, Consumer<String> console) {
    super(options, stack, failures, console);
  }

  /** Scenario 1: the large upload to every system, cleartext and HTTPS, after an uncounted warm-up. */
  JsonObject largeUploads() throws Exception {
    long size = options.largeSize();
    JsonArray runs = new JsonArray();
    // One uncounted transfer per system and protocol first: JIT, connection pools, S3 buckets.
    say("[1] warm-up: 64 MiB to each system, not counted ...");
    for (Transport transport : Transport.values()) {
      for (String system : stack.systems(transport.withDirect())) {
        largeUpload(system, transport, false, Math.min(size, 64L << 20));
      }
    }
    for (Transport transport : Transport.values()) {
      List<String> systems = stack.systems(transport.withDirect());
      for (int rep = 0; rep < options.repetitions(); rep++) {
        for (String system : SuiteRounds.rotated(systems, rep)) {
          say(String.format(Locale.ROOT, "[1] upload %,d bytes to %s over %s (round %d) ...", size, system,
              transport.label(), rep + 1));
          JsonObject run = largeUpload(system, transport,
              rep == options.repetitions() - 1 && transport == Transport.CLEARTEXT, size);
          run.put("round", rep + 1);
          runs.add(run);
          say("    " + run.getValue("MBps", run.getString("error")) + " MB/s, status " + run.getValue("status"));
        }
      }
    }
    return new JsonObject().put("sizeBytes", size).put("runs", runs)
        .put("note", "HTTP/1.1 cleartext and over TLS, then HTTP/2 over TLS (ALPN; media-edge and nginx only); "
            + "media-edge: POST /v1/media (JWT, SHA-256, history, event); nginx and direct: "
            + "S3 PUT of the same bytes; S3Mock has no TLS listener here, so direct is always cleartext");
  }

  /** How a transfer travels: the HTTP/1.1 rows, then HTTP/2 (over TLS, as browsers and apps speak it). */
  enum Transport {
    CLEARTEXT(false, false, "cleartext"), HTTPS(true, false, "HTTPS"), HTTP2(true, true, "HTTP/2 over TLS");

    final boolean tls;
    final boolean http2;
    private final String label;

    Transport(boolean tls, boolean http2, String label) {
      this.tls = tls;
      this.http2 = http2;
      this.label = label;
    }

    /** S3Mock listens in cleartext HTTP/1.1 only: direct S3 has a cleartext row alone. */
    boolean withDirect() {
      return this == CLEARTEXT;
    }

    String label() {
      return label;
    }

    HttpClient client(SuiteStack stack) {
      return stack.client(http2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
    }

    /** Marks a run's JSON: "tls" as before, "http2" only for the HTTP/2 rows. */
    JsonObject mark(JsonObject run) {
      run.put("tls", tls);
      if (http2) {
        run.put("http2", true);
      }
      return run;
    }
  }

  private JsonObject largeUpload(String system, Transport transport, boolean keep, long size) {
    boolean tls = transport.tls;
    HttpClient client = transport.client(stack);
    HttpRequest.Builder request = HttpRequest.newBuilder(stack.target(system, tls, LARGE_KEY))
        .timeout(Duration.ofMinutes(30)).header("Content-Type", "video/mp4");
    if (system.equals(EDGE)) {
      request.header("Authorization", "Bearer " + stack.dev().token("bench-large", Duration.ofHours(6)));
    }
    GeneratedBody[] sent = new GeneratedBody[1];
    var body = BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> {
      sent[0] = new GeneratedBody(size, options.seed(), MediaSamples.MP4_HEAD);
      return sent[0];
    }), size);
    request = system.equals(EDGE) ? request.POST(body) : request.PUT(body);
    JsonObject run = transport.mark(new JsonObject().put("system", system));
    SuiteCpuMark cpu = stack.cpuMark();
    long start = System.nanoTime();
    try {
      HttpResponse<String> response = client.send(request.build(), BodyHandlers.ofString());
      double seconds = (System.nanoTime() - start) / 1e9;
      run.put("httpVersion", response.version() == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1");
      run.put("status", response.statusCode()).put("seconds", round(seconds, 2))
          .put("MBps", round(size / 1e6 / seconds, 1)).put("cpuSeconds", cpu.since());
      GeneratedBody b = sent[0];
      if (b != null && b.firstReadNanos() > 0 && b.lastByteNanos() > b.firstReadNanos()) {
        // Sending versus the wait after the last byte (for media-edge: the last part, and S3Mock
        // assembling the parts on CompleteMultipartUpload, which real S3 does not do byte by byte).
        run.put("sendMBps", round(size / 1e6 / ((b.lastByteNanos() - b.firstReadNanos()) / 1e9), 1))
            .put("lastByteToResponseSeconds", round((System.nanoTime() - b.lastByteNanos()) / 1e9, 2));
      }
      boolean ok = system.equals(EDGE) ? response.statusCode() == 201 : response.statusCode() == 200;
      if (!ok) {
        run.put("error", "HTTP " + response.statusCode() + " " + BenchRun.truncate(response.body(), 500));
        failures.add("large upload to " + system + ": HTTP " + response.statusCode());
      } else if (system.equals(EDGE)) {
        String id = new JsonObject(response.body()).getString("id");
        if (keep) {
          largeMediaId = id;
        } else {
          stack.deleteEdgeMedia(client, id, "bench-large");
        }
      }
    } catch (Exception e) {
      run.put("error", e.toString());
      failures.add("large upload to " + system + ": " + e);
    }
    return run;
  }

  // ---------------------------------------------------------------------------------------------
  // Scenario 5: downloads, whole and random ranges

  /** Scenario 5: the large object downloaded whole, then in random 1 MiB ranges. */
  JsonObject downloads() throws Exception {
    if (largeMediaId == null) {
      say("[5] uploading the object to download ...");
      largeUpload(EDGE, Transport.CLEARTEXT, true, options.largeSize());
      largeUpload(DIRECT, Transport.CLEARTEXT, true, options.largeSize());
    }
    if (largeMediaId == null) {
      throw new IllegalStateException("no object to download (the upload failed)");
    }
    String token = stack.dev().token("bench-large", Duration.ofHours(6));
    warmUpDownloads(token);
    JsonArray full = new JsonArray();
    for (Transport transport : Transport.values()) {
      HttpClient client = transport.client(stack);
      for (int rep = 0; rep < options.repetitions(); rep++) {
        for (String system : SuiteRounds.rotated(stack.systems(transport.withDirect()), rep)) {
          say(String.format(Locale.ROOT, "[5] GET %,d bytes from %s over %s (round %d) ...", options.largeSize(),
              system, transport.label(), rep + 1));
          HttpRequest get = request(system, transport.tls, token, null);
          SuiteCpuMark cpu = stack.cpuMark();
          JsonObject run = new LoadRun(client, stack.executor(), (c, seq) -> new LoadRun.Call(get, 0),
              st -> st == 200).fixed(1, 1);
          transport.mark(run.put("cpuSeconds", cpu.since()).put("system", system).put("round", rep + 1));
          full.add(run);
          say("    " + run.getValue("MBps") + " MB/s, status " + run.getValue("outcomes"));
        }
      }
    }
    JsonArray ranges = new JsonArray();
    int perRound = Math.max(1, options.ranges() / options.repetitions());
    for (SuiteRounds.Turn turn : SuiteRounds.turns(stack.systems(true), options.repetitions())) {
      String system = turn.system();
      int rep = turn.round();
      say(String.format(Locale.ROOT, "[5] %d random 1 MiB ranges from %s, %d in flight (round %d) ...", perRound,
          system, options.rangeClients(), rep + 1));
      Random[] randoms = new Random[options.rangeClients()];
      for (int i = 0; i < randoms.length; i++) {
        randoms[i] = new Random(options.seed() + 1000L * rep + i);
      }
      long span = options.largeSize() - RANGE;
      LoadRun load = new LoadRun(stack.client(), stack.executor(), (c, seq) -> {
        long from = (long) (randoms[c].nextDouble() * span);
        return new LoadRun.Call(request(system, false, token, "bytes=" + from + "-" + (from + RANGE - 1)), 0);
      }, status -> status == 206);
      SuiteCpuMark cpu = stack.cpuMark();
      JsonObject run = load.fixed(options.rangeClients(), perRound);
      run.put("system", system).put("round", rep + 1).put("cpuSeconds", cpu.since());
      ranges.add(run);
      say("    " + run.getValue("requestsPerSecond") + " req/s, p50 " + run.getJsonObject("latencyMs").getValue("p50")
          + " ms, p99 " + run.getJsonObject("latencyMs").getValue("p99") + " ms, errors " + run.getValue("errors"));
    }
    return new JsonObject().put("sizeBytes", options.largeSize()).put("full", full).put("ranges", ranges)
        .put("note", "after an uncounted warm-up (64 MiB three times per system and protocol, then ranges "
            + "for the --warmup seconds per system); "
            + "media-edge: GET /v1/media/{id} (ownership from its cache or Cassandra, a DOWNLOAD event per "
            + "request); nginx and direct: S3 GET; ranges over cleartext HTTP/1.1");
  }

  /**
   * Uncounted, like scenario 1's warm-up: 64 MiB three times from each system over each protocol,
   * then ranges from each for {@code --warmup} seconds, as scenario 4 warms up. Without it
   * whichever system goes first meets the load generator's cold TLS code (the same client
   * fetching 256 MiB three times in a row got 52, 84 and 279 MB/s) and a server's code before its
   * JIT compiled it: after 50 ranges, as before, media-edge's JIT compiler threads took half of
   * its CPU over the scenario (async-profiler), and its 200 measured ranges took 4 s.
   */
  private void warmUpDownloads(String token) throws Exception {
    say("[5] warm-up: 64 MiB three times and " + options.warmup().toSeconds()
        + " s of ranges from each system, not counted ...");
    long bytes = Math.min(64L << 20, options.largeSize());
    for (Transport transport : Transport.values()) {
      HttpClient client = transport.client(stack);
      for (String system : stack.systems(transport.withDirect())) {
        HttpRequest get = request(system, transport.tls, token, "bytes=0-" + (bytes - 1));
        new LoadRun(client, stack.executor(), (c, seq) -> new LoadRun.Call(get, 0), st -> st == 206)
            .fixed(1, 3);
      }
    }
    long span = options.largeSize() - RANGE;
    Random random = new Random(options.seed() - 1);
    for (String system : stack.systems(true)) {
      new LoadRun(stack.client(), stack.executor(), (c, seq) -> {
        long from = (long) (random.nextDouble() * span);
        return new LoadRun.Call(request(system, false, token, "bytes=" + from + "-" + (from + RANGE - 1)), 0);
      }, status -> status == 206).timed(options.rangeClients(), Duration.ZERO, options.warmup());
    }
  }

  private HttpRequest request(String system, boolean tls, String token, String range) {
    URI uri = system.equals(EDGE) ? stack.edgeUri(tls, "/v1/media/" + largeMediaId)
        : stack.target(system, tls, LARGE_KEY);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET();
    if (system.equals(EDGE)) {
      b.header("Authorization", "Bearer " + token);
    }
    if (range != null) {
      b.header("Range", range);
    }
    return b.build();
  }
}
