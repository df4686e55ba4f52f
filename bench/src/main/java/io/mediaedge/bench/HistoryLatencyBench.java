package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.deleteTree;
import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.BenchFigures.seconds;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.testing.DevStackConfig;
import com.datastax.oss.driver.api.core.session.Session;
import io.mediaedge.EdgeServer;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.devstack.FreePorts;
import io.mediaedge.it.EdgeClient;
import io.mediaedge.events.OutboxRelay;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.MediaRecord;
import io.mediaedge.history.QuotaStore;
import io.mediaedge.storage.ObjectKeys;
import io.mediaedge.media.MediaId;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * How much latency the Cassandra work adds to an upload, and how long the dev stack takes to start.
 *
 * <p>Starts the dev stack in this JVM exactly as dev mode and the integration tests do
 * ({@link DevStack#start}: S3Mock, Cassandra and Kafka side by side, each in its own forked JVM),
 * then media-edge through its composition root ({@link EdgeServer#start}), and times both. Then,
 * on media-edge's own {@link QuotaStore} and {@link HistoryStore}, it times exactly the Cassandra
 * calls {@code UploadFlow} makes for one upload: before the body is streamed {@code quotas.reserve}
 * and {@code history.recordIntent} (the upload intent the orphan reconciler follows), and after the
 * S3 write {@code quotas.commit} and {@code history.recordUpload} (the logged batch of the media
 * row, both event rows, the outbox row and the intent's removal), the last one followed, untimed,
 * by the immediate Kafka publish the flow does after answering. It runs them one upload
 * at a time and then with several uploads in flight, from Vert.x event-loop contexts as the HTTP
 * verticles do. Finally it times whole small uploads ({@code POST /v1/media} over HTTPS with the
 * JDK HttpClient) so the Cassandra share of an upload's latency is visible.
 *
 * <p>Latencies are recorded in nanoseconds in HdrHistogram (3 significant digits). The result is
 * printed as a table and written to {@code bench/results/history-latency-<UTC time>.json}.
 *
 * <p>Run it with {@code bench/history-latency.sh}; see {@code bench/README.md}.
 */
public final class HistoryLatencyBench {
  private static final String CONTENT_TYPE = "image/jpeg";
  private static final byte[] JPEG_HEAD = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10, 'J', 'F',
      'I', 'F', 0};
  private static final long TIMEOUT_S = 120;
  /** The steps of one upload's Cassandra work, in the order of the timings. */
  private static final List<String> STEPS =
      List.of("reserve", "recordIntent", "beforeS3", "commit", "recordUpload", "afterS3", "total");

  private final HistoryLatencyOptions options;
  private final long t0 = System.nanoTime();
  private final JsonObject result = new JsonObject();
  private final List<String> failures = new ArrayList<>();
  private Path work;
  private DevStack dev;
  private Vertx vertx;
  private EdgeServer server;
  private EdgeConfig config;
  private final List<Context> contexts = new CopyOnWriteArrayList<>();

  private HistoryLatencyBench(HistoryLatencyOptions options) {
    this.options = options;
  }

  public static void main(String[] args) {
    HistoryLatencyOptions options;
    try {
      options = HistoryLatencyOptions.parse(args);
    } catch (BenchOptions.UsageException help) {
      System.out.print(HistoryLatencyOptions.USAGE);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("history-latency: " + e.getMessage());
      System.err.print(HistoryLatencyOptions.USAGE);
      System.exit(2);
      return;
    }
    int code = new HistoryLatencyBench(options).run(args);
    // ForkedJvm's shutdown hooks stop any server still running.
    System.exit(code);
  }

  private int run(String[] args) {
    work = options.workDir().toAbsolutePath();
    // Two runs in one work directory would wipe each other's servers: one at a time.
    Path lockFile = work.resolve(".lock");
    try {
      Files.createDirectories(work);
      FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      if (channel.tryLock() == null) {
        System.err.println("history-latency: another run is using " + work + "; wait for it or pass --work DIR");
        return 2;
      }
      // held until this JVM exits
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + lockFile, e);
    }
    Instant started = Instant.now();
    result.put("benchmark", "history-latency")
        .put("startedAt", started.toString())
        .put("arguments", new JsonArray(List.of((Object[]) args)))
        .put("machine", machine())
        .put("settings", settings());
    try {
      startStack();
      result.put("versions", versions());
      result.put("serverSettings", serverSettings());
      deployDrivers();
      result.put("direct", new JsonObject()
          .put("sequential", directRun("sequential", 1, options.iterations()))
          .put("concurrent", options.concurrency() > 0
              ? directRun("concurrent", options.concurrency(), options.concurrentIterations()) : null));
      if (options.uploads() > 0) {
        result.put("endToEnd", endToEnd());
      }
      result.put("share", share());
    } catch (Exception | Error e) { // an Error too: a half-built classpath gives NoClassDefFoundError
      failures.add(e.toString());
      e.printStackTrace();
    } finally {
      stopAll();
    }
    boolean success = failures.isEmpty();
    result.put("success", success).put("failures", new JsonArray(List.copyOf(failures)));
    result.put("finishedAt", Instant.now().toString())
        .put("totalSeconds", round(seconds(System.nanoTime() - t0), 1));
    result.getJsonObject("machine").put("loadAverageAtEnd", Proc.loadAverage());
    Path file = writeResult(started);
    printTable(file);
    return success ? 0 : 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Start-up

  private void startStack() throws Exception {
    // Fresh servers every run: data from an earlier run would make the figures depend on history.
    for (String dir : List.of("s3", "cassandra", "kafka", "logs")) {
      deleteTree(work.resolve(dir));
    }
    say("starting the dev stack (S3, Cassandra, Kafka in parallel) under " + work + " ...");
    long t = System.nanoTime();
    dev = DevStack.start(work, work.resolve("certs"), 0);
    long devNanos = System.nanoTime() - t;
    JsonObject startup = new JsonObject()
        .put("devStackMs", millis(devNanos))
        .put("s3Ms", dev.s3().lastStartTime().toMillis())
        .put("cassandraMs", dev.cassandra().lastStartTime().toMillis())
        .put("kafkaMs", dev.kafka().lastStartTime().toMillis());
    result.put("startup", startup);
    say("dev stack ready in %d ms (S3 %d ms, Cassandra %d ms, Kafka %d ms)", millis(devNanos),
        startup.getLong("s3Ms"), startup.getLong("cassandraMs"), startup.getLong("kafkaMs"));

    vertx = Vertx.vertx();
    JsonObject overrides = new JsonObject().put("server", new JsonObject().put("eventLoops", options.eventLoops()));
    config = DevStackConfig.config(dev, FreePorts.pick(), 0, overrides);
    t = System.nanoTime();
    server = EdgeServer.start(vertx, config).await(TIMEOUT_S, TimeUnit.SECONDS);
    long edgeNanos = System.nanoTime() - t;
    startup.put("edgeServerMs", millis(edgeNanos));
    say("media-edge (EdgeServer.start) ready in %d ms on https://localhost:%d", millis(edgeNanos), server.httpsPort());
  }

  /**
   * One driver context per media-edge event loop, made the way the HTTP verticles get theirs (a
   * verticle per event loop), so the store calls run, and complete, on event loops as in the flow.
   */
  private void deployDrivers() throws Exception {
    int instances = config.server().eventLoopsOrCores();
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        contexts.add(vertx.getOrCreateContext());
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(instances)).await(TIMEOUT_S, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------------------------------------
  // The Cassandra calls of one upload, timed directly

  /** The five histograms of one worker (or, merged, of one run), in nanoseconds. */
  private static final class Timings {
    final Map<String, Histogram> steps = new LinkedHashMap<>();
    long failures;
    String firstFailure;

    Timings() {
      for (String step : STEPS) {
        steps.put(step, new Histogram(3));
      }
    }

    /** t: start, reserved, intent noted, (S3 here) committed, recorded; the S3 write takes no time. */
    void record(long[] t) {
      steps.get("reserve").recordValue(t[1] - t[0]);
      steps.get("recordIntent").recordValue(t[2] - t[1]);
      steps.get("beforeS3").recordValue(t[2] - t[0]);
      steps.get("commit").recordValue(t[3] - t[2]);
      steps.get("recordUpload").recordValue(t[4] - t[3]);
      steps.get("afterS3").recordValue(t[4] - t[2]);
      steps.get("total").recordValue(t[4] - t[0]);
    }

    void add(Timings other) {
      steps.forEach((name, h) -> h.add(other.steps.get(name)));
      failures += other.failures;
      if (firstFailure == null) {
        firstFailure = other.firstFailure;
      }
    }
  }

  private JsonObject directRun(String name, int concurrency, int iterations) throws Exception {
    QuotaStore quotas = server.history().quotas();
    HistoryStore history = server.history().history();
    OutboxRelay relay = server.relay();
    int perWorker = options.users() / concurrency;

    // Warm-up first (its own rounds, not recorded), with the same concurrency.
    say("%s: %d warm-up rounds, %d in flight ...", name, options.warmup(), concurrency);
    runWorkers(concurrency, options.warmup(), perWorker, quotas, history, relay);

    say("%s: %d recorded rounds of reserve -> recordIntent -> commit -> recordUpload, %d in flight ...", name, iterations,
        concurrency);
    CpuMark cpu = new CpuMark();
    long start = System.nanoTime();
    Timings merged = runWorkers(concurrency, iterations, perWorker, quotas, history, relay);
    double wall = seconds(System.nanoTime() - start);

    JsonObject run = new JsonObject()
        .put("concurrency", concurrency)
        .put("rounds", iterations)
        .put("failures", merged.failures)
        .put("firstFailure", merged.firstFailure)
        .put("seconds", round(wall, 2))
        .put("roundsPerSecond", round(iterations / wall, 1))
        .put("cpuMsPerRound", cpu.perOperation(iterations));
    JsonObject steps = new JsonObject();
    merged.steps.forEach((step, h) -> steps.put(step, percentiles(h)));
    run.put("latencyMs", steps);
    if (merged.failures > 0) {
      failures.add(name + ": " + merged.failures + " of " + iterations + " rounds failed, first: " + merged.firstFailure);
    }
    JsonObject total = steps.getJsonObject("total");
    say("%s: total p50 %.3f ms, p99 %.3f ms, %.0f rounds/s", name, total.getDouble("p50"), total.getDouble("p99"),
        iterations / wall);
    return run;
  }

  /**
   * {@code concurrency} workers, spread round-robin over the driver contexts; each does its share of
   * {@code rounds} one after the other. Worker {@code w} uses owners of its own
   * ({@code w, w + concurrency, ...}), so two workers never race on one quota row: what is measured
   * is the cost of the calls, not of lost compare-and-set rounds.
   */
  private Timings runWorkers(int concurrency, int rounds, int ownersPerWorker, QuotaStore quotas,
      HistoryStore history, OutboxRelay relay) throws Exception {
    List<Timings> perWorker = new ArrayList<>();
    List<Future<Void>> done = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      int worker = w;
      int count = rounds / concurrency + (w < rounds % concurrency ? 1 : 0);
      Timings timings = new Timings();
      perWorker.add(timings);
      IntFunction<String> owner = i -> owner(worker + concurrency * (i % ownersPerWorker));
      Promise<Void> finished = Promise.promise();
      contexts.get(w % contexts.size()).runOnContext(v ->
          nextRound(0, count, owner, timings, quotas, history, relay, finished));
      done.add(finished.future());
    }
    Future.all(done).await(TIMEOUT_S * 5, TimeUnit.SECONDS);
    Timings merged = new Timings();
    perWorker.forEach(merged::add);
    return merged;
  }

  /** Round {@code i} of a worker; runs on its context and starts the next one when done. */
  private void nextRound(int i, int count, IntFunction<String> ownerOf, Timings timings, QuotaStore quotas,
      HistoryStore history, OutboxRelay relay, Promise<Void> finished) {
    if (i >= count) {
      finished.complete();
      return;
    }
    String owner = ownerOf.apply(i);
    long size = options.uploadSize();
    // What UploadFlow builds for a stored object: an id, then the event and the media row.
    String id = MediaId.next();
    Instant createdAt = Instant.now();
    String sha256 = randomSha256();
    String region = config.server().region();
    HistoryEvent event = HistoryEvent.upload(MediaId.next(), createdAt, owner, id, CONTENT_TYPE, size, sha256, 0,
        Origin.regionOnly(region));
    MediaRecord media = new MediaRecord(owner, id, MediaRecord.Status.ACTIVE, CONTENT_TYPE, size, sha256,
        ObjectKeys.mediaKey(owner, id), createdAt, null, Origin.regionOnly(region));
    long[] t = new long[5];
    t[0] = System.nanoTime();
    quotas.reserve(owner, id, size)
        .compose(v -> {
          t[1] = System.nanoTime();
          return history.recordIntent(history.intentFor(owner, id, ObjectKeys.mediaKey(owner, id)));
        })
        .compose(v -> {
          t[2] = System.nanoTime();
          // (here the real flow streams the body to S3)
          return quotas.commit(owner, id, size);
        })
        .compose(v -> {
          t[3] = System.nanoTime();
          return history.recordUpload(media, event);
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            t[4] = System.nanoTime();
            timings.record(t);
            // After the 201 the flow publishes at once and deletes the outbox row: not on the
            // client's path, but part of the load Cassandra carries, so done here too, untimed.
            relay.publishNow(history.outboxEntryFor(event));
          } else {
            timings.failures++;
            if (timings.firstFailure == null) {
              timings.firstFailure = ar.cause().toString();
            }
          }
          nextRound(i + 1, count, ownerOf, timings, quotas, history, relay, finished);
        });
  }

  /** CPU time of Cassandra, Kafka and this JVM (media-edge, the driver, the client) from now on. */
  private final class CpuMark {
    private final long ourPid = ProcessHandle.current().pid();
    private final double cassandra = Proc.cpuSeconds(dev.cassandra().pid());
    private final double kafka = Proc.cpuSeconds(dev.kafka().pid());
    private final double ours = Proc.cpuSeconds(ourPid);

    JsonObject perOperation(int operations) {
      return new JsonObject()
          .put("cassandra", round((Proc.cpuSeconds(dev.cassandra().pid()) - cassandra) * 1000 / operations, 2))
          .put("kafka", round((Proc.cpuSeconds(dev.kafka().pid()) - kafka) * 1000 / operations, 2))
          .put("benchJvm", round((Proc.cpuSeconds(ourPid) - ours) * 1000 / operations, 2));
    }
  }

  private static String owner(int index) {
    return "bench-user-" + index;
  }

  private static String randomSha256() {
    byte[] bytes = new byte[32];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  // ---------------------------------------------------------------------------------------------
  // Whole uploads

  private JsonObject endToEnd() throws Exception {
    HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(EdgeClient.trusting(dev.tls().caCert()))
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    URI uri = URI.create("https://localhost:" + server.httpsPort() + "/v1/media");
    byte[] body = new byte[(int) options.uploadSize()];
    new Random(42).nextBytes(body);
    System.arraycopy(JPEG_HEAD, 0, body, 0, JPEG_HEAD.length);
    Map<String, String> tokens = new LinkedHashMap<>();

    say("end-to-end: %d warm-up uploads, then %d recorded, %d bytes each, one at a time ...",
        options.uploadWarmup(), options.uploads(), body.length);
    Histogram latency = new Histogram(3);
    long failed = 0;
    String firstFailure = null;
    long start = 0;
    CpuMark cpu = null;
    for (int i = 0; i < options.uploadWarmup() + options.uploads(); i++) {
      boolean recorded = i >= options.uploadWarmup();
      if (i == options.uploadWarmup()) {
        start = System.nanoTime();
        cpu = new CpuMark();
      }
      String owner = owner(i % options.users());
      String token = tokens.computeIfAbsent(owner, o -> dev.token(o, Duration.ofHours(1)));
      // a different body each time (the bytes after the JPEG head carry the counter)
      for (int b = 0; b < 8; b++) {
        body[JPEG_HEAD.length + b] = (byte) (i >>> (8 * b));
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
            : "HTTP " + response.statusCode() + " " + truncate(response.body(), 300);
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
    JsonObject p = percentiles(latency);
    say("end-to-end: p50 %.3f ms, p99 %.3f ms, %.0f uploads/s", p.getDouble("p50"), p.getDouble("p99"),
        options.uploads() / wall);
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

  /** The Cassandra work's share of a whole upload, from the sequential run and the end-to-end run. */
  private JsonObject share() {
    JsonObject e2e = result.getJsonObject("endToEnd");
    JsonObject steps = result.getJsonObject("direct").getJsonObject("sequential").getJsonObject("latencyMs");
    if (e2e == null) {
      return null;
    }
    JsonObject upload = e2e.getJsonObject("latencyMs");
    JsonObject share = new JsonObject()
        .put("note", "ratios of the sequential direct run's percentiles to the end-to-end percentiles, measured "
            + "one after the other in the same stack; an estimate, since p99s of different runs do not add up");
    for (String step : List.of("total", "beforeS3", "afterS3", "recordUpload")) {
      JsonObject s = steps.getJsonObject(step);
      share.put(step, new JsonObject()
          .put("p50Percent", round(100 * s.getDouble("p50") / upload.getDouble("p50"), 1))
          .put("p99Percent", round(100 * s.getDouble("p99") / upload.getDouble("p99"), 1)));
    }
    return share;
  }

  // ---------------------------------------------------------------------------------------------
  // Stop, result, table

  private void stopAll() {
    long t = System.nanoTime();
    try {
      if (server != null) {
        server.stop().await(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      failures.add("media-edge did not stop cleanly: " + e);
    }
    try {
      if (vertx != null) {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      failures.add("Vert.x did not close cleanly: " + e);
    }
    if (dev != null) {
      dev.close();
      keepLogs();
    }
    if (result.containsKey("startup")) {
      result.getJsonObject("startup").put("stopMs", millis(System.nanoTime() - t));
    }
    if (!options.keepData()) {
      for (String dir : List.of("s3", "cassandra", "kafka")) {
        deleteTree(work.resolve(dir));
      }
    }
  }

  /** The servers' logs live in their data directories: copy them out before the data goes. */
  private void keepLogs() {
    Path logs = work.resolve("logs");
    try {
      Files.createDirectories(logs);
      Map<String, Path> files = Map.of("s3mock.log", dev.s3().logFile(), "cassandra.log", dev.cassandra().logFile(),
          "kafka.log", dev.kafka().logFile());
      for (Map.Entry<String, Path> file : files.entrySet()) {
        if (file.getValue() != null && Files.isRegularFile(file.getValue())) {
          Files.copy(file.getValue(), logs.resolve(file.getKey()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      result.put("logs", logs.toString());
    } catch (IOException | RuntimeException e) {
      System.err.println("history-latency: could not keep the server logs: " + e);
    }
  }

  private Path writeResult(Instant started) {
    Path file = BenchFigures.resultFile(options.resultsDir(), "history-latency", started);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, result.encodePrettily() + "\n", StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      System.err.println("history-latency: could not write " + file + ": " + e);
      System.out.println(result.encodePrettily());
      return null;
    }
  }

  private void printTable(Path file) {
    StringBuilder out = new StringBuilder("\n");
    JsonObject machine = result.getJsonObject("machine");
    out.append(String.format(Locale.ROOT, "history-latency  %s cores, %s, Java %s, load %s -> %s%n",
        machine.getInteger("cores"), machine.getString("cpu"), machine.getString("javaVersion"),
        machine.getString("loadAverageAtStart"), machine.getString("loadAverageAtEnd")));
    JsonObject startup = result.getJsonObject("startup");
    if (startup != null) {
      out.append(String.format(Locale.ROOT, "%nstart-up                                  ms%n"));
      row(out, "dev stack (DevStack.start, wall)", startup.getLong("devStackMs"));
      row(out, "  S3 (s3mock)", startup.getLong("s3Ms"));
      row(out, "  Cassandra", startup.getLong("cassandraMs"));
      row(out, "  Kafka", startup.getLong("kafkaMs"));
      row(out, "media-edge (EdgeServer.start)", startup.getLong("edgeServerMs"));
      row(out, "stop everything", startup.getLong("stopMs"));
    }
    JsonObject direct = result.getJsonObject("direct");
    String header = String.format(Locale.ROOT, "%-36s %9s %9s %9s %9s %9s%n", "", "p50 ms", "p90 ms", "p99 ms",
        "p99.9 ms", "max ms");
    if (direct != null) {
      for (String run : List.of("sequential", "concurrent")) {
        JsonObject r = direct.getJsonObject(run);
        if (r == null) {
          continue;
        }
        out.append(String.format(Locale.ROOT, "%nCassandra calls of one upload, %s: %d rounds, %d in flight, "
                + "%.0f rounds/s, %d failed%n", run, r.getInteger("rounds"), r.getInteger("concurrency"),
            r.getDouble("roundsPerSecond"), r.getLong("failures")));
        out.append(header);
        JsonObject steps = r.getJsonObject("latencyMs");
        percentileRow(out, "quotas.reserve", steps.getJsonObject("reserve"));
        percentileRow(out, "history.recordIntent", steps.getJsonObject("recordIntent"));
        percentileRow(out, "= before S3 (reserve + intent)", steps.getJsonObject("beforeS3"));
        percentileRow(out, "quotas.commit", steps.getJsonObject("commit"));
        percentileRow(out, "history.recordUpload (batch)", steps.getJsonObject("recordUpload"));
        percentileRow(out, "= after S3 (commit + record)", steps.getJsonObject("afterS3"));
        percentileRow(out, "all four (Cassandra per upload)", steps.getJsonObject("total"));
      }
    }
    JsonObject e2e = result.getJsonObject("endToEnd");
    if (e2e != null) {
      out.append(String.format(Locale.ROOT, "%nwhole upload, %d bytes, HTTPS: %d sequential, %.0f/s, %d failed%n",
          e2e.getInteger("bodyBytes"), e2e.getInteger("uploads"), e2e.getDouble("uploadsPerSecond"),
          e2e.getLong("failures")));
      out.append(header);
      percentileRow(out, "POST /v1/media -> 201", e2e.getJsonObject("latencyMs"));
    }
    JsonObject share = result.getJsonObject("share");
    if (share != null) {
      out.append(String.format(Locale.ROOT, "%nshare of a whole upload (sequential run / end-to-end)   p50      p99%n"));
      shareRow(out, "all four Cassandra calls", share.getJsonObject("total"));
      shareRow(out, "before S3 (reserve + recordIntent)", share.getJsonObject("beforeS3"));
      shareRow(out, "after S3 (commit + recordUpload)", share.getJsonObject("afterS3"));
      shareRow(out, "recordUpload alone", share.getJsonObject("recordUpload"));
    }
    out.append(String.format(Locale.ROOT, "%nresult: %s%n", result.getBoolean("success") ? "OK" : "FAILED "
        + result.getJsonArray("failures").encode()));
    out.append(String.format(Locale.ROOT, "written to %s (%.0f s in all)%n", file, result.getDouble("totalSeconds")));
    System.out.print(out);
  }

  private static void row(StringBuilder out, String label, Long ms) {
    out.append(String.format(Locale.ROOT, "  %-36s %7s%n", label, ms == null ? "-" : String.format("%,d", ms)));
  }

  private static void percentileRow(StringBuilder out, String label, JsonObject p) {
    out.append(String.format(Locale.ROOT, "  %-34s %9.3f %9.3f %9.3f %9.3f %9.3f%n", label, p.getDouble("p50"),
        p.getDouble("p90"), p.getDouble("p99"), p.getDouble("p99_9"), p.getDouble("max")));
  }

  private static void shareRow(StringBuilder out, String label, JsonObject s) {
    out.append(String.format(Locale.ROOT, "  %-52s %5.1f%%   %5.1f%%%n", label, s.getDouble("p50Percent"),
        s.getDouble("p99Percent")));
  }

  private static JsonObject percentiles(Histogram h) {
    return new JsonObject()
        .put("count", h.getTotalCount())
        .put("min", ms(h.getMinValue()))
        .put("mean", round(h.getMean() / 1e6, 3))
        .put("p50", ms(h.getValueAtPercentile(50)))
        .put("p90", ms(h.getValueAtPercentile(90)))
        .put("p99", ms(h.getValueAtPercentile(99)))
        .put("p99_9", ms(h.getValueAtPercentile(99.9)))
        .put("max", ms(h.getMaxValue()));
  }

  // ---------------------------------------------------------------------------------------------
  // Facts

  private JsonObject machine() {
    long memKiB = Proc.memTotalKiB();
    return new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("cpu", Proc.cpuInfo("model name"))
        .put("memTotalMiB", memKiB < 0 ? null : round(memKiB / 1024.0, 0))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("javaVersion", System.getProperty("java.version"))
        .put("javaVm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"))
        .put("benchJvmArgs", new JsonArray(List.copyOf(
            java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())))
        .put("loadAverageAtStart", Proc.loadAverage());
  }

  private JsonObject settings() {
    return new JsonObject()
        .put("warmupRounds", options.warmup())
        .put("sequentialRounds", options.iterations())
        .put("concurrency", options.concurrency())
        .put("concurrentRounds", options.concurrentIterations())
        .put("owners", options.users())
        .put("bytesPerUpload", options.uploadSize())
        .put("uploadWarmup", options.uploadWarmup())
        .put("uploads", options.uploads())
        .put("workDir", work.toString())
        .put("histogram", "HdrHistogram, nanoseconds, 3 significant digits; reported in ms");
  }

  private JsonObject versions() {
    return new JsonObject()
        .put("cassandra", dev.cassandra().releaseVersion())
        .put("kafka", jarVersion(dev.kafka().pid(), "kafka_"))
        .put("vertx", jarVersion("vertx-core-"))
        .put("cassandraDriver", Session.OSS_DRIVER_COORDINATES.getVersion().toString())
        .put("hdrHistogram", jarVersion("HdrHistogram-"))
        .put("s3mock", "target/devstack/s3mock.jar");
  }

  /** What bears on the latency: media-edge's history settings and how the dev Cassandra runs. */
  private JsonObject serverSettings() {
    EdgeConfig.HistoryConfig history = config.history();
    JsonObject cassandra = new JsonObject()
        .put("jvmFlags", jvmFlags(dev.cassandra().pid()));
    try {
      List<String> yaml = Files.readAllLines(dev.cassandra().dataDir().resolve("cassandra.yaml"));
      cassandra.put("yaml", new JsonArray(yaml.stream()
          .filter(line -> line.startsWith("commitlog_sync") || line.startsWith("concurrent_"))
          .toList()));
    } catch (IOException | RuntimeException e) {
      cassandra.put("yaml", "unreadable: " + e);
    }
    return new JsonObject()
        .put("consistency", history.consistency())
        .put("serialConsistency", history.serialConsistency())
        .put("keyspace", history.keyspace())
        .put("replication", (history.simpleStrategy() ? "SimpleStrategy " : "NetworkTopologyStrategy ")
            + history.replication() + " (one node)")
        .put("requestTimeout", history.requestTimeout().toString())
        .put("outboxBuckets", history.outboxBuckets())
        .put("eventLoops", config.server().eventLoopsOrCores())
        .put("cassandra", cassandra)
        .put("kafkaJvmFlags", jvmFlags(dev.kafka().pid()));
  }

  private static JsonArray jvmFlags(long pid) {
    List<String> args = commandLine(pid);
    return new JsonArray(args.stream()
        .filter(a -> a.startsWith("-Xm") || a.startsWith("-XX:") || a.startsWith("-Xss"))
        .toList());
  }

  /**
   * A process's command line from {@code /proc/PID/cmdline} (ProcessHandle.Info gives nothing for
   * the servers' long class paths), or an empty list.
   */
  private static List<String> commandLine(long pid) {
    try {
      String raw = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
      return List.of(raw.split("\0"));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** The version in a jar's file name on this JVM's class path, e.g. vertx-core-5.0.8.jar. */
  private static String jarVersion(String prefix) {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).getFileName().toString())
        .filter(name -> name.startsWith(prefix) && name.endsWith(".jar"))
        .map(name -> name.substring(prefix.length(), name.length() - 4))
        .findFirst().orElse("(unknown)");
  }

  /** As above, from another process's {@code -cp}. */
  private static String jarVersion(long pid, String prefix) {
    List<String> args = commandLine(pid);
    int cp = args.indexOf("-cp");
    if (cp < 0 || cp + 1 >= args.size()) {
      return "(unknown)";
    }
    return Arrays.stream(args.get(cp + 1).split(File.pathSeparator))
        .map(entry -> Path.of(entry).getFileName().toString())
        .filter(name -> name.startsWith(prefix) && name.endsWith(".jar"))
        .map(name -> name.substring(0, name.length() - 4))
        .findFirst().orElse("(unknown)");
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[bench %5.1fs] %s%n", seconds(System.nanoTime() - t0),
        args.length == 0 ? format : String.format(Locale.ROOT, format, args));
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  private static double ms(long nanos) {
    return round(nanos / 1e6, 3);
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
