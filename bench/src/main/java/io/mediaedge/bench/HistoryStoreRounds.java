package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.BenchFigures.seconds;
import static io.mediaedge.bench.HistoryLatencyBench.CONTENT_TYPE;
import static io.mediaedge.bench.HistoryLatencyBench.TIMEOUT_S;

import io.mediaedge.EdgeServer;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.events.OutboxRelay;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.MediaRecord;
import io.mediaedge.history.QuotaStore;
import io.mediaedge.media.MediaId;
import io.mediaedge.storage.ObjectKeys;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * The Cassandra calls of one upload, timed directly on media-edge's own {@link QuotaStore} and
 * {@link HistoryStore}, exactly as {@code UploadFlow} makes them: before the body is streamed
 * {@code quotas.reserve} and {@code history.recordIntent}, after the S3 write {@code quotas.commit}
 * and {@code history.recordUpload}, the last one followed, untimed, by the immediate Kafka publish
 * the flow does after answering. Rounds run from Vert.x event-loop contexts as the HTTP verticles
 * do, one at a time or several in flight.
 */
final class HistoryStoreRounds {
  /** The steps of one upload's Cassandra work, in the order of the timings. */
  private static final List<String> STEPS =
      List.of("reserve", "recordIntent", "beforeS3", "commit", "recordUpload", "afterS3", "total");

  private final HistoryLatencyOptions options;
  private final EdgeServer server;
  private final EdgeConfig config;
  private final DevStack dev;
  private final List<String> failures;
  private final Consumer<String> console;
  private final List<Context> contexts = new CopyOnWriteArrayList<>();

  /** Rounds on {@code server}'s stores; failed runs are added to {@code failures}. */
  HistoryStoreRounds(HistoryLatencyOptions options, EdgeServer server, EdgeConfig config, DevStack dev,
      List<String> failures, Consumer<String> console) {
    this.options = options;
    this.server = server;
    this.config = config;
    this.dev = dev;
    this.failures = failures;
    this.console = console;
  }

  /**
   * One driver context per media-edge event loop, made the way the HTTP verticles get theirs (a
   * verticle per event loop), so the store calls run, and complete, on event loops as in the flow.
   */
  void deployDrivers(Vertx vertx) throws Exception {
    int instances = config.server().eventLoopsOrCores();
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        contexts.add(vertx.getOrCreateContext());
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(instances)).await(TIMEOUT_S, TimeUnit.SECONDS);
  }

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

  /**
   * One run named {@code name}: warm-up rounds, then {@code iterations} recorded rounds,
   * {@code concurrency} in flight; its percentiles per step, throughput and CPU per round.
   */
  JsonObject run(String name, int concurrency, int iterations) throws Exception {
    QuotaStore quotas = server.history().quotas();
    HistoryStore history = server.history().history();
    OutboxRelay relay = server.relay();
    int perWorker = options.users() / concurrency;

    // Warm-up first (its own rounds, not recorded), with the same concurrency.
    console.accept(String.format(Locale.ROOT, "%s: %d warm-up rounds, %d in flight ...", name, options.warmup(),
        concurrency));
    runWorkers(concurrency, options.warmup(), perWorker, quotas, history, relay);

    console.accept(String.format(Locale.ROOT,
        "%s: %d recorded rounds of reserve -> recordIntent -> commit -> recordUpload, %d in flight ...", name,
        iterations, concurrency));
    HistoryCpuMark cpu = new HistoryCpuMark(dev);
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
    merged.steps.forEach((step, h) -> steps.put(step, HistoryLatencyReport.percentiles(h)));
    run.put("latencyMs", steps);
    if (merged.failures > 0) {
      failures.add(name + ": " + merged.failures + " of " + iterations + " rounds failed, first: " + merged.firstFailure);
    }
    JsonObject total = steps.getJsonObject("total");
    console.accept(String.format(Locale.ROOT, "%s: total p50 %.3f ms, p99 %.3f ms, %.0f rounds/s", name,
        total.getDouble("p50"), total.getDouble("p99"), iterations / wall));
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
          return history.recordUpload(media, event, Optional.empty());
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

  /** The owner of index {@code index}: the rounds and the whole uploads name their users alike. */
  static String owner(int index) {
    return "bench-user-" + index;
  }

  private static String randomSha256() {
    byte[] bytes = new byte[32];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
