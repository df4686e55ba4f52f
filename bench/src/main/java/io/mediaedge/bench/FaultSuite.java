package io.mediaedge.bench;

import io.mediaedge.AuditCommand;
import io.mediaedge.audit.AuditReport;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.devstack.FreePorts;
import io.mediaedge.testing.DevStackConfig;
import io.mediaedge.testing.S3FaultProxy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The fault suite (issue 18): the dev stack and two media-edge JVMs under steady mixed load
 * ({@link FaultLoad}), and one fault after another: Kafka paused and killed, Cassandra paused (and
 * killed, full run), S3 paused, one media-edge killed with SIGKILL mid-flight and restarted, clients
 * cutting their uploads. Each scenario ends with the load stopped, the background clean-ups given
 * their (shortened) periods, and the region audit; at the end every acknowledged upload's event is
 * looked for on the history topic. Run it with {@code bench/faults.sh}; see bench/README.md.
 */
public final class FaultSuite {
  static final String USAGE = """
      Usage: bench/faults.sh [options]
        --quick               shorter pauses, 3 kills, 100 cuts: under 10 minutes
        --only a,b            these scenarios only (baseline, kafka-pause, kafka-kill, cassandra-pause,
                              cassandra-kill, s3-pause, s3-refuse, s3-errors, edge-kill, client-cuts,
                              hostile-clients)
        --clients N           load threads (default 6)
        --kills N             SIGKILLs of one media-edge (default 20; quick 3)
        --cuts N              client cuts (default 1000; quick 100)
        --pause-seconds S     how long Kafka is paused (default 60; quick 20); Cassandra half, S3 a third
        --xmx SIZE            each media-edge's heap (default 256m)
        --results DIR         where the JSON goes (default bench/results)
        --work DIR            scratch directory (default target/bench-faults)
      """;
  /** The clean-ups get test-friendly periods, so the suite proves they run without waiting a day. */
  static final Map<String, String> CLEANUP = Map.of(
      "events.orphanGrace", "10s",
      "events.orphanCheckInterval", "2s",
      "events.sweepInterval", "1s",
      "events.relayInterval", "1s",
      "events.relayMinAge", "1s",
      // resumable uploads the load leaves unfinished when a scenario ends expire within it
      "resumable.expiry", "5m",
      "resumable.expiryCheckInterval", "5s");
  static final Duration GRACE = Duration.ofSeconds(10);

  private final ScenarioArgs args;
  private final JsonObject result = new JsonObject();
  private final List<String> failures = new ArrayList<>();
  private ScenarioStack stack;
  private DevStack dev;
  private final List<EdgeFork> edges = new ArrayList<>();
  private EdgeConfig edgeConfig;
  private FaultLoad load;
  private S3FaultProxy s3Proxy;

  private FaultSuite(ScenarioArgs args) {
    this.args = args;
  }

  public static void main(String[] argv) {
    ScenarioArgs args = ScenarioArgs.parseOrExit(argv, Set.of("only", "clients", "kills", "cuts", "pause-seconds"),
        "faults", USAGE);
    if (args != null) {
      System.exit(new FaultSuite(args).run(argv));
    }
  }

  private int run(String[] argv) {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    int pause = args.integer("pause-seconds", 60, 20);
    int kills = args.integer("kills", 20, 3);
    int cuts = args.integer("cuts", 1000, 100);
    int clients = args.integer("clients", 6, 6);
    String xmx = args.xmx("256m");
    List<String> all = args.quick()
        ? List.of("baseline", "kafka-pause", "kafka-kill", "cassandra-pause", "s3-pause", "s3-refuse", "s3-errors",
            "edge-kill", "client-cuts", "hostile-clients")
        : List.of("baseline", "kafka-pause", "kafka-kill", "cassandra-pause", "cassandra-kill", "s3-pause",
            "s3-refuse", "s3-errors", "edge-kill", "client-cuts", "hostile-clients");
    String only = args.get("only", "", "");
    List<String> scenarios = only.isEmpty() ? all : List.of(only.split(","));
    result.put("scenario", "faults").put("startedAt", started.toString())
        .put("arguments", new JsonArray(List.of((Object[]) argv))).put("quick", args.quick())
        .put("machine", BenchFigures.machine())
        .put("settings", new JsonObject().put("scenarios", new JsonArray(new ArrayList<>(scenarios)))
            .put("kafkaPauseSeconds", pause).put("cassandraPauseSeconds", pause / 2).put("s3PauseSeconds", pause / 3)
            .put("kills", kills).put("cuts", cuts).put("clients", clients).put("instances", 2).put("xmx", xmx)
            .put("cleanup", new JsonObject(new LinkedHashMap<>(CLEANUP)))
            .put("load", FaultLoad.DESCRIPTION));
    JsonArray table = new JsonArray();
    try {
      startStack(xmx);
      load = new FaultLoad(stack.client(), dev, edges, clients);
      FaultScenarios faults = new FaultScenarios(dev, edges, stack.client(), s3Proxy, this::say);
      for (String name : scenarios) {
        JsonObject row = scenario(name, faults, pause, kills, cuts);
        table.add(row);
        result.put("scenarios", table);
      }
      load.close();
      JsonObject events = new HistoryTopicCheck(dev.kafka().bootstrapServers(), edgeConfig.events().topic())
          .check(load.acknowledged(), this::say);
      result.put("events", events);
      for (int i = 0; i < table.size(); i++) {
        JsonObject row = table.getJsonObject(i);
        JsonObject ofScenario = events.getJsonObject("byScenario").getJsonObject(row.getString("name"),
            new JsonObject());
        row.put("eventsLost", ofScenario.getLong("lost", 0L)).put("eventDuplicates", ofScenario.getLong("duplicates", 0L));
        if (ofScenario.getLong("lost", 0L) > 0) {
          failures.add(row.getString("name") + ": " + ofScenario.getLong("lost") + " acknowledged uploads have no event");
        }
      }
    } catch (Exception | Error e) {
      failures.add(e.toString());
      e.printStackTrace();
    } finally {
      if (load != null) {
        load.close();
      }
      edges.forEach(EdgeFork::close);
      if (s3Proxy != null) {
        s3Proxy.close();
      }
      if (stack != null) {
        stack.close();
      }
    }
    boolean success = failures.isEmpty();
    result.put("success", success).put("failures", new JsonArray(List.copyOf(failures)))
        .put("finishedAt", Instant.now().toString())
        .put("totalSeconds", BenchFigures.round(BenchFigures.seconds(System.nanoTime() - t0), 1));
    Path file = BenchFigures.writeResult(args.results(), "faults", started, result);
    System.out.println(FaultTable.render(result));
    System.out.println("[faults] result: " + file);
    return success ? 0 : 1;
  }

  /**
   * One scenario: load alone (before), the fault (during), load until both instances upload again
   * and a little more (after); then the load stops, the clean-ups run, and the audit judges.
   */
  private JsonObject scenario(String name, FaultScenarios faults, int pause, int kills, int cuts) throws Exception {
    say("=== " + name);
    load.start(name);
    load.phase("before");
    Thread.sleep(10_000);
    load.phase("during");
    JsonObject fault = faults.run(name, pause, kills, cuts);
    long faultEnded = System.nanoTime();
    load.phase("after");
    Double recovery = load.awaitRecovery(faultEnded, Duration.ofMinutes(3));
    Thread.sleep(10_000);
    JsonObject figures = load.stop();
    say("settling: the outbox drains, deletions are swept, the reconciler's grace passes ...");
    JsonObject settle = faults.settle(edgeConfig, GRACE);
    AuditReport audit = AuditCommand.audit(edgeConfig, AuditCommand.parse(new String[] {"--grace",
        GRACE.toSeconds() + "s", "--outbox-age", "1m", "--deletion-age", "1m", "--examples", "5"}, Map.of()),
        Clock.systemUTC());
    say("audit: " + audit.summary().trim().replace("\n", " | "));
    if (audit.violations() > 0) {
      failures.add(name + ": the audit found " + audit.violations() + " violation(s)");
    }
    if (recovery == null) {
      failures.add(name + ": no upload succeeded on both instances within 3 minutes after the fault");
    }
    JsonArray liveness = figures.getJsonArray("healthz");
    for (int i = 0; i < liveness.size(); i++) {
      JsonObject probes = liveness.getJsonObject(i);
      boolean killedByDesign = name.equals("edge-kill") && i == 0;
      if (probes.getLong("failed") > 0 && !killedByDesign) {
        failures.add(name + ": " + probes.getString("instance") + " failed " + probes.getLong("failed") + " of "
            + probes.getLong("probes") + " /healthz probes");
      }
    }
    return new JsonObject().put("name", name).put("fault", fault)
        .put("recoverySeconds", recovery == null ? null : BenchFigures.round(recovery, 2))
        .put("load", figures).put("settle", settle)
        .put("audit", new JsonObject().put("violations", audit.violations()).put("report", audit.toJson()));
  }

  private void startStack(String xmx) throws Exception {
    Path work = args.work("target/bench-faults");
    say("starting the dev stack (S3Mock, Cassandra, Kafka) ...");
    stack = ScenarioStack.start(work);
    dev = stack.dev();
    Map<String, String> overrides = new LinkedHashMap<>(CLEANUP);
    overrides.putAll(args.overrides());
    JsonObject base = DevStackConfig.tree(dev, FreePorts.pick(), 0, new JsonObject());
    EdgeFork.applyOverrides(base, overrides);
    // the audit reads S3 directly; the instances go through the proxy the S3 faults switch
    edgeConfig = EdgeConfig.fromTree(new JsonObject(base.encode()), dev.storageEnv(), "the fault suite's config");
    s3Proxy = new S3FaultProxy("127.0.0.1", dev.s3().port());
    for (String name : List.of("edge-a", "edge-b")) {
      JsonObject config = new JsonObject(base.encode());
      config.getJsonObject("storage").put("endpoint", "http://127.0.0.1:" + s3Proxy.port());
      config.getJsonObject("server").getJsonObject("https").put("port", FreePorts.pick());
      config.getJsonObject("server").put("region", "faults");
      Path logs = work.resolve("logs");
      EdgeFork edge = EdgeFork.prepare(name, config, work.resolve(name + ".yaml"), logs, xmx, args.jvmArgs(),
          args.runtimeClasspath(), dev.storageEnv());
      say("starting " + name + " ...");
      edges.add(edge.start(stack.client(), Duration.ofSeconds(120)));
    }
    result.put("edges", new JsonArray(edges.stream().map(EdgeFork::facts).toList()));
  }

  private void say(String line) {
    System.out.printf(Locale.ROOT, "[faults %6.1fs] %s%n", (System.nanoTime() - T0) / 1e9, line);
  }

  private static final long T0 = System.nanoTime();
}
