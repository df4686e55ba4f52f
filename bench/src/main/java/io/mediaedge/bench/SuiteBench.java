package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The side-by-side suite: media-edge (forked through {@code io.mediaedge.Main}, history and events
 * on), nginx as a plain streaming proxy to the same S3 server, and S3 directly, driven from this
 * JVM and taken in rotating order so machine noise falls on all of them alike. Scenarios: one
 * large upload (cleartext and HTTPS), the flat-memory upload at -Xmx64m, many small uploads from
 * many clients (there also a second media-edge with {@code history.enabled: false}) and from many
 * clients of one user, and
 * downloads (whole and random ranges). Extra scenario scripts run afterwards and
 * their result files are folded into the table. Run it with {@code bench/suite.sh}; see
 * {@code bench/README.md}.
 *
 * <p>This class runs the suite and writes its result; the systems are {@link SuiteStack}'s, the
 * scenarios {@link LargeObjectScenarios} (1 and 5), {@link FlatMemoryScenario} (2) and
 * {@link SmallUploadsScenario} (4), the table {@link SuiteTable}'s.
 */
public final class SuiteBench {
  static final String EDGE = "media-edge";
  /** Scenario 4 only: media-edge with history, quotas and events off (no Cassandra, no Kafka). */
  static final String EDGE_NO_HISTORY = "edge-no-history";
  static final String NGINX = "nginx";
  static final String DIRECT = "direct";

  private final SuiteOptions options;
  private final long t0 = System.nanoTime();
  private final JsonObject result = new JsonObject();
  private final JsonObject scenarios = new JsonObject();
  private final List<String> failures = new ArrayList<>();
  private SuiteStack stack;
  private LargeObjectScenarios largeObject;

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
    if (!WorkDirLock.hold(options.workDir().toAbsolutePath(), "suite")) {
      return 2;
    }
    Instant started = Instant.now();
    result.put("benchmark", "suite").put("scenario", "suite").put("startedAt", started.toString())
        .put("quick", options.quick()).put("arguments", new JsonArray(List.of((Object[]) args)))
        .put("machine", MachineFacts.describe()).put("settings", settings());
    stack = new SuiteStack(options, this::say);
    largeObject = new LargeObjectScenarios(options, stack, failures, this::say);
    try {
      result.put("setup", stack.start());
      result.put("versions", stack.versions());
      for (String scenario : options.scenarios()) {
        runScenario(scenario);
      }
    } catch (Exception | Error e) {
      failures.add(e.toString());
      e.printStackTrace();
    } finally {
      stack.stop();
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
        case "large" -> scenarios.put("largeUpload", largeObject.largeUploads());
        case "download" -> scenarios.put("downloads", largeObject.downloads());
        case "small" -> scenarios.put("smallUploads",
            new SmallUploadsScenario(options, stack, failures, this::say).run());
        case "small-one-user" -> scenarios.put("smallUploadsOneUser",
            new SmallUploadsScenario(options, stack, failures, this::say).runOneUser());
        case "flat" -> scenarios.put("flatMemory", new FlatMemoryScenario(options, stack, failures, this::say).run());
        default -> throw new IllegalArgumentException(scenario);
      }
    } catch (Exception e) {
      failures.add(scenario + ": " + e);
      say("scenario " + scenario + " failed: " + e);
      e.printStackTrace();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Facts and files

  private JsonObject settings() {
    return new JsonObject().put("scenarios", new JsonArray(List.copyOf(options.scenarios())))
        .put("repetitions", options.repetitions()).put("largeSizeBytes", options.largeSize())
        .put("flatSizeBytes", options.flatSize()).put("flatXmx", options.flatXmx())
        .put("edgeXmx", options.edgeXmx()).put("smallClients", options.clients())
        .put("oneUserClients", options.oneUserClients()).put("oneUserSizeBytes", options.oneUserSize())
        .put("smallWarmupSeconds", options.warmup().toSeconds()).put("smallSeconds", options.measure().toSeconds())
        .put("ranges", options.ranges()).put("rangeClients", options.rangeClients()).put("seed", options.seed())
        .put("extraScenarios", new JsonArray(options.extraScenarios()))
        .put("client", "JDK HttpClient, HTTP/1.1, 4 threads; HdrHistogram latencies (us, 3 digits)");
  }

  private Path write(Instant started) {
    return BenchFigures.writeResult(options.resultsDir(), "suite", started, result);
  }

  void say(String message) {
    System.out.printf(Locale.ROOT, "[suite %6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, message);
  }

  static double median(List<JsonObject> runs, ToDoubleFunction<JsonObject> value) {
    double[] v = runs.stream().mapToDouble(value).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
