package io.mediaedge.bench;

import io.mediaedge.devstack.DevStack;
import io.mediaedge.it.MediaSamples;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Scenario 6 of the benchmark suite, slow and idle clients: the dev stack and a media-edge JVM;
 * well-behaved clients upload 100 KiB-1 MiB bodies in a loop, first alone (baseline), then while
 * thousands of hostile connections (slowloris headers, a body at 100 B/s, idle after the TLS
 * handshake, idle kept-alive, idle without a handshake) are opened and held. Reported: the
 * well-behaved clients' latency per phase, media-edge's heap, RSS and open files during the attack,
 * and per hostile kind how many connections the server closed, after how long, with what answer.
 * Run it with {@code bench/slow-clients.sh}; see bench/README.md.
 */
public final class SlowClientsBench {
  static final String USAGE = """
      Usage: bench/slow-clients.sh [options]
        --quick               1,000 hostile connections and shorter phases
        --connections N       hostile connections (default 10000; quick 1000)
        --clients N           well-behaved uploading clients (default 20)
        --warmup-seconds S    well-behaved load before the baseline, not counted (default 10; quick 5)
        --baseline-seconds S  well-behaved load alone (default 30; quick 10); the phase after the
                              attack lasts as long, at most 15 s
        --attack-seconds S    with the hostile connections (default 60; quick 30)
        --ramp-seconds S      the hostile connections open evenly over this (default 20; quick 5)
        --think-ms MS         pause between one client's uploads (default 100)
        --trickle-ms MS       slowloris: one header line this often (default 2000)
        --reconnect yes|no    hostile slots reconnect when closed, holding the count (default no)
        --xmx SIZE            media-edge's heap (default 256m)
        --set PATH=VALUE      media-edge configuration override (repeatable); applied after the
                              bench's shorter guards (see bench/README.md)
        --jvm-arg ARG         extra option for the media-edge JVM (repeatable)
        --results DIR         where the JSON goes (default bench/results)
        --work DIR            scratch directory (default target/bench-slow)
      """;
  /** Guards shortened so the run stays short: every hostile kind meets its guard within the attack phase. */
  static final Map<String, String> SHORT_GUARDS = Map.of(
      "server.headerTimeout", "10s",
      "server.idleTimeout", "15s",
      // media-edge wants the budget wait shorter than the idle timeout (a waiting upload is idle)
      "upload.budgetWait", "10s",
      "server.minUploadRate", "8KiB",
      "server.minUploadRateInterval", "10s");

  private final ScenarioArgs args;
  private final long t0 = System.nanoTime();
  private final JsonObject result = new JsonObject();
  private final List<String> failures = new ArrayList<>();
  private volatile String phase = "warmup";
  private volatile boolean loadRunning = true;
  private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Integer>> outcomes = new ConcurrentHashMap<>();
  private ScenarioStack stack;
  private DevStack dev;
  private EdgeFork edge;
  private ServerSampler sampler;
  private HttpClient client;

  private SlowClientsBench(ScenarioArgs args) {
    this.args = args;
  }

  public static void main(String[] argv) {
    ScenarioArgs args = ScenarioArgs.parseOrExit(argv, Set.of("connections", "clients", "warmup-seconds",
        "baseline-seconds", "attack-seconds", "ramp-seconds", "think-ms", "trickle-ms", "reconnect"),
        "slow-clients", USAGE);
    if (args != null) {
      System.exit(new SlowClientsBench(args).run(argv));
    }
  }

  private int run(String[] argv) {
    Instant started = Instant.now();
    int connections = args.integer("connections", 10_000, 1_000);
    int clients = args.integer("clients", 20, 20);
    int warmupSeconds = args.integer("warmup-seconds", 10, 5);
    int baselineSeconds = args.integer("baseline-seconds", 30, 10);
    int attackSeconds = args.integer("attack-seconds", 60, 30);
    int rampSeconds = args.integer("ramp-seconds", 20, 5);
    int thinkMs = args.integer("think-ms", 100, 100);
    int trickleMs = args.integer("trickle-ms", 2000, 2000);
    boolean reconnect = args.get("reconnect", "no", "no").startsWith("y");
    String xmx = args.xmx("256m");
    Path work = args.work("target/bench-slow");
    Map<String, String> overrides = new LinkedHashMap<>(new java.util.TreeMap<>(SHORT_GUARDS));
    overrides.putAll(args.overrides());
    result.put("scenario", "slow-clients")
        .put("startedAt", started.toString())
        .put("arguments", new JsonArray(List.of((Object[]) argv)))
        .put("quick", args.quick())
        .put("machine", BenchFigures.machine().put("loadJvmOpenFileLimit", Proc.limit(ProcessHandle.current().pid(),
            "Max open files")))
        .put("settings", new JsonObject().put("hostileConnections", connections).put("wellBehavedClients", clients)
            .put("wellBehavedBodies", "100 KiB - 1 MiB image/jpeg, uniform, think time " + thinkMs + " ms")
            .put("warmupSeconds", warmupSeconds).put("baselineSeconds", baselineSeconds)
            .put("attackSeconds", attackSeconds)
            .put("rampSeconds", rampSeconds).put("slowlorisTrickleMs", trickleMs).put("slowBodyBytesPerSecond", 100)
            .put("reconnect", reconnect).put("hostileMix", "equal shares, in turn: "
                + java.util.Arrays.toString(HostileConnections.Kind.values()))
            .put("xmx", xmx).put("configOverrides", new JsonObject(new LinkedHashMap<>(overrides))));
    HostileConnections hostile = null;
    List<Thread> workers = new ArrayList<>();
    try {
      startStack(work, xmx, overrides);
      for (int i = 0; i < clients; i++) {
        int index = i;
        Thread t = new Thread(() -> uploadLoop(index, thinkMs), "well-behaved-" + i);
        t.setDaemon(true);
        t.start();
        workers.add(t);
      }
      say("warming up (" + warmupSeconds + " s) ...");
      Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
      JsonObject phases = new JsonObject();
      phases.put("baseline", phase("baseline", baselineSeconds, null));
      hostile = new HostileConnections(edge.base().getPort(), dev.token("slow-body", Duration.ofHours(2)),
          trickleMs, reconnect);
      List<HostileConnections.Kind> kinds = List.of(HostileConnections.Kind.values());
      hostile.start(connections, kinds, rampSeconds * 1000L);
      say(String.format(Locale.ROOT, "attack: %,d hostile connections over %d s ...", connections, rampSeconds));
      phases.put("attack", phase("attack", attackSeconds, hostile));
      hostile.stop();
      phases.put("after", phase("after", Math.min(15, baselineSeconds), null));
      result.put("phases", phases);
      result.put("hostile", hostile.report());
      result.getJsonObject("settings").put("hostileTlsEngine", hostile.tlsEngine());
    } catch (Exception | Error e) {
      failures.add(e.toString());
      e.printStackTrace();
    } finally {
      loadRunning = false;
      workers.forEach(t -> {
        try {
          t.join(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      if (hostile != null) {
        hostile.close();
      }
      finish();
    }
    result.put("table", table());
    boolean success = failures.isEmpty();
    result.put("success", success).put("failures", new JsonArray(List.copyOf(failures)))
        .put("finishedAt", Instant.now().toString())
        .put("totalSeconds", BenchFigures.round(BenchFigures.seconds(System.nanoTime() - t0), 1));
    result.getJsonObject("machine").put("loadAverageAtEnd", Proc.loadAverage());
    Path file = BenchFigures.writeResult(args.results(), "slow-clients", started, result);
    printTable(file);
    return success ? 0 : 1;
  }

  private void startStack(Path work, String xmx, Map<String, String> overrides) throws Exception {
    say("starting the dev stack (S3Mock, Cassandra, Kafka) ...");
    stack = ScenarioStack.start(work);
    dev = stack.dev();
    client = stack.client();
    JsonObject config = stack.edgeConfig(overrides);
    say("starting media-edge -Xmx" + xmx + " ...");
    edge = stack.startEdge(config, "logs", xmx, args);
    JsonObject server = config.getJsonObject("server");
    result.put("edge", edge.facts().put("guards", new JsonObject()
        .put("server.headerTimeout", server.getValue("headerTimeout"))
        .put("server.idleTimeout", server.getValue("idleTimeout"))
        .put("server.minUploadRate", server.getValue("minUploadRate"))
        .put("server.minUploadRateInterval", server.getValue("minUploadRateInterval"))
        .put("upload.memoryBudget", config.getJsonObject("upload").getValue("memoryBudget"))
        .put("upload.budgetWait", config.getJsonObject("upload").getValue("budgetWait"))));
    sampler = new ServerSampler(edge.pid(), Duration.ofMillis(250), () -> 0).start();
    sampler.awaitFirstReport(Duration.ofSeconds(10));
  }

  /** Runs the well-behaved load for {@code seconds} under the label {@code name}; samples media-edge. */
  private JsonObject phase(String name, int seconds, HostileConnections hostile) throws InterruptedException {
    latency.put(name, new Histogram(TimeUnit.MINUTES.toNanos(10), 3));
    outcomes.put(name, new ConcurrentHashMap<>());
    EdgeMemory window = EdgeMemory.open(edge, sampler, name);
    // Who burned the two cores in this phase: the load generator (well-behaved and hostile clients
    // in this one JVM), media-edge, S3, Cassandra, Kafka.
    SuiteCpuMark cpu = new SuiteCpuMark(edge.pid(), null, dev);
    phase = name;
    say("phase " + name + ": " + seconds + " s");
    long start = System.nanoTime();
    int maxFds = 0;
    int maxHostileOpen = 0;
    long lastPrint = start;
    while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
      Thread.sleep(250);
      maxFds = Math.max(maxFds, openFiles(edge.pid()));
      if (hostile != null) {
        maxHostileOpen = Math.max(maxHostileOpen, hostile.openNow());
      }
      if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(5)) {
        lastPrint = System.nanoTime();
        Histogram h = latency.get(name);
        say(String.format(Locale.ROOT, "  %s: %d uploads, p50 %.0f ms, p99 %.0f ms, hostile open %s, edge fds %d",
            name, h.getTotalCount(), h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
            hostile == null ? "-" : hostile.openNow(), openFiles(edge.pid())));
      }
    }
    phase = "between";
    double wall = BenchFigures.seconds(System.nanoTime() - start);
    Histogram h = latency.get(name);
    return new JsonObject()
        .put("seconds", BenchFigures.round(wall, 1))
        .put("uploads", h.getTotalCount())
        .put("uploadsPerSecond", BenchFigures.round(h.getTotalCount() / wall, 1))
        .put("latencyMs", BenchFigures.latencyMs(h))
        .put("outcomes", new JsonObject(new LinkedHashMap<>(outcomes.get(name))))
        .put("edgeMaxOpenFiles", maxFds)
        .put("hostileMaxOpen", hostile == null ? null : maxHostileOpen)
        .put("edgeMemory", window.close())
        .put("cpuSeconds", cpu.since());
  }

  private void uploadLoop(int index, int thinkMs) {
    SplittableRandom random = new SplittableRandom(index);
    String token = dev.token("well-behaved-" + index, Duration.ofHours(2));
    while (loadRunning) {
      int size = random.nextInt(100 << 10, (1 << 20) + 1);
      GeneratedBody body = new GeneratedBody(size, random.nextLong(), MediaSamples.JPEG_HEAD);
      String label = phase;
      long start = System.nanoTime();
      String outcome;
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(edge.base().resolve("/v1/media"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "image/jpeg")
            .timeout(Duration.ofMinutes(2))
            .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> body), size))
            .build(), BodyHandlers.ofString());
        long took = System.nanoTime() - start;
        boolean ok = r.statusCode() == 201 && body.sha256Hex() != null
            && body.sha256Hex().equals(new JsonObject(r.body()).getString("sha256"));
        outcome = ok ? "201" : r.statusCode() + " " + MediaClient.errorCode(r.body());
        Histogram h = latency.get(label);
        if (ok && h != null && label.equals(phase)) {
          synchronized (h) {
            h.recordValue(Math.min(took, TimeUnit.MINUTES.toNanos(10)));
          }
        }
      } catch (Exception e) {
        outcome = e.getClass().getSimpleName();
      }
      Map<String, Integer> counts = outcomes.get(label);
      if (counts != null) {
        counts.merge(outcome, 1, Integer::sum);
      }
      try {
        Thread.sleep(thinkMs);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static int openFiles(long pid) {
    String[] fds = Path.of("/proc", Long.toString(pid), "fd").toFile().list();
    return fds == null ? -1 : fds.length;
  }

  private void finish() {
    if (sampler != null) {
      sampler.close();
    }
    if (edge != null) {
      say("stopping media-edge ...");
      if (!edge.stopAndReport(result)) {
        failures.add("media-edge exited");
      }
    }
    if (stack != null) {
      say("stopping the dev stack ...");
      stack.close();
    }
  }

  private JsonArray table() {
    JsonArray rows = new JsonArray();
    JsonObject phases = result.getJsonObject("phases", new JsonObject());
    JsonObject hostile = result.getJsonObject("hostile", new JsonObject());
    int closed = 0;
    int opened = 0;
    for (String kind : hostile.fieldNames()) {
      closed += hostile.getJsonObject(kind).getInteger("closedByServer", 0);
      opened += hostile.getJsonObject(kind).getInteger("opened", 0);
    }
    for (String name : phases.fieldNames()) {
      JsonObject p = phases.getJsonObject(name);
      JsonObject lat = p.getJsonObject("latencyMs", new JsonObject());
      JsonObject mem = p.getJsonObject("edgeMemory", new JsonObject());
      JsonObject row = new JsonObject().put("system", "media-edge").put("variant", name)
          .put("uploads", p.getValue("uploads")).put("uploadsPerSecond", p.getValue("uploadsPerSecond"))
          .put("errors", p.getJsonObject("outcomes", new JsonObject()).fieldNames().stream()
              .filter(k -> !k.equals("201")).mapToInt(k -> p.getJsonObject("outcomes").getInteger(k)).sum())
          .put("p50ms", lat.getValue("p50")).put("p99ms", lat.getValue("p99"))
          .put("peakHeapMiB", mem.getValue("peakHeapUsedMiB")).put("peakRssMiB", mem.getValue("peakRssMiB"))
          .put("edgeMaxOpenFiles", p.getValue("edgeMaxOpenFiles"));
      if (name.equals("attack")) {
        row.put("hostileOpened", opened).put("hostileClosedByServer", closed);
      }
      rows.add(row);
    }
    return rows;
  }

  private void printTable(Path file) {
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%nslow-clients: %s%n",
        result.getJsonObject("settings", new JsonObject()).encode()));
    for (Object o : result.getJsonArray("table")) {
      t.append(((JsonObject) o).encode()).append('\n');
    }
    JsonObject hostile = result.getJsonObject("hostile", new JsonObject());
    for (String kind : hostile.fieldNames()) {
      t.append(kind).append(": ").append(hostile.getJsonObject(kind).encode()).append('\n');
    }
    t.append(failures.isEmpty() ? "RESULT: COMPLETED" : "RESULT: FAILED " + failures);
    t.append("\nwritten to ").append(file).append('\n');
    System.out.print(t);
  }

  private void say(String message) {
    System.out.printf(Locale.ROOT, "[bench %6.1fs] %s%n", BenchFigures.seconds(System.nanoTime() - t0), message);
  }
}
