package io.mediaedge.bench;

import static io.mediaedge.bench.SuiteBench.DIRECT;
import static io.mediaedge.bench.SuiteBench.EDGE;
import static io.mediaedge.bench.SuiteBench.EDGE_NO_HISTORY;

import io.mediaedge.it.CassandraWork;
import io.mediaedge.it.MediaSamples;
import io.mediaedge.storage.ObjectKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The suite's scenario 4, many small uploads: closed-loop clients against every system, in
 * rotating order. Two variants: one user per client, 100 KiB-2 MiB bodies, also against a second
 * media-edge with history off (edge-no-history); and every client one user (an album going up,
 * {@code small-one-user}), where media-edge's uploads race on that user's quota row.
 */
final class SmallUploadsScenario extends SuiteScenario {
  private static final int MIN_SMALL = 100 * 1024;
  private static final int MAX_SMALL = 2 * 1024 * 1024;

  /** How one variant sends: its label in the console, the body size of client c's next request, its token. */
  private interface Variant {
    String describe(int clients, String system);

    int size(Random sizes);

    String token(int client, int round);

    /** The user {@link #token} names. */
    String owner(int client, int round);
  }

  SmallUploadsScenario(SuiteOptions options, SuiteStack stack, List<String> failures, Consumer<String> console) {
    super(options, stack, failures, console);
  }

  /** Scenario 4: a user per client, beside a history-off media-edge. */
  JsonObject run() throws Exception {
    // The history-off media-edge runs beside the main one for this scenario only, same heap.
    try (EdgeFork noHistory = stack.forkNoHistoryEdge()) {
      return run(noHistory);
    }
  }

  private JsonObject run(EdgeFork noHistory) throws Exception {
    String[] tokens = new String[options.clients()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = stack.dev().token("bench-small-" + i, Duration.ofHours(6));
    }
    List<String> systems = stack.systems(true);
    systems.add(1, EDGE_NO_HISTORY);
    JsonArray runs = turns("4", systems, options.clients(), noHistory, new Variant() {
      @Override
      public String describe(int clients, String system) {
        return clients + " clients uploading 100 KiB-2 MiB bodies to " + system;
      }

      @Override
      public int size(Random sizes) {
        return MIN_SMALL + sizes.nextInt(MAX_SMALL - MIN_SMALL + 1);
      }

      @Override
      public String token(int client, int round) {
        return tokens[client];
      }

      @Override
      public String owner(int client, int round) {
        return "bench-small-" + client;
      }
    });
    return new JsonObject().put("clients", options.clients()).put("bodyBytes", MIN_SMALL + "-" + MAX_SMALL)
        .put("runs", runs)
        .put("mediaEdgeNoHistory", SuiteStack.edgeFacts(noHistory, false))
        .put("note", "cleartext HTTP/1.1, kept-alive connections, closed loop (each client sends its next body "
            + "when the last is answered); media-edge: image/jpeg POST /v1/media, one user per client, history "
            + "and events on; edge-no-history: the same requests to a second media-edge (same heap) with "
            + "history.enabled false (no quota, row or event; in its runs cpuSeconds.media-edge is that process); "
            + "nginx and direct: S3 PUT, a new key per request, as media-edge's uploads; for every system the "
            + "object an upload adds is deleted from S3 as soon as it is answered (counted in S3's CPU: S3Mock's "
            + "cost per request grows with the bucket's key count), and what is left after the run, so each run starts from the "
            + "same store and S3 does the same work per upload");
  }

  /**
   * Scenario 4, one user: every client uploads as the same user, {@code --one-user-size} bodies, as
   * an app sending an album does. A fresh user each round, so every round's quota row starts empty
   * (the row keeps each settled upload for a day, and grows with the run).
   */
  JsonObject runOneUser() throws Exception {
    int size = options.oneUserSize();
    String[] tokens = new String[options.repetitions()];
    for (int round = 0; round < tokens.length; round++) {
      tokens[round] = stack.dev().token("bench-album-" + (round + 1), Duration.ofHours(6));
    }
    JsonArray runs = turns("4u", stack.systems(true), options.oneUserClients(), null, new Variant() {
      @Override
      public String describe(int clients, String system) {
        return clients + " clients of one user uploading " + size / 1024 + " KiB bodies to " + system;
      }

      @Override
      public int size(Random sizes) {
        return size;
      }

      @Override
      public String token(int client, int round) {
        return tokens[round];
      }

      @Override
      public String owner(int client, int round) {
        return "bench-album-" + (round + 1);
      }
    });
    return new JsonObject().put("clients", options.oneUserClients()).put("bodyBytes", size).put("users", 1)
        .put("runs", runs)
        .put("note", "as scenario 4 (cleartext HTTP/1.1, kept-alive connections, closed loop, the same window "
            + "accounting and rotating order), but every media-edge client uploads as one user (a new one each "
            + "round), so all uploads in flight compete for that user's quota row; nginx and direct: S3 PUT, a new "
            + "key per request; each object is deleted once its upload is answered, and what is left after the run, as in scenario 4");
  }

  /** Every system's timed runs, rounds in rotating order; {@code noHistory} is null when it does not run. */
  private JsonArray turns(String tag, List<String> systems, int clients, EdgeFork noHistory, Variant variant)
      throws Exception {
    byte[] pool = new byte[MAX_SMALL];
    new Random(options.seed()).nextBytes(pool);
    System.arraycopy(MediaSamples.JPEG_HEAD, 0, pool, 0, MediaSamples.JPEG_HEAD.length);
    JsonArray runs = new JsonArray();
    Duration window = options.measure().dividedBy(options.repetitions());
    try (S3Sweep sweep = new S3Sweep(stack.dev().s3())) {
      // S3Mock and the load generator warm up once, uncounted, before the first system's turn:
      // the system that went first (media-edge, in a quick run) met a cold S3Mock, which spent 21 ms
      // of CPU per upload in that run against 12.4 for nginx three minutes later.
      say(String.format(Locale.ROOT, "[%s] warm-up: %d s of the same uploads to S3 directly, not counted ...", tag,
          options.warmup().toSeconds()));
      load(DIRECT, 0, clients, variant, pool, sweep).timed(clients, Duration.ZERO, options.warmup());
      sweep.takeDeletedSoon();
      sweep.removeAdded();
      for (SuiteRounds.Turn turn : SuiteRounds.turns(systems, options.repetitions())) {
        String system = turn.system();
        int rep = turn.round();
        LoadRun load = load(system, rep, clients, variant, pool, sweep);
        say(String.format(Locale.ROOT, "[%s] %s: %d s warm-up, %d s measured (round %d) ...", tag,
            variant.describe(clients, system), options.warmup().toSeconds(), window.toSeconds(), rep + 1));
        // "media-edge" CPU is the process under test: the history-off one in its own runs. It is
        // counted from the end of the warm-up, like the requests, so CPU per request is that of
        // the measured window (and of the in-flight answers that end the run).
        CompletableFuture<SuiteCpuMark> cpu = CompletableFuture.supplyAsync(
            () -> system.equals(EDGE_NO_HISTORY) ? stack.cpuMark(noHistory.pid()) : stack.cpuMark(),
            CompletableFuture.delayedExecutor(options.warmup().toMillis(), TimeUnit.MILLISECONDS));
        CassandraWork before = system.equals(EDGE) ? stack.cassandraWork(stack.client()) : null;
        JsonObject run = load.timed(clients, options.warmup(), window);
        run.put("system", system).put("round", rep + 1).put("cpuSeconds", cpu.join().since());
        if (before != null) {
          run.put("cassandraPerUpload", cassandraPerUpload(before));
        }
        runs.add(run);
        JsonObject l = run.getJsonObject("latencyMs");
        say("    " + run.getValue("requestsPerSecond") + " req/s, p50 " + l.getValue("p50") + " ms, p99 "
            + l.getValue("p99") + " ms, errors " + run.getValue("errors") + " " + run.getValue("outcomes"));
        run.put("objectsRemovedDuring", sweep.takeDeletedSoon()).put("objectsRemovedAfter", sweep.removeAdded());
      }
    }
    return runs;
  }

  /** Closed-loop uploads to {@code system} as round {@code rep} sends them; each answered object deleted at once. */
  private LoadRun load(String system, int rep, int clients, Variant variant, byte[] pool, S3Sweep sweep) {
    boolean edgeApi = system.equals(EDGE) || system.equals(EDGE_NO_HISTORY);
    Random[] sizes = new Random[clients];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = new Random(options.seed() * 31 + 1000L * rep + i); // the same sizes per client for every system
    }
    return new LoadRun(stack.client(), stack.executor(), (c, seq) -> {
      int size = variant.size(sizes[c]);
      HttpRequest.Builder b = HttpRequest.newBuilder(stack.target(system, false, "bench/small/" + c + "/" + seq))
          .timeout(Duration.ofSeconds(120)).header("Content-Type", "image/jpeg");
      var body = BodyPublishers.ofByteArray(pool, 0, size);
      if (edgeApi) {
        b.header("Authorization", "Bearer " + variant.token(c, rep)).POST(body);
      } else {
        b.PUT(body);
      }
      return new LoadRun.Call(b.build(), size);
    }, status -> status == (edgeApi ? 201 : 200)).onSuccess((c, seq, response) -> sweep.deleteSoon(edgeApi
        // media-edge answers with the media's path, /v1/media/{id}; it stores it under the owner's key
        ? ObjectKeys.mediaKey(variant.owner(c, rep), lastSegment(response.headers().firstValue("Location").orElseThrow()))
        : "bench/small/" + c + "/" + seq));
  }

  private static String lastSegment(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /**
   * media-edge's Cassandra requests over the run, warm-up included, per recorded upload (each
   * records one logged batch). Read a second after the run, when the last events' outbox rows
   * are deleted.
   */
  private JsonObject cassandraPerUpload(CassandraWork before) throws Exception {
    Thread.sleep(1000);
    CassandraWork spent = stack.cassandraWork(stack.client()).minus(before);
    say("    media-edge " + spent.describe("this run", "recorded upload", Math.max(1, spent.get("batch"))));
    return spent.per(spent.get("batch"));
  }
}
