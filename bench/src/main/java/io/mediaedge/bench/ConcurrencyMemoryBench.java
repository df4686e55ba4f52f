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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Scenario 3 of the benchmark suite, memory under concurrency: the dev stack (S3Mock, Cassandra,
 * Kafka) and a media-edge JVM at {@code -Xmx256m}; 200 uploads of 50 MB start at once
 * ({@code POST /v1/media}, HTTPS, HTTP/1.1, generated bodies with a known Content-Length). Every
 * upload must answer 201 with the client's SHA-256. Reported: peak heap (GC log and jstat) against
 * the configured memory budget, peak RSS, GC time share, OOM (heap dumps), MB/s, per-upload
 * latency percentiles, and the uploads that had to wait for memory (503 SERVER_BUSY, and a
 * client-side estimate of the wait). When any upload gets 503 a second variant runs with a longer
 * {@code upload.budgetWait}. Run it with {@code bench/concurrency-memory.sh}; see bench/README.md.
 */
public final class ConcurrencyMemoryBench {
  static final String USAGE = """
      Usage: bench/concurrency-memory.sh [options]
        --quick              40 uploads of 10 MB instead of 200 of 50 MB
        --uploads N          concurrent uploads (default 200; quick 40)
        --size BYTES         body size of each (default 50MB; quick 10MB)
        --long-wait DURATION upload.budgetWait of the second variant, run when the first saw 503 (default 10m)
        --xmx SIZE           media-edge's heap (default 256m)
        --set PATH=VALUE     media-edge configuration override (repeatable)
        --jvm-arg ARG        extra option for the media-edge JVM (repeatable)
        --results DIR        where the JSON goes (default bench/results)
        --work DIR           scratch directory (default target/bench-concurrency)
      """;
  /** A body counts as started (past any budget wait) once the client has handed out this much. */
  private static final long STARTED_BYTES = 8L << 20;

  private final ScenarioArgs args;
  private final long t0 = System.nanoTime();
  private final JsonObject result = new JsonObject();
  private final List<String> failures = new ArrayList<>();
  private final AtomicLong clientBytes = new AtomicLong();
  private ScenarioStack stack;
  private DevStack dev;
  private EdgeFork edge;
  private ServerSampler sampler;
  private HttpClient client;

  private ConcurrencyMemoryBench(ScenarioArgs args) {
    this.args = args;
  }

  public static void main(String[] argv) {
    ScenarioArgs args = ScenarioArgs.parseOrExit(argv, Set.of("uploads", "size", "long-wait"),
        "concurrency-memory", USAGE);
    if (args != null) {
      System.exit(new ConcurrencyMemoryBench(args).run(argv));
    }
  }

  private int run(String[] argv) {
    Instant started = Instant.now();
    int uploads = args.integer("uploads", 200, 40);
    long size = args.size("size", "50MB", "10MB");
    String xmx = args.xmx("256m");
    result.put("scenario", "concurrency-memory")
        .put("startedAt", started.toString())
        .put("arguments", new JsonArray(List.of((Object[]) argv)))
        .put("quick", args.quick())
        .put("machine", BenchFigures.machine());
    JsonArray variants = new JsonArray();
    Path work = args.work("target/bench-concurrency");
    try {
      result.put("settings", new JsonObject().put("uploads", uploads).put("sizeBytes", size)
          .put("contentType", "video/mp4").put("protocol", "HTTPS, HTTP/1.1 (JDK HttpClient)")
          .put("xmx", xmx).put("configOverrides", new JsonObject(new LinkedHashMap<>(args.overrides()))));
      say("starting the dev stack (S3Mock, Cassandra, Kafka) ...");
      stack = ScenarioStack.start(work);
      dev = stack.dev();
      client = stack.client();
      JsonObject first = variant("as configured", work, uploads, size, xmx, Map.of());
      variants.add(first);
      if (first.getInteger("serverBusy503", 0) > 0) {
        String wait = args.get("long-wait", "10m", "10m");
        say("some uploads got 503 SERVER_BUSY: running again with upload.budgetWait=" + wait);
        // A waiting upload is idle: the connection must outlive the wait (media-edge refuses otherwise).
        variants.add(variant("budgetWait=" + wait, work, uploads, size, xmx,
            Map.of("upload.budgetWait", wait, "server.idleTimeout", "23h")));
      }
    } catch (Exception | Error e) {
      failures.add(e.toString());
      e.printStackTrace();
    } finally {
      result.put("variants", variants);
      if (stack != null) {
        say("stopping the dev stack ...");
        stack.close();
      }
    }
    result.put("table", table(variants));
    boolean success = failures.isEmpty() && !variants.isEmpty()
        && variants.getJsonObject(variants.size() - 1).getBoolean("allSucceeded", false);
    result.put("success", success).put("failures", new JsonArray(List.copyOf(failures)))
        .put("finishedAt", Instant.now().toString())
        .put("totalSeconds", BenchFigures.round(BenchFigures.seconds(System.nanoTime() - t0), 1));
    result.getJsonObject("machine").put("loadAverageAtEnd", Proc.loadAverage());
    Path file = BenchFigures.writeResult(args.results(), "concurrency-memory", started, result);
    printTable(file);
    return success ? 0 : 1;
  }

  /** One media-edge JVM, the uploads all at once, its figures. */
  private JsonObject variant(String name, Path work, int uploads, long size, String xmx,
      Map<String, String> extra) throws Exception {
    Map<String, String> overrides = args.overrides();
    overrides.putAll(extra);
    JsonObject config = stack.edgeConfig(overrides);
    String logsName = "logs-" + (extra.isEmpty() ? "configured" : "long-wait");
    say("variant '" + name + "': starting media-edge -Xmx" + xmx + " ...");
    edge = stack.startEdge(config, logsName, xmx, args);
    JsonObject upload = config.getJsonObject("upload");
    JsonObject out = new JsonObject().put("variant", name)
        .put("edge", edge.facts())
        .put("config", new JsonObject()
            .put("upload.memoryBudget", upload.getValue("memoryBudget"))
            .put("upload.streamWindow", upload.getValue("streamWindow"))
            .put("upload.budgetWait", upload.getValue("budgetWait"))
            .put("storage.singlePutThreshold", config.getJsonObject("storage").getValue("singlePutThreshold"))
            .put("storage.maxConnections", config.getJsonObject("storage").getValue("maxConnections")));
    long budgetBytes = budgetBytes(String.valueOf(upload.getValue("memoryBudget")), xmx);
    warmUp();
    sampler = new ServerSampler(edge.pid(), Duration.ofMillis(250), clientBytes::get).start();
    sampler.awaitFirstReport(Duration.ofSeconds(10));
    try {
      runUploads(out, uploads, size);
    } finally {
      sampler.close();
      out.put("budgetMiB", BenchFigures.round(budgetBytes / 1048576.0, 1))
          .put("budgetNote", "upload.memoryBudget " + upload.getValue("memoryBudget")
              + ("auto".equals(upload.getValue("memoryBudget")) ? " = a quarter of the heap (the JVM's max heap)" : ""));
      JsonObject memory = out.getJsonObject("memory");
      if (memory != null && memory.getDouble("peakHeapUsedMiB") != null) {
        out.put("fixedOverheadMiB", BenchFigures.round(memory.getDouble("peakHeapUsedMiB") - budgetBytes / 1048576.0, 1));
      }
      say("stopping media-edge ...");
      if (!edge.stopAndReport(out)) {
        failures.add(name + ": media-edge exited");
      }
    }
    return out;
  }

  /**
   * A few small uploads one at a time first: a cold media-edge loads the S3 and Cassandra client
   * classes on its event loops on the first requests, which on a busy machine blocked them for
   * seconds and would be counted against the concurrent run.
   */
  private void warmUp() throws Exception {
    say("warming up (10 uploads of 1 MB) ...");
    String token = dev.token("concurrency-warmup", Duration.ofHours(2));
    for (int i = 0; i < 10; i++) {
      GeneratedBody body = new GeneratedBody(1_000_000, i, MediaSamples.MP4_HEAD);
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(edge.base().resolve("/v1/media"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "video/mp4")
          .timeout(Duration.ofMinutes(2))
          .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> body), 1_000_000)).build(),
          BodyHandlers.ofString());
      if (r.statusCode() != 201) {
        throw new IllegalStateException("warm-up upload answered " + r.statusCode() + ": " + truncate(r.body()));
      }
    }
  }

  /** The budget media-edge computes: "auto" is a quarter of the max heap (the JVM's, close to -Xmx). */
  private static long budgetBytes(String configured, String xmx) {
    if (!"auto".equalsIgnoreCase(configured)) {
      return BenchOptions.parseSize(configured);
    }
    // -Xmx units are binary: 256m is 256 MiB.
    return BenchOptions.parseSize(xmx.replaceAll("(?i)([kmg])$", "$1iB")) / 4;
  }

  private void runUploads(JsonObject out, int uploads, long size) throws Exception {
    say(String.format(Locale.ROOT, "%d uploads of %,d bytes at once ...", uploads, size));
    clientBytes.set(0);
    List<GeneratedBody> bodies = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    long[] sentAt = new long[uploads];
    long[] startedAt = new long[uploads];
    long[] doneAt = new long[uploads];
    EdgeMemory window = EdgeMemory.open(edge, sampler, "uploads");
    long start = System.nanoTime();
    for (int i = 0; i < uploads; i++) {
      GeneratedBody body = new GeneratedBody(size, 1000 + i, MediaSamples.MP4_HEAD);
      bodies.add(body);
      int index = i;
      HttpRequest request = HttpRequest.newBuilder(edge.base().resolve("/v1/media"))
          .header("Authorization", "Bearer " + dev.token("concurrency-" + i, Duration.ofHours(2)))
          .header("Content-Type", "video/mp4")
          .timeout(Duration.ofMinutes(30))
          .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> body), size))
          .build();
      sentAt[i] = System.nanoTime();
      sent.add(client.sendAsync(request, BodyHandlers.ofString())
          .whenComplete((r, e) -> doneAt[index] = System.nanoTime()));
    }
    long lastPrint = start;
    while (!sent.stream().allMatch(CompletableFuture::isDone)) {
      Thread.sleep(100);
      long total = 0;
      for (int i = 0; i < uploads; i++) {
        long p = bodies.get(i).position();
        total += p;
        if (startedAt[i] == 0 && p >= Math.min(STARTED_BYTES, size)) {
          startedAt[i] = System.nanoTime();
        }
      }
      clientBytes.set(total);
      if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(5)) {
        lastPrint = System.nanoTime();
        long done = sent.stream().filter(CompletableFuture::isDone).count();
        List<ServerSampler.Sample> s = sampler.samples();
        ServerSampler.Sample last = s.isEmpty() ? null : s.get(s.size() - 1);
        say(String.format(Locale.ROOT, "  %,6.0f MB sent, %d/%d answered, edge heap %s MiB, RSS %s MiB",
            total / 1e6, done, uploads, last == null ? "?" : BenchFigures.mib(last.heapUsedKiB()),
            last == null ? "?" : BenchFigures.mib(last.rssKiB())));
      }
      if (!edge.isAlive()) {
        sent.forEach(f -> f.cancel(true));
        break;
      }
    }
    long end = System.nanoTime();
    JsonObject memory = window.close();
    Histogram latency = new Histogram(TimeUnit.HOURS.toNanos(1), 3);
    Histogram startDelay = new Histogram(TimeUnit.HOURS.toNanos(1), 3);
    int ok = 0;
    int busy = 0;
    int shaMismatch = 0;
    int waited = 0;
    long okBytes = 0;
    Map<String, Integer> otherOutcomes = new LinkedHashMap<>();
    for (int i = 0; i < uploads; i++) {
      CompletableFuture<HttpResponse<String>> f = sent.get(i);
      String outcome;
      try {
        HttpResponse<String> r = f.getNow(null);
        if (r == null) {
          outcome = "not answered";
        } else if (r.statusCode() == 201) {
          JsonObject media = new JsonObject(r.body());
          if (media.getString("sha256", "").equals(bodies.get(i).sha256Hex()) && media.getLong("size", -1L) == size) {
            ok++;
            okBytes += size;
            latency.recordValue(Math.max(1, doneAt[i] - sentAt[i]));
            if (startedAt[i] > 0) {
              long delay = startedAt[i] - sentAt[i];
              startDelay.recordValue(Math.max(1, delay));
              waited += delay > TimeUnit.SECONDS.toNanos(1) ? 1 : 0;
            }
            continue;
          }
          shaMismatch++;
          outcome = "201 with a different sha256/size";
        } else if (r.statusCode() == 503 && r.body().contains("SERVER_BUSY")) {
          busy++;
          continue;
        } else {
          outcome = r.statusCode() + " " + truncate(r.body());
        }
      } catch (Exception e) {
        outcome = String.valueOf(e.getCause() == null ? e : e.getCause());
      }
      otherOutcomes.merge(outcome, 1, Integer::sum);
    }
    double wall = BenchFigures.seconds(end - start);
    boolean all = ok == uploads;
    out.put("allSucceeded", all)
        .put("succeeded", ok)
        .put("serverBusy503", busy)
        .put("sha256Mismatches", shaMismatch)
        .put("otherOutcomes", new JsonObject(new LinkedHashMap<>(otherOutcomes)))
        .put("wallSeconds", BenchFigures.round(wall, 2))
        .put("totalMBps", BenchFigures.round(okBytes / 1e6 / wall, 1))
        .put("latencyMs", BenchFigures.latencyMs(latency))
        .put("waitedOverOneSecond", waited)
        .put("startDelayMs", BenchFigures.latencyMs(startDelay))
        .put("startDelayNote", "client side: from send to the client handing out the first "
            + (STARTED_BYTES >> 20) + " MiB of the body (past the socket buffers, so past any budget wait); "
            + "media-edge itself neither logs nor counts budget waits")
        .put("memory", memory);
    if (!all) {
      failures.add(out.getString("variant", "") + ": " + ok + "/" + uploads + " succeeded, " + busy
          + " got 503 SERVER_BUSY, " + shaMismatch + " sha256 mismatches, other " + otherOutcomes);
    }
    say(String.format(Locale.ROOT, "  %d/%d succeeded, %d x 503, %.1f MB/s, peak heap %s MiB, GC share %s",
        ok, uploads, busy, okBytes / 1e6 / wall, memory.getValue("peakHeapUsedMiB"), memory.getValue("gcTimeShare")));
  }

  private JsonArray table(JsonArray variants) {
    JsonArray rows = new JsonArray();
    for (Object o : variants) {
      JsonObject v = (JsonObject) o;
      JsonObject m = v.getJsonObject("memory", new JsonObject());
      JsonObject lat = v.getJsonObject("latencyMs", new JsonObject());
      rows.add(new JsonObject()
          .put("system", "media-edge")
          .put("variant", v.getString("variant"))
          .put("uploads", result.getJsonObject("settings").getValue("uploads"))
          .put("sizeMB", result.getJsonObject("settings").getLong("sizeBytes") / 1e6)
          .put("succeeded", v.getValue("succeeded"))
          .put("503", v.getValue("serverBusy503"))
          .put("MBps", v.getValue("totalMBps"))
          .put("p50ms", lat.getValue("p50"))
          .put("p99ms", lat.getValue("p99"))
          .put("budgetMiB", v.getValue("budgetMiB"))
          .put("peakHeapMiB", m.getValue("peakHeapUsedMiB"))
          .put("overheadMiB", v.getValue("fixedOverheadMiB"))
          .put("peakRssMiB", m.getValue("peakRssMiB"))
          .put("gcShare", m.getValue("gcTimeShare"))
          .put("oom", v.getValue("outOfMemory")));
    }
    return rows;
  }

  private void printTable(Path file) {
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%nconcurrency-memory: %s%n",
        result.getJsonObject("settings", new JsonObject()).encode()));
    for (Object o : result.getJsonArray("table")) {
      t.append(((JsonObject) o).encode()).append('\n');
    }
    t.append(result.getBoolean("success") ? "RESULT: SUCCESS" : "RESULT: FAILED " + result.getJsonArray("failures"));
    t.append("\nwritten to ").append(file).append('\n');
    System.out.print(t);
  }

  private static String truncate(String s) {
    return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }

  private void say(String message) {
    System.out.printf(Locale.ROOT, "[bench %6.1fs] %s%n", BenchFigures.seconds(System.nanoTime() - t0), message);
  }
}
