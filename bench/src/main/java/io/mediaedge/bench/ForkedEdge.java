package io.mediaedge.bench;

import io.mediaedge.testing.DevStackConfig;
import static io.mediaedge.bench.BenchFigures.mib;
import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.BenchFigures.seconds;

import io.mediaedge.config.EdgeConfig;
import io.mediaedge.devstack.DevCertificates;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.devstack.FreePorts;
import io.mediaedge.it.EdgeClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;

/**
 * media-edge in a JVM of its own with a small heap, over the real servers it needs, watched from
 * outside while a benchmark drives it.
 *
 * <p>{@link #start} starts the dev stack ({@link DevStack}: S3Mock, Cassandra and Kafka, each in
 * its own forked JVM, data under the work directory), writes {@code media-edge.yaml} from the
 * committed configuration plus the stack's endpoints and the {@code --set} overrides, and forks
 * media-edge ({@link EdgeFork}: its production entry point {@code io.mediaedge.Main --config},
 * {@code -Xmx} as asked, a GC log and a heap dump on OutOfMemoryError). Its heap is sampled with
 * jstat and its resident memory from /proc ({@link ServerSampler}). A benchmark marks each
 * transfer as a phase ({@link #begin}, {@link #end}) and gets that phase's peak heap, heap after
 * GC, peak RSS, GC counts and CPU seconds of every JVM involved. {@link #stop} summarises the
 * whole run, stops everything and deletes the servers' data. {@link ForkedEdgeFigures} lays the
 * phases and the timeline out in the result.
 */
final class ForkedEdge {
  static final String USER = "bench-user";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final BenchOptions options;
  private final BenchRun run;
  private final JsonObject setup = new JsonObject();
  private Path work;
  private Path logs;
  private DevStack dev;
  private EdgeFork edge;
  private long edgePid = -1;
  private ServerSampler sampler;
  private SSLContext trust;
  private String token;
  private URI base;
  private JsonObject config;
  private long lifetimePeakRssKiB = -1;
  private boolean hwmResettable = true;

  private ForkedEdge(BenchOptions options, BenchRun run) {
    this.options = options;
    this.run = run;
  }

  /**
   * Starts the stack and media-edge, and samples media-edge from then on; {@code clientBytes} is
   * the client's progress, recorded with each sample. On failure everything started is stopped.
   */
  static ForkedEdge start(BenchOptions options, BenchRun run, LongSupplier clientBytes) throws Exception {
    ForkedEdge forked = new ForkedEdge(options, run);
    try {
      forked.startStack();
      forked.startEdge(clientBytes);
      return forked;
    } catch (Exception | Error e) {
      forked.stop();
      throw e;
    }
  }

  private void startStack() {
    work = options.workDir().toAbsolutePath();
    logs = work.resolve("logs");
    // Fresh servers every run: data left by an interrupted run would change the figures.
    for (String dir : List.of("s3", "cassandra", "kafka", "logs")) {
      BenchFigures.deleteTree(work.resolve(dir));
    }
    run.say("starting the dev stack (S3, Cassandra, Kafka in parallel) under " + work + " ...");
    long t = System.nanoTime();
    dev = DevStack.start(work, work.resolve("certs"), 0);
    setup.put("stack", new JsonObject()
        .put("startSeconds", round(seconds(System.nanoTime() - t), 1))
        .put("s3", new JsonObject().put("server", "Adobe S3Mock (target/devstack/s3mock.jar)")
            .put("endpoint", dev.s3().endpoint().toString()).put("pid", dev.s3().pid())
            .put("startSeconds", round(dev.s3().lastStartTime().toMillis() / 1000.0, 1)))
        .put("cassandra", new JsonObject().put("version", dev.cassandra().releaseVersion())
            .put("pid", dev.cassandra().pid())
            .put("startSeconds", round(dev.cassandra().lastStartTime().toMillis() / 1000.0, 1)))
        .put("kafka", new JsonObject().put("bootstrap", dev.kafka().bootstrapServers())
            .put("pid", dev.kafka().pid())
            .put("startSeconds", round(dev.kafka().lastStartTime().toMillis() / 1000.0, 1))));
    run.say(String.format(Locale.ROOT, "dev stack ready in %.1f s", seconds(System.nanoTime() - t)));
  }

  private void startEdge(LongSupplier clientBytes) throws Exception {
    Files.createDirectories(logs);
    DevCertificates.TlsFiles tls = dev.tls();
    token = dev.token(USER, Duration.ofHours(6));
    trust = EdgeClient.trusting(tls.caCert());
    config = edgeConfig(FreePorts.pick());
    Path configFile = work.resolve("media-edge.yaml");
    Map<String, String> storageKeys = Map.of("MEDIA_EDGE_STORAGE_ACCESS_KEY", dev.s3().accessKey(),
        "MEDIA_EDGE_STORAGE_SECRET_KEY", dev.s3().secretKey());
    // Validate here first: a config error is clearer in this console than in the fork's log.
    EdgeConfig.fromTree(config.copy(), storageKeys, configFile.toString());
    List<String> jvmArgs = new ArrayList<>();
    if (options.nmt()) {
      jvmArgs.add("-XX:NativeMemoryTracking=summary");
    }
    jvmArgs.addAll(options.jvmArgs());
    edge = EdgeFork.prepare("media-edge", config, configFile, logs, options.xmx(), jvmArgs, options.runtimeClasspathFile(),
        storageKeys);
    base = edge.base();
    setup.put("edgeJvmArgs", new JsonArray(new ArrayList<>(edge.jvmArgs())))
        .put("configFile", configFile.toString())
        .put("configOverrides", new JsonObject(new LinkedHashMap<>(options.configOverrides())));

    run.say("starting media-edge with -Xmx" + options.xmx() + " on " + base + " ...");
    edge.start(client(HttpClient.Version.HTTP_1_1), START_TIMEOUT);
    edgePid = edge.pid();
    lifetimePeakRssKiB = Proc.statusKiB(edgePid, "VmHWM");
    JsonObject facts = edge.facts();
    setup.put("edge", facts).put("edgeConfig", EdgeConfigFacts.of(config, facts.getString("vmFlags")));
    run.say(String.format(Locale.ROOT, "media-edge up in %.1f s (pid %d, RSS %.0f MiB)",
        facts.getDouble("startSeconds"), edgePid, mib(Proc.statusKiB(edgePid, "VmRSS"))));

    sampler = new ServerSampler(edgePid, options.sampleInterval(), clientBytes).start();
    if (!sampler.awaitFirstReport(Duration.ofSeconds(10))) {
      run.say("warning: jstat reported nothing (" + sampler.jstatProblem()
          + "); heap figures will come from the GC log only");
    }
  }

  private JsonObject edgeConfig(int port) {
    JsonObject bench = new JsonObject().put("server", new JsonObject()
        .put("region", "bench")
        .put("https", new JsonObject().put("enabled", true)));
    // Normalise nested maps to JsonObjects so the overrides below can walk the tree.
    JsonObject merged = new JsonObject(DevStackConfig.tree(dev, port, 0, bench).encode());
    EdgeFork.applyOverrides(merged, options.configOverrides());
    return merged;
  }

  // ---------------------------------------------------------------------------------------------
  // What the benchmark talks to

  /** {@code https://localhost:PORT} of media-edge. */
  URI base() {
    return base;
  }

  int httpsPort() {
    return base.getPort();
  }

  /** A bearer token of {@link #USER}. */
  String token() {
    return token;
  }

  DevStack stack() {
    return dev;
  }

  /** A JDK HttpClient that trusts the dev CA (the server certificate covers localhost and 127.0.0.1). */
  HttpClient client(HttpClient.Version version) {
    return HttpClient.newBuilder().version(version).sslContext(trust)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** Facts about the servers and media-edge's settings, for the result's setup. */
  JsonObject setup() {
    return setup;
  }

  boolean isAlive() {
    return edge != null && edge.isAlive();
  }

  /** Cancels {@code transfer} and throws when media-edge has exited. */
  void checkAlive(CompletableFuture<?> transfer, String what) {
    if (edge != null && !edge.isAlive()) {
      transfer.cancel(true);
      throw new IllegalStateException("media-edge exited during " + what);
    }
  }

  /** Prints a progress line every 5 s of a transfer of {@code total} bytes. */
  TransferProgress progress(long total) {
    return new TransferProgress(run, sampler, total);
  }

  // ---------------------------------------------------------------------------------------------
  // Phases: what the JVMs used while one transfer ran

  record Phase(EdgeMemory window, Map<String, Double> cpu) {}

  Phase begin(String name) {
    if (isAlive()) {
      lifetimePeakRssKiB = Math.max(lifetimePeakRssKiB, Proc.statusKiB(edgePid, "VmHWM"));
    }
    EdgeMemory window = EdgeMemory.open(edge, sampler, name);
    if (isAlive()) {
      hwmResettable &= window.peakRssReset();
    }
    return new Phase(window, cpuNow());
  }

  /** The phase's figures: peak heap (sampled and from the GC log), heap after GC, peak RSS, GC, CPU. */
  JsonObject end(Phase phase) {
    Map<String, Double> cpuEnd = cpuNow();
    // Let the sampler take one more look, so a short phase still has samples.
    EdgeMemory.Figures f = phase.window().measure(options.sampleInterval().plusMillis(20));
    if (f.alive()) {
      lifetimePeakRssKiB = Math.max(lifetimePeakRssKiB, f.peakRssKiB());
    }
    JsonObject out = ForkedEdgeFigures.phase(f, hwmResettable, f.alive() ? EdgeNativeMemory.rss(edgePid) : null,
        phase.cpu(), cpuEnd);
    if (!f.alive() && edge != null) {
      out.put("mediaEdgeExited", true);
    }
    return out;
  }

  /** CPU seconds so far of media-edge, each server and this JVM (the client), by name. */
  private Map<String, Double> cpuNow() {
    Map<String, Double> cpu = new LinkedHashMap<>();
    cpu.put("mediaEdge", Proc.cpuSeconds(edgePid));
    cpu.put("s3", dev == null ? -1 : Proc.cpuSeconds(dev.s3().pid()));
    cpu.put("cassandra", dev == null ? -1 : Proc.cpuSeconds(dev.cassandra().pid()));
    cpu.put("kafka", dev == null ? -1 : Proc.cpuSeconds(dev.kafka().pid()));
    cpu.put("client", Proc.cpuSeconds(ProcessHandle.current().pid()));
    return cpu;
  }

  /** NMT summary of media-edge (only with --nmt): committed MiB per category, biggest first. */
  JsonObject nativeMemory(String label) {
    return EdgeNativeMemory.summary(edgePid, logs, label);
  }

  /** What explains a failed transfer: media-edge's last log lines, its heap, any heap dump. */
  JsonObject failureEvidence() {
    JsonObject evidence = new JsonObject();
    if (edge != null) {
      evidence.put("mediaEdgeAlive", edge.isAlive())
          .put("logFile", edge.logFile().toString())
          .put("logTail", edge.logTail(60));
      if (edge.isAlive()) {
        evidence.put("heapInfo", Proc.jcmd(edgePid, "GC.heap_info"));
      }
    }
    if (logs != null) {
      evidence.put("heapDumps", new JsonArray(BenchFigures.heapDumps(logs)));
    }
    return evidence;
  }

  /** Lines of media-edge's log that match {@code regex} (e.g. its cut PATCHes). */
  List<String> logLines(String regex) {
    return edge == null ? List.of() : BenchFigures.grepAll(edge.logFile(), regex);
  }

  // ---------------------------------------------------------------------------------------------
  // The end

  /**
   * Stops media-edge and the stack, keeps the servers' logs under {@code logs/}, deletes their data
   * (unless --keep-data) and returns media-edge's summary over the whole run, with a one-row-per-
   * second timeline. Safe after a failed start.
   */
  JsonObject stop() {
    JsonObject summary = new JsonObject();
    if (sampler != null) {
      sampler.close();
      if (sampler.jstatProblem() != null) {
        summary.put("samplerProblem", sampler.jstatProblem());
      }
      summary.put("timeline", ForkedEdgeFigures.timeline(sampler.samples()));
    }
    if (edge != null) {
      if (edge.isAlive()) {
        lifetimePeakRssKiB = Math.max(lifetimePeakRssKiB, Proc.statusKiB(edgePid, "VmHWM"));
        summary.put("heapInfoAtEnd", Proc.jcmd(edgePid, "GC.heap_info").trim());
      } else {
        summary.put("exitedEarly", true);
      }
      List<GcLog.Event> gcs = GcLog.read(edge.gcLog());
      summary.put("collector", GcLog.collector(edge.gcLog()))
          .put("peakRssMiB", mib(lifetimePeakRssKiB))
          .put("peakRssNote", hwmResettable ? "max of VmHWM over all phases (VmHWM is reset per phase)"
              : "VmHWM at the end")
          .put("maxHeapBeforeGcMiB", mib(gcs.stream().mapToLong(GcLog.Event::beforeKiB).max().orElse(-1)))
          .put("maxHeapAfterGcMiB", mib(gcs.stream().mapToLong(GcLog.Event::afterKiB).max().orElse(-1)))
          .put("gcPauses", gcs.size())
          .put("gcPauseMsTotal", round(gcs.stream().mapToDouble(GcLog.Event::pauseMs).sum(), 1))
          .put("logFile", edge.logFile().toString())
          .put("gcLogFile", edge.gcLog().toString());
      run.say("stopping media-edge ...");
      edge.stop();
      List<String> errors = BenchFigures.grepAll(edge.logFile(), "(?i)(OutOfMemory|Exception|ERROR|WARN)");
      summary.put("logErrorsAndWarnings", new JsonArray(errors.stream().limit(40).toList()))
          .put("logErrorsAndWarningsCount", errors.size());
    }
    if (dev != null) {
      run.say("stopping S3, Cassandra and Kafka ...");
      dev.close();
      keepServerLogs();
      if (!options.keepData()) {
        for (String dir : List.of("s3", "cassandra", "kafka")) {
          BenchFigures.deleteTree(work.resolve(dir));
        }
      }
      summary.put("serverDataDeleted", !options.keepData());
    }
    return summary;
  }

  /** The servers' logs live in their data directories: copy them out before the data goes. */
  private void keepServerLogs() {
    Map<String, Path> files = Map.of("s3mock.log", dev.s3().logFile(), "cassandra.log", dev.cassandra().logFile(),
        "kafka.log", dev.kafka().logFile());
    for (Map.Entry<String, Path> file : files.entrySet()) {
      try {
        if (file.getValue() != null && Files.isRegularFile(file.getValue())) {
          Files.createDirectories(logs);
          Files.copy(file.getValue(), logs.resolve(file.getKey()), StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException | RuntimeException e) {
        run.say("could not keep " + file.getKey() + ": " + e);
      }
    }
  }

}
