package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.deleteTree;
import static io.mediaedge.bench.BenchFigures.grep;
import static io.mediaedge.bench.BenchFigures.mib;
import static io.mediaedge.bench.BenchFigures.round;

import io.mediaedge.testing.DevStackConfig;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.devstack.FreePorts;
import io.mediaedge.it.EdgeClient;
import io.mediaedge.it.MediaSamples;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The side-by-side suite: media-edge (forked through {@code io.mediaedge.Main}, history and events
 * on), nginx as a plain streaming proxy to the same S3 server, and S3 directly, driven from this
 * JVM and taken in rotating order so machine noise falls on all of them alike. Scenarios: one
 * large upload (cleartext and HTTPS), the flat-memory upload at -Xmx64m, many small uploads from
 * many clients (there also a second media-edge with {@code history.enabled: false}), and
 * downloads (whole and random ranges). Extra scenario scripts run afterwards and
 * their result files are folded into the table. Run it with {@code bench/suite.sh}; see
 * {@code bench/README.md}.
 */
public final class SuiteBench {
  static final String EDGE = "media-edge";
  /** Scenario 4 only: media-edge with history, quotas and events off (no Cassandra, no Kafka). */
  static final String EDGE_NO_HISTORY = "edge-no-history";
  static final String NGINX = "nginx";
  static final String DIRECT = "direct";
  private static final String BUCKET = DevStack.BUCKET;
  /** media-edge starts in a few seconds; the margin is for a machine busy with the whole stack. */
  private static final Duration EDGE_START_TIMEOUT = Duration.ofSeconds(120);
  private static final String LARGE_KEY = "bench/large";
  private static final int MIN_SMALL = 100 * 1024;
  private static final int MAX_SMALL = 2 * 1024 * 1024;
  private static final int RANGE = 1 << 20;

  private final SuiteOptions options;
  private final long t0 = System.nanoTime();
  private final JsonObject result = new JsonObject();
  private final JsonObject scenarios = new JsonObject();
  private final List<String> failures = new ArrayList<>();
  private Path work;
  private Path logs;
  private DevStack dev;
  private EdgeFork edge;
  private NginxProxy nginx;
  private SSLContext trust;
  private int edgeHttpPort;
  private int edgeHttpsPort;
  /** The history-off media-edge's cleartext port while scenario 4 runs. */
  private int noHistoryHttpPort;
  private String largeMediaId;
  private ExecutorService executor;

  private SuiteBench(SuiteOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 2 && args[0].equals("--table")) {
      // Prints the table of an earlier result file again, with this version's rows.
      Path file = Path.of(args[1]);
      JsonObject earlier = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      earlier.put("table", SuiteTable.rows(earlier));
      System.out.print(SuiteTable.format(earlier, file));
      return;
    }
    SuiteOptions options;
    try {
      options = SuiteOptions.parse(args);
    } catch (BenchOptions.UsageException help) {
      System.out.print(SuiteOptions.USAGE);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("suite: " + e.getMessage());
      System.err.print(SuiteOptions.USAGE);
      System.exit(2);
      return;
    }
    int code = new SuiteBench(options).run(args);
    System.exit(code); // ForkedJvm's shutdown hooks stop anything still running
  }

  private int run(String[] args) {
    work = options.workDir().toAbsolutePath();
    logs = work.resolve("logs");
    if (!WorkDirLock.hold(work, "suite")) {
      return 2;
    }
    Instant started = Instant.now();
    result.put("benchmark", "suite").put("scenario", "suite").put("startedAt", started.toString())
        .put("quick", options.quick()).put("arguments", new JsonArray(List.of((Object[]) args)))
        .put("machine", MachineFacts.describe()).put("settings", settings());
    executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "suite-load");
      t.setDaemon(true);
      return t;
    });
    try {
      startStack();
      for (String scenario : options.scenarios()) {
        runScenario(scenario);
      }
    } catch (Exception | Error e) {
      failures.add(e.toString());
      e.printStackTrace();
    } finally {
      stopStack();
    }
    result.put("scenarios", scenarios);
    JsonArray extras = SuiteTable.runExtras(options, started, this::say);
    result.put("extraScenarios", extras);
    // A scenario script that failed (a missed target, an error) fails the suite too.
    for (int i = 0; i < extras.size(); i++) {
      JsonObject extra = extras.getJsonObject(i);
      if (extra.containsKey("command") && !Integer.valueOf(0).equals(extra.getValue("exitCode"))) {
        failures.add(extra.getString("command") + ": " + extra.getValue("exitCode", extra.getValue("problem")));
      }
    }
    result.put("table", SuiteTable.rows(result));
    result.put("success", failures.isEmpty()).put("failures", new JsonArray(List.copyOf(failures)))
        .put("finishedAt", Instant.now().toString())
        .put("totalSeconds", round((System.nanoTime() - t0) / 1e9, 1));
    result.getJsonObject("machine").put("loadAverageAtEnd", Proc.loadAverage());
    Path file = write(started);
    System.out.print(SuiteTable.format(result, file));
    return failures.isEmpty() ? 0 : 1;
  }

  private void runScenario(String scenario) throws Exception {
    try {
      switch (scenario) {
        case "large" -> scenarios.put("largeUpload", largeUploads());
        case "download" -> scenarios.put("downloads", downloads());
        case "small" -> scenarios.put("smallUploads", smallUploads());
        case "flat" -> scenarios.put("flatMemory", flatMemory());
        default -> throw new IllegalArgumentException(scenario);
      }
    } catch (Exception e) {
      failures.add(scenario + ": " + e);
      say("scenario " + scenario + " failed: " + e);
      e.printStackTrace();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The stack: S3, Cassandra, Kafka, media-edge, nginx

  private void startStack() throws Exception {
    deleteTree(work.resolve("s3"));
    deleteTree(work.resolve("cassandra"));
    deleteTree(work.resolve("kafka"));
    deleteTree(logs);
    Files.createDirectories(logs);
    say("starting the dev stack (S3Mock, Cassandra, Kafka) ...");
    long s = System.nanoTime();
    dev = DevStack.start(work, work.resolve("certs"), 0);
    say(String.format(Locale.ROOT, "dev stack up in %.1f s", (System.nanoTime() - s) / 1e9));
    trust = EdgeClient.trusting(dev.tls().caCert());
    edgeHttpsPort = FreePorts.pick();
    edgeHttpPort = FreePorts.pick();
    edge = forkEdge("media-edge", options.edgeXmx(), edgeHttpsPort, edgeHttpPort);
    JsonObject setup = new JsonObject()
        .put("s3", new JsonObject().put("server", "Adobe S3Mock (target/devstack/s3mock.jar)")
            .put("endpoint", dev.s3().endpoint().toString()))
        .put("cassandra", dev.cassandra().releaseVersion())
        .put("mediaEdge", edgeFacts(edge, true));
    if (options.nginx() != null) {
      try {
        nginx = NginxProxy.start(options.nginx(), work.resolve("nginx"), dev.s3().port(),
            dev.tls().serverChain(), dev.tls().serverKey());
        setup.put("nginx", new JsonObject().put("version", NginxProxy.version(options.nginx()))
            .put("binary", options.nginx().toString()).put("config", work.resolve("nginx/nginx.conf").toString())
            .put("httpPort", nginx.httpPort()).put("httpsPort", nginx.httpsPort()));
        say("nginx " + NginxProxy.version(options.nginx()) + " on " + nginx.httpPort() + " / " + nginx.httpsPort());
      } catch (IOException e) {
        setup.put("nginx", new JsonObject().put("missing", e.getMessage()));
        say("NOTE: nginx did not start (" + e.getMessage() + "); continuing without the nginx column");
      }
    } else {
      setup.put("nginx", new JsonObject().put("missing", options.noNginxReason()));
      say("NOTE: no nginx (" + options.noNginxReason() + "); continuing without the nginx column");
    }
    result.put("setup", setup);
    result.put("versions", versions());
  }

  private EdgeFork forkEdge(String name, String xmx, int httpsPort, int httpPort) throws IOException {
    return forkEdge(name, xmx, httpsPort, httpPort, new JsonObject());
  }

  /** A media-edge from the dev stack's configuration plus {@code extra} overrides. */
  private EdgeFork forkEdge(String name, String xmx, int httpsPort, int httpPort, JsonObject extra)
      throws IOException {
    JsonObject overrides = new JsonObject()
        .put("server", new JsonObject().put("region", "bench")
            .put("https", new JsonObject().put("enabled", true)))
        .mergeIn(extra, true);
    JsonObject tree = new JsonObject(DevStackConfig.tree(dev, httpsPort, httpPort, overrides).encode());
    say("starting " + name + " with -Xmx" + xmx + " (https " + httpsPort + (httpPort > 0 ? ", http " + httpPort : "")
        + ") ...");
    EdgeFork forked = EdgeFork.prepare(name, tree, logs.resolve(name + ".yaml"), logs, xmx, options.edgeJvmArgs(),
        options.runtimeClasspathFile(), dev.storageEnv());
    forked.start(HttpClient.newBuilder().sslContext(trust).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build(), EDGE_START_TIMEOUT);
    say(String.format(Locale.ROOT, "%s up in %.1f s (pid %d)", name, forked.startSeconds(), forked.pid()));
    return forked;
  }

  private JsonObject edgeFacts(EdgeFork forked, boolean history) {
    return new JsonObject().put("pid", forked.pid())
        .put("jvmArgs", new JsonArray(forked.jvmArgs()))
        .put("startSeconds", round(forked.startSeconds(), 2))
        .put("tlsEngine", grep(forked.logFile(), "TLS engine: (.*)"))
        .put("historyAndEvents", history ? "on" : "off (history.enabled: false; no Cassandra, no Kafka)")
        .put("logFile", forked.logFile().toString());
  }

  private void stopStack() {
    if (executor != null) {
      executor.shutdownNow();
    }
    if (nginx != null) {
      nginx.close();
    }
    if (edge != null) {
      edge.close();
    }
    if (dev != null) {
      say("stopping the dev stack ...");
      dev.close();
      deleteTree(work.resolve("s3"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Scenario 1: one large upload

  private JsonObject largeUploads() throws Exception {
    long size = options.largeSize();
    JsonArray runs = new JsonArray();
    // One uncounted transfer per system and protocol first: JIT, connection pools, S3 buckets.
    say("[1] warm-up: 64 MiB to each system, not counted ...");
    for (boolean tls : List.of(false, true)) {
      for (String system : systems(!tls)) {
        largeUpload(system, tls, false, Math.min(size, 64L << 20));
      }
    }
    for (boolean tls : List.of(false, true)) {
      List<String> systems = systems(!tls);
      for (int rep = 0; rep < options.repetitions(); rep++) {
        for (String system : rotated(systems, rep)) {
          say(String.format(Locale.ROOT, "[1] upload %,d bytes to %s over %s (round %d) ...", size, system,
              tls ? "HTTPS" : "cleartext", rep + 1));
          JsonObject run = largeUpload(system, tls, rep == options.repetitions() - 1 && !tls, size);
          run.put("round", rep + 1);
          runs.add(run);
          say("    " + run.getValue("MBps", run.getString("error")) + " MB/s, status " + run.getValue("status"));
        }
      }
    }
    return new JsonObject().put("sizeBytes", size).put("runs", runs)
        .put("note", "HTTP/1.1; media-edge: POST /v1/media (JWT, SHA-256, history, event); nginx and direct: "
            + "S3 PUT of the same bytes; S3Mock has no TLS listener here, so direct is always cleartext");
  }

  private JsonObject largeUpload(String system, boolean tls, boolean keep, long size) {
    HttpClient client = client();
    HttpRequest.Builder request = HttpRequest.newBuilder(target(system, tls, LARGE_KEY))
        .timeout(Duration.ofMinutes(30)).header("Content-Type", "video/mp4");
    if (system.equals(EDGE)) {
      request.header("Authorization", "Bearer " + dev.token("bench-large", Duration.ofHours(6)));
    }
    GeneratedBody[] sent = new GeneratedBody[1];
    var body = BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> {
      sent[0] = new GeneratedBody(size, options.seed(), MediaSamples.MP4_HEAD);
      return sent[0];
    }), size);
    request = system.equals(EDGE) ? request.POST(body) : request.PUT(body);
    JsonObject run = new JsonObject().put("system", system).put("tls", tls);
    CpuMark cpu = new CpuMark();
    long start = System.nanoTime();
    try {
      HttpResponse<String> response = client.send(request.build(), BodyHandlers.ofString());
      double seconds = (System.nanoTime() - start) / 1e9;
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
        run.put("error", "HTTP " + response.statusCode() + " " + truncate(response.body()));
        failures.add("large upload to " + system + ": HTTP " + response.statusCode());
      } else if (system.equals(EDGE)) {
        String id = new JsonObject(response.body()).getString("id");
        if (keep) {
          largeMediaId = id;
        } else {
          deleteEdgeMedia(client, id, "bench-large");
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

  private JsonObject downloads() throws Exception {
    if (largeMediaId == null) {
      say("[5] uploading the object to download ...");
      largeUpload(EDGE, false, true, options.largeSize());
      largeUpload(DIRECT, false, true, options.largeSize());
    }
    if (largeMediaId == null) {
      throw new IllegalStateException("no object to download (the upload failed)");
    }
    String token = dev.token("bench-large", Duration.ofHours(6));
    JsonArray full = new JsonArray();
    for (boolean tls : List.of(false, true)) {
      for (int rep = 0; rep < options.repetitions(); rep++) {
        for (String system : rotated(systems(!tls), rep)) {
          say(String.format(Locale.ROOT, "[5] GET %,d bytes from %s over %s (round %d) ...", options.largeSize(),
              system, tls ? "HTTPS" : "cleartext", rep + 1));
          HttpRequest get = request(system, tls, token, null);
          CpuMark cpu = new CpuMark();
          JsonObject run = new LoadRun(client(), executor, (c, seq) -> new LoadRun.Call(get, 0), st -> st == 200)
              .fixed(1, 1);
          run.put("cpuSeconds", cpu.since()).put("system", system).put("tls", tls).put("round", rep + 1);
          full.add(run);
          say("    " + run.getValue("MBps") + " MB/s, status " + run.getValue("outcomes"));
        }
      }
    }
    JsonArray ranges = new JsonArray();
    int perRound = Math.max(1, options.ranges() / options.repetitions());
    for (Turn turn : turns(systems(true))) {
      String system = turn.system();
      int rep = turn.round();
      say(String.format(Locale.ROOT, "[5] %d random 1 MiB ranges from %s, %d in flight (round %d) ...", perRound,
          system, options.rangeClients(), rep + 1));
      Random[] randoms = new Random[options.rangeClients()];
      for (int i = 0; i < randoms.length; i++) {
        randoms[i] = new Random(options.seed() + 1000L * rep + i);
      }
      long span = options.largeSize() - RANGE;
      LoadRun load = new LoadRun(client(), executor, (c, seq) -> {
        long from = (long) (randoms[c].nextDouble() * span);
        return new LoadRun.Call(request(system, false, token, "bytes=" + from + "-" + (from + RANGE - 1)), 0);
      }, status -> status == 206);
      CpuMark cpu = new CpuMark();
      JsonObject run = load.fixed(options.rangeClients(), perRound);
      run.put("system", system).put("round", rep + 1).put("cpuSeconds", cpu.since());
      ranges.add(run);
      say("    " + run.getValue("requestsPerSecond") + " req/s, p50 " + run.getJsonObject("latencyMs").getValue("p50")
          + " ms, p99 " + run.getJsonObject("latencyMs").getValue("p99") + " ms, errors " + run.getValue("errors"));
    }
    return new JsonObject().put("sizeBytes", options.largeSize()).put("full", full).put("ranges", ranges)
        .put("note", "media-edge: GET /v1/media/{id} (ownership check and a DOWNLOAD event in Cassandra per "
            + "request); nginx and direct: S3 GET; ranges over cleartext HTTP/1.1");
  }

  private HttpRequest request(String system, boolean tls, String token, String range) {
    URI uri = system.equals(EDGE) ? edgeUri(tls, "/v1/media/" + largeMediaId) : target(system, tls, LARGE_KEY);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET();
    if (system.equals(EDGE)) {
      b.header("Authorization", "Bearer " + token);
    }
    if (range != null) {
      b.header("Range", range);
    }
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // Scenario 4: many small uploads

  private JsonObject smallUploads() throws Exception {
    // The history-off media-edge runs beside the main one for this scenario only, same heap.
    noHistoryHttpPort = FreePorts.pick();
    try (EdgeFork noHistory = forkEdge("media-edge-no-history", options.edgeXmx(), FreePorts.pick(),
        noHistoryHttpPort, new JsonObject().put("history", new JsonObject().put("enabled", false)))) {
      return smallUploads(noHistory);
    }
  }

  private JsonObject smallUploads(EdgeFork noHistory) throws Exception {
    byte[] pool = new byte[MAX_SMALL];
    new Random(options.seed()).nextBytes(pool);
    System.arraycopy(MediaSamples.JPEG_HEAD, 0, pool, 0, MediaSamples.JPEG_HEAD.length);
    String[] tokens = new String[options.clients()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = dev.token("bench-small-" + i, Duration.ofHours(6));
    }
    JsonArray runs = new JsonArray();
    Duration window = options.measure().dividedBy(options.repetitions());
    List<String> systems = systems(true);
    systems.add(1, EDGE_NO_HISTORY);
    try (S3Sweep sweep = new S3Sweep(dev.s3())) {
      for (Turn turn : turns(systems)) {
        String system = turn.system();
        boolean edgeApi = system.equals(EDGE) || system.equals(EDGE_NO_HISTORY);
        int rep = turn.round();
        Random[] sizes = new Random[options.clients()];
        for (int i = 0; i < sizes.length; i++) {
          sizes[i] = new Random(options.seed() * 31 + 1000L * rep + i); // the same sizes per client for every system
        }
        LoadRun load = new LoadRun(client(), executor, (c, seq) -> {
          int size = MIN_SMALL + sizes[c].nextInt(MAX_SMALL - MIN_SMALL + 1);
          HttpRequest.Builder b = HttpRequest.newBuilder(target(system, false, "bench/small/" + c))
              .timeout(Duration.ofSeconds(120)).header("Content-Type", "image/jpeg");
          var body = BodyPublishers.ofByteArray(pool, 0, size);
          if (edgeApi) {
            b.header("Authorization", "Bearer " + tokens[c]).POST(body);
          } else {
            b.PUT(body);
          }
          return new LoadRun.Call(b.build(), size);
        }, status -> status == (edgeApi ? 201 : 200));
        say(String.format(Locale.ROOT, "[4] %d clients uploading 100 KiB-2 MiB bodies to %s: %d s warm-up, %d s measured"
            + " (round %d) ...", options.clients(), system, options.warmup().toSeconds(), window.toSeconds(), rep + 1));
        // "media-edge" CPU is the process under test: the history-off one in its own runs.
        CpuMark cpu = system.equals(EDGE_NO_HISTORY) ? new CpuMark(noHistory.pid()) : new CpuMark();
        JsonObject run = load.timed(options.clients(), options.warmup(), window);
        run.put("system", system).put("round", rep + 1).put("cpuSeconds", cpu.since());
        runs.add(run);
        JsonObject l = run.getJsonObject("latencyMs");
        say("    " + run.getValue("requestsPerSecond") + " req/s, p50 " + l.getValue("p50") + " ms, p99 "
            + l.getValue("p99") + " ms, errors " + run.getValue("errors") + " " + run.getValue("outcomes"));
        run.put("objectsRemovedAfter", sweep.removeAdded());
      }
    }
    return new JsonObject().put("clients", options.clients()).put("bodyBytes", MIN_SMALL + "-" + MAX_SMALL)
        .put("runs", runs)
        .put("mediaEdgeNoHistory", edgeFacts(noHistory, false))
        .put("note", "cleartext HTTP/1.1, kept-alive connections, closed loop (each client sends its next body "
            + "when the last is answered); media-edge: image/jpeg POST /v1/media, one user per client, history "
            + "and events on; edge-no-history: the same requests to a second media-edge (same heap) with "
            + "history.enabled false (no quota, row or event; in its runs cpuSeconds.media-edge is that process); "
            + "nginx and direct: S3 PUT, one key per client (overwritten); after every run the objects it "
            + "added are deleted from S3 (uncounted), so each run starts from the same store");
  }

  // ---------------------------------------------------------------------------------------------
  // Scenario 2: the flat-memory experiment

  private JsonObject flatMemory() throws Exception {
    // Its own media-edge with the small heap; the main one is stopped so they do not share the cores.
    if (edge != null) {
      edge.close();
      edge = null;
    }
    int port = FreePorts.pick();
    EdgeFork small = forkEdge("media-edge-flat", options.flatXmx(), port, 0);
    long size = options.flatSize();
    GeneratedBody[] current = new GeneratedBody[1];
    ServerSampler sampler = new ServerSampler(small.pid(), Duration.ofMillis(250),
        () -> current[0] == null ? 0 : current[0].position()).start();
    JsonObject out = new JsonObject().put("sizeBytes", size).put("xmx", options.flatXmx())
        .put("mediaEdge", edgeFacts(small, true));
    try {
      sampler.awaitFirstReport(Duration.ofSeconds(10));
      EdgeMemory window = EdgeMemory.open(small, sampler, "upload");
      say(String.format(Locale.ROOT, "[2] uploading %,d bytes through media-edge at -Xmx%s over HTTPS ...", size,
          options.flatXmx()));
      HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/v1/media"))
          .timeout(Duration.ofMinutes(30)).header("Content-Type", "video/mp4")
          .header("Authorization", "Bearer " + dev.token("bench-flat", Duration.ofHours(6)))
          .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> {
            current[0] = new GeneratedBody(size, options.seed(), MediaSamples.MP4_HEAD);
            return current[0];
          }), size)).build();
      CpuMark cpu = new CpuMark(small.pid());
      long start = System.nanoTime();
      HttpResponse<String> response = client().send(request, BodyHandlers.ofString());
      double seconds = (System.nanoTime() - start) / 1e9;
      EdgeMemory.Figures memory = window.measure(Duration.ZERO);
      String sha = response.statusCode() == 201 ? new JsonObject(response.body()).getString("sha256") : null;
      boolean success = response.statusCode() == 201 && current[0].sha256Hex().equals(sha);
      out.put("success", success).put("status", response.statusCode())
          .put("shaMatch", current[0].sha256Hex().equals(sha))
          .put("seconds", round(seconds, 2)).put("MBps", round(size / 1e6 / seconds, 1))
          .put("peakHeapUsedMiB", mib(memory.peakHeapKiB()))
          .put("maxHeapAfterGcMiB", mib(memory.gcMaxAfterKiB()))
          .put("peakRssMiB", mib(memory.peakRssKiB()))
          .put("gcPauses", memory.gcs().size())
          .put("gcTimeShare", round(memory.pauseMsTotal() / 1000 / seconds, 4))
          .put("cpuSeconds", cpu.since());
      if (!success) {
        out.put("responseBody", truncate(response.body())).put("logTail", small.logTail(40));
        failures.add("flat-memory upload: HTTP " + response.statusCode() + ", sha256 match " + out.getValue("shaMatch"));
      }
      say("    " + (success ? "success" : "FAILED") + ", " + out.getValue("MBps") + " MB/s, peak heap "
          + out.getValue("peakHeapUsedMiB") + " MiB, peak RSS " + out.getValue("peakRssMiB") + " MiB");
    } finally {
      sampler.close();
      small.close();
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Systems and addresses

  /** media-edge, nginx when it runs, and direct S3 when {@code withDirect}. */
  private List<String> systems(boolean withDirect) {
    List<String> systems = new ArrayList<>(List.of(EDGE));
    if (nginx != null) {
      systems.add(NGINX);
    }
    if (withDirect) {
      systems.add(DIRECT);
    }
    return systems;
  }

  /** One system's turn in one round. */
  private record Turn(int round, String system) {}

  /** Every round's systems, each round in {@link #rotated} order. */
  private List<Turn> turns(List<String> systems) {
    List<Turn> turns = new ArrayList<>();
    for (int rep = 0; rep < options.repetitions(); rep++) {
      for (String system : rotated(systems, rep)) {
        turns.add(new Turn(rep, system));
      }
    }
    return turns;
  }

  /** Round {@code rep} starts with a different system, so none always goes first (or last). */
  private static List<String> rotated(List<String> systems, int rep) {
    List<String> order = new ArrayList<>(systems);
    java.util.Collections.rotate(order, -(rep % order.size()));
    return order;
  }

  private URI target(String system, boolean tls, String key) {
    return switch (system) {
      case EDGE -> edgeUri(tls, "/v1/media");
      case EDGE_NO_HISTORY -> URI.create("http://127.0.0.1:" + noHistoryHttpPort + "/v1/media");
      case NGINX -> URI.create((tls ? "https://localhost:" + nginx.httpsPort() : "http://127.0.0.1:" + nginx.httpPort())
          + "/" + BUCKET + "/" + key);
      default -> dev.s3().endpoint().resolve("/" + BUCKET + "/" + key);
    };
  }

  private URI edgeUri(boolean tls, String path) {
    return URI.create((tls ? "https://localhost:" + edgeHttpsPort : "http://127.0.0.1:" + edgeHttpPort) + path);
  }

  private HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trust).executor(executor)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  private void deleteEdgeMedia(HttpClient client, String id, String user) {
    try {
      client.send(HttpRequest.newBuilder(edgeUri(false, "/v1/media/" + id))
          .header("Authorization", "Bearer " + dev.token(user, Duration.ofHours(1))).DELETE().build(),
          BodyHandlers.discarding());
    } catch (IOException e) {
      say("could not delete " + id + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // CPU accounting: who burned the cores while one run went on

  /** CPU seconds of media-edge, nginx (master and workers), S3, Cassandra, Kafka and this client since construction. */
  final class CpuMark {
    private final long edgePid;
    private final Map<String, Double> start;

    CpuMark() {
      this(edge == null ? -1 : edge.pid());
    }

    CpuMark(long edgePid) {
      this.edgePid = edgePid;
      this.start = now();
    }

    private Map<String, Double> now() {
      double nginxCpu = nginx == null ? -1 : nginx.pids().stream().mapToDouble(Proc::cpuSeconds).sum();
      return Map.of(EDGE, Proc.cpuSeconds(edgePid), NGINX, nginxCpu, "s3", Proc.cpuSeconds(dev.s3().pid()),
          "cassandra", Proc.cpuSeconds(dev.cassandra().pid()), "kafka", Proc.cpuSeconds(dev.kafka().pid()),
          "client", Proc.cpuSeconds(ProcessHandle.current().pid()));
    }

    JsonObject since() {
      Map<String, Double> end = now();
      JsonObject out = new JsonObject();
      for (String k : List.of(EDGE, NGINX, "s3", "cassandra", "kafka", "client")) {
        double a = start.get(k);
        double b = end.get(k);
        out.put(k, a < 0 || b < 0 ? null : round(b - a, 2));
      }
      return out;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Facts and files

  private JsonObject settings() {
    return new JsonObject().put("scenarios", new JsonArray(List.copyOf(options.scenarios())))
        .put("repetitions", options.repetitions()).put("largeSizeBytes", options.largeSize())
        .put("flatSizeBytes", options.flatSize()).put("flatXmx", options.flatXmx())
        .put("edgeXmx", options.edgeXmx()).put("smallClients", options.clients())
        .put("smallWarmupSeconds", options.warmup().toSeconds()).put("smallSeconds", options.measure().toSeconds())
        .put("ranges", options.ranges()).put("rangeClients", options.rangeClients()).put("seed", options.seed())
        .put("extraScenarios", new JsonArray(options.extraScenarios()))
        .put("client", "JDK HttpClient, HTTP/1.1, 4 threads; HdrHistogram latencies (us, 3 digits)");
  }

  private JsonObject versions() throws IOException {
    String jars = Files.readString(options.runtimeClasspathFile());
    return new JsonObject().put("java", System.getProperty("java.version"))
        .put("vertx", jarVersion(jars, "vertx-core-"))
        .put("awsSdkS3", jarVersion(jars, "/s3-"))
        .put("netty", jarVersion(jars, "netty-handler-"))
        .put("nettyTcnative", jarVersion(jars, "netty-tcnative-boringssl-static-"))
        .put("cassandra", dev.cassandra().releaseVersion())
        .put("hdrHistogram", jarVersion(System.getProperty("java.class.path"), "HdrHistogram-"))
        .put("nginx", options.nginx() == null ? null : NginxProxy.version(options.nginx()));
  }

  private static String jarVersion(String classpath, String prefix) {
    Matcher m = Pattern.compile(Pattern.quote(prefix) + "(\\d[^/:]*?)\\.jar").matcher(classpath);
    return m.find() ? m.group(1) : null;
  }

  private Path write(Instant started) {
    return BenchFigures.writeResult(options.resultsDir(), "suite", started, result);
  }

  void say(String message) {
    System.out.printf(Locale.ROOT, "[suite %6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, message);
  }

  private static String truncate(String s) {
    return s == null || s.length() <= 500 ? s : s.substring(0, 500) + "...";
  }

  static double median(List<JsonObject> runs, ToDoubleFunction<JsonObject> value) {
    double[] v = runs.stream().mapToDouble(value).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
