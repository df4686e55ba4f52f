package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The frame of a benchmark that drives a forked media-edge ({@link ForkedEdge}): one run per work
 * directory, the parts of the result every such benchmark has (machine, setup, media-edge's
 * summary and timeline, failures, timings), the result file and the table's frame. A subclass
 * measures, adds its own setup facts and success condition, and prints its rows of the table.
 */
abstract class ForkedEdgeBench {
  protected final BenchOptions options;
  protected final BenchRun run;
  protected final JsonObject result = new JsonObject();
  protected final List<String> failures = new ArrayList<>();
  protected ForkedEdge edge;

  ForkedEdgeBench(String name, BenchOptions options) {
    this.run = new BenchRun(name);
    this.options = options;
  }

  /**
   * The parsed options, or null after printing the usage for {@code --help}; a mistake prints it
   * with the reason and exits with 2.
   */
  static <O> O parseOrExit(String name, String[] args, Function<String[], O> parse, String usage) {
    try {
      return parse.apply(args);
    } catch (BenchOptions.UsageException help) {
      System.out.print(usage);
      return null;
    } catch (IllegalArgumentException e) {
      System.err.println(name + ": " + e.getMessage());
      System.err.print(usage);
      System.exit(2);
      return null;
    }
  }

  /** The whole run, stack and media-edge stopped at the end whatever happens; the exit code. */
  final int run(String[] args) {
    if (!WorkDirLock.hold(options.workDir(), run.name())) {
      return 2;
    }
    result.put("benchmark", run.name())
        .put("startedAt", run.started().toString())
        .put("arguments", new JsonArray(List.of((Object[]) args)))
        .put("machine", BenchFigures.machine());
    try {
      edge = ForkedEdge.start(options, run, this::clientPosition);
      measure();
    } catch (Exception | Error e) { // an Error too: a half-built target/classes gives NoClassDefFoundError
      failures.add(BenchRun.lastChars(e.toString(), 1500));
      e.printStackTrace();
      if (edge != null) {
        result.put("failureEvidence", edge.failureEvidence());
      }
    } finally {
      if (edge != null) {
        result.put("setup", edge.setup().copy()
            .put("sizeBytes", options.size())
            .put("seed", options.seed())
            .put("xmx", options.xmx())
            .mergeIn(setupFacts()));
        JsonObject summary = edge.stop();
        result.put("timeline", summary.remove("timeline"));
        result.put("mediaEdge", summary);
      }
    }
    afterStop();
    boolean success = failures.isEmpty() && succeeded();
    result.put("success", success).put("failures", new JsonArray(List.copyOf(failures)));
    result.put("finishedAt", Instant.now().toString())
        .put("totalSeconds", round(run.elapsedSeconds(), 1));
    result.getJsonObject("machine").put("loadAverageAtEnd", Proc.loadAverage());
    Path file = run.writeResult(options.resultsDir(), result);
    printTable(file);
    return success ? 0 : 1;
  }

  /** The file position of the body being sent now, for the sampler's timeline. */
  abstract long clientPosition();

  /** The transfers, against {@link #edge}; failures go to {@link #failures} or are thrown. */
  abstract void measure() throws Exception;

  /** This benchmark's facts for the result's {@code setup}. */
  abstract JsonObject setupFacts();

  /** Whether every transfer succeeded ({@link #failures} is checked as well). */
  abstract boolean succeeded();

  /** The table's first line. */
  abstract String title();

  /** This benchmark's rows of the table. */
  abstract void tableBody(StringBuilder t);

  /** Once everything has stopped, before success is decided: figures made from the others. */
  void afterStop() {}

  private void printTable(Path file) {
    StringBuilder t = new StringBuilder("\n");
    JsonObject setup = result.getJsonObject("setup", new JsonObject());
    JsonObject machine = result.getJsonObject("machine");
    t.append(title()).append(String.format(Locale.ROOT, "%nmedia-edge -Xmx%s; %d cores, Java %s, load %s -> %s%n",
        options.xmx(), machine.getInteger("cores"), machine.getString("javaVersion"),
        machine.getString("loadAverageAtStart"), machine.getString("loadAverageAtEnd")));
    t.append(String.format(Locale.ROOT, "TLS: %s; config: %s%n",
        setup.getJsonObject("edge", new JsonObject()).getString("tlsEngine", "?"),
        setup.getJsonObject("edgeConfig", new JsonObject()).encode()));
    tableBody(t);
    JsonObject me = result.getJsonObject("mediaEdge", new JsonObject());
    t.append(String.format(Locale.ROOT, "%nmedia-edge overall: peak RSS %s MiB, max heap before/after GC %s/%s MiB, %s%n",
        me.getValue("peakRssMiB", "-"), me.getValue("maxHeapBeforeGcMiB", "-"),
        me.getValue("maxHeapAfterGcMiB", "-"), me.getString("collector", "")));
    t.append(result.getBoolean("success") ? "RESULT: SUCCESS" : "RESULT: FAILED " + result.getJsonArray("failures"));
    t.append("\nwritten to ").append(file).append('\n');
    System.out.print(t);
  }

  /** The rows every phase has ({@link ForkedEdge#end}), for two phases side by side. */
  static void phaseRows(StringBuilder t, String row, JsonObject a, JsonObject b) {
    t.append(String.format(Locale.ROOT, row, "edge peak heap used MiB", a.getValue("peakHeapUsedMiB", "-"),
        b.getValue("peakHeapUsedMiB", "-")));
    t.append(String.format(Locale.ROOT, row, "edge max heap after GC MiB", a.getValue("maxHeapAfterGcMiB", "-"),
        b.getValue("maxHeapAfterGcMiB", "-")));
    t.append(String.format(Locale.ROOT, row, "edge peak RSS MiB", a.getValue("peakRssMiB", "-"),
        b.getValue("peakRssMiB", "-")));
    t.append(String.format(Locale.ROOT, row, "edge GCs young/full, GC s", gcCell(a), gcCell(b)));
    t.append(String.format(Locale.ROOT, row, "edge heap allocated MiB", gcValue(a, "allocatedMiBApprox"),
        gcValue(b, "allocatedMiBApprox")));
    t.append(String.format(Locale.ROOT, row, "CPU s edge/s3/client", cpuCell(a, "mediaEdge", "s3", "client"),
        cpuCell(b, "mediaEdge", "s3", "client")));
    t.append(String.format(Locale.ROOT, row, "CPU s cassandra/kafka", cpuCell(a, "cassandra", "kafka"),
        cpuCell(b, "cassandra", "kafka")));
  }

  private static String gcCell(JsonObject phase) {
    JsonObject gc = phase.getJsonObject("gc");
    return gc == null ? "-" : gc.getValue("youngGcs") + "/" + gc.getValue("fullGcs") + ", " + gc.getValue("gcSeconds");
  }

  private static String gcValue(JsonObject phase, String key) {
    JsonObject gc = phase.getJsonObject("gc");
    return gc == null ? "-" : String.valueOf(gc.getValue(key));
  }

  private static String cpuCell(JsonObject phase, String... jvms) {
    JsonObject cpu = phase.getJsonObject("cpuSeconds");
    if (cpu == null) {
      return "-";
    }
    List<String> values = new ArrayList<>();
    for (String jvm : jvms) {
      values.add(String.valueOf(cpu.getValue(jvm)));
    }
    return String.join("/", values);
  }

  static String yesNo(Boolean b) {
    return b == null ? "-" : b ? "yes" : "NO";
  }
}
