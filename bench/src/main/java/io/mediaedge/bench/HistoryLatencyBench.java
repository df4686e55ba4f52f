package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.deleteTree;
import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.BenchFigures.seconds;

import io.mediaedge.EdgeServer;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.devstack.FreePorts;
import io.mediaedge.testing.DevStackConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
 * <p>This class starts and stops the servers and writes the result; {@link HistoryStoreRounds}
 * times the Cassandra calls, {@link HistoryEndToEnd} the whole uploads, {@link HistoryLatencyFacts}
 * and {@link HistoryLatencyReport} describe and print the result.
 *
 * <p>Run it with {@code bench/history-latency.sh}; see {@code bench/README.md}.
 */
public final class HistoryLatencyBench {
  static final String CONTENT_TYPE = "image/jpeg";
  static final long TIMEOUT_S = 120;

  private final HistoryLatencyOptions options;
  private final long t0 = System.nanoTime();
  private final JsonObject result = new JsonObject();
  private final List<String> failures = new ArrayList<>();
  private Path work;
  private DevStack dev;
  private Vertx vertx;
  private EdgeServer server;
  private EdgeConfig config;

  private HistoryLatencyBench(HistoryLatencyOptions options) {
    this.options = options;
  }

  public static void main(String[] args) {
    HistoryLatencyOptions options = ForkedEdgeBench.parseOrExit("history-latency", args, HistoryLatencyOptions::parse,
        HistoryLatencyOptions.USAGE);
    if (options == null) {
      return;
    }
    int code = new HistoryLatencyBench(options).run(args);
    // ForkedJvm's shutdown hooks stop any server still running.
    System.exit(code);
  }

  private int run(String[] args) {
    work = options.workDir().toAbsolutePath();
    // Two runs in one work directory would wipe each other's servers: one at a time.
    if (!WorkDirLock.hold(work, "history-latency")) {
      return 2;
    }
    Instant started = Instant.now();
    result.put("benchmark", "history-latency")
        .put("startedAt", started.toString())
        .put("arguments", new JsonArray(List.of((Object[]) args)))
        .put("machine", HistoryLatencyFacts.machine())
        .put("settings", HistoryLatencyFacts.settings(options, work));
    try {
      startStack();
      result.put("versions", HistoryLatencyFacts.versions(dev));
      result.put("serverSettings", HistoryLatencyFacts.serverSettings(config, dev));
      HistoryStoreRounds rounds = new HistoryStoreRounds(options, server, config, dev, failures, this::say);
      rounds.deployDrivers(vertx);
      result.put("direct", new JsonObject()
          .put("sequential", rounds.run("sequential", 1, options.iterations()))
          .put("concurrent", options.concurrency() > 0
              ? rounds.run("concurrent", options.concurrency(), options.concurrentIterations()) : null));
      if (options.uploads() > 0) {
        result.put("endToEnd", HistoryEndToEnd.run(options, server, dev, failures, this::say));
      }
      result.put("share", HistoryLatencyReport.share(result));
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
    HistoryLatencyReport.print(result, file);
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

  // ---------------------------------------------------------------------------------------------
  // Stop and result

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

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[bench %5.1fs] %s%n", seconds(System.nanoTime() - t0),
        args.length == 0 ? format : String.format(Locale.ROOT, format, args));
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
