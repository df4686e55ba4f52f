package io.mediaedge.bench;

import static io.mediaedge.bench.SuiteBench.EDGE;
import static io.mediaedge.bench.SuiteBench.EDGE_NO_HISTORY;

import io.mediaedge.it.MediaSamples;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The suite's scenario 4, many small uploads: closed-loop clients against every system, and
 * against a second media-edge with history off (edge-no-history), in rotating order.
 */
final class SmallUploadsScenario extends SuiteScenario {
  private static final int MIN_SMALL = 100 * 1024;
  private static final int MAX_SMALL = 2 * 1024 * 1024;

  SmallUploadsScenario(SuiteOptions options, SuiteStack stack, List<String> failures, Consumer<String> console) {
    super(options, stack, failures, console);
  }

  JsonObject run() throws Exception {
    // The history-off media-edge runs beside the main one for this scenario only, same heap.
    try (EdgeFork noHistory = stack.forkNoHistoryEdge()) {
      return run(noHistory);
    }
  }

  private JsonObject run(EdgeFork noHistory) throws Exception {
    byte[] pool = new byte[MAX_SMALL];
    new Random(options.seed()).nextBytes(pool);
    System.arraycopy(MediaSamples.JPEG_HEAD, 0, pool, 0, MediaSamples.JPEG_HEAD.length);
    String[] tokens = new String[options.clients()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = stack.dev().token("bench-small-" + i, Duration.ofHours(6));
    }
    JsonArray runs = new JsonArray();
    Duration window = options.measure().dividedBy(options.repetitions());
    List<String> systems = stack.systems(true);
    systems.add(1, EDGE_NO_HISTORY);
    try (S3Sweep sweep = new S3Sweep(stack.dev().s3())) {
      for (SuiteRounds.Turn turn : SuiteRounds.turns(systems, options.repetitions())) {
        String system = turn.system();
        boolean edgeApi = system.equals(EDGE) || system.equals(EDGE_NO_HISTORY);
        int rep = turn.round();
        Random[] sizes = new Random[options.clients()];
        for (int i = 0; i < sizes.length; i++) {
          sizes[i] = new Random(options.seed() * 31 + 1000L * rep + i); // the same sizes per client for every system
        }
        LoadRun load = new LoadRun(stack.client(), stack.executor(), (c, seq) -> {
          int size = MIN_SMALL + sizes[c].nextInt(MAX_SMALL - MIN_SMALL + 1);
          HttpRequest.Builder b = HttpRequest.newBuilder(stack.target(system, false, "bench/small/" + c))
              .timeout(Duration.ofSeconds(120)).header("Content-Type", "image/jpeg");
          var body = BodyPublishers.ofByteArray(pool, 0, size);
          if (edgeApi) {
            b.header("Authorization", "Bearer " + tokens[c]).POST(body);
          } else {
            b.PUT(body);
          }
          return new LoadRun.Call(b.build(), size);
        }, status -> status == (edgeApi ? 201 : 200));
        say(String.format(Locale.ROOT, "[4] %d clients uploading 100 KiB-2 MiB bodies to %s: %d s warm-up, %d s measured"
            + " (round %d) ...", options.clients(), system, options.warmup().toSeconds(), window.toSeconds(), rep + 1));
        // "media-edge" CPU is the process under test: the history-off one in its own runs.
        SuiteCpuMark cpu = system.equals(EDGE_NO_HISTORY) ? stack.cpuMark(noHistory.pid()) : stack.cpuMark();
        JsonObject run = load.timed(options.clients(), options.warmup(), window);
        run.put("system", system).put("round", rep + 1).put("cpuSeconds", cpu.since());
        runs.add(run);
        JsonObject l = run.getJsonObject("latencyMs");
        say("    " + run.getValue("requestsPerSecond") + " req/s, p50 " + l.getValue("p50") + " ms, p99 "
            + l.getValue("p99") + " ms, errors " + run.getValue("errors") + " " + run.getValue("outcomes"));
        run.put("objectsRemovedAfter", sweep.removeAdded());
      }
    }
    return new JsonObject().put("clients", options.clients()).put("bodyBytes", MIN_SMALL + "-" + MAX_SMALL)
        .put("runs", runs)
        .put("mediaEdgeNoHistory", SuiteStack.edgeFacts(noHistory, false))
        .put("note", "cleartext HTTP/1.1, kept-alive connections, closed loop (each client sends its next body "
            + "when the last is answered); media-edge: image/jpeg POST /v1/media, one user per client, history "
            + "and events on; edge-no-history: the same requests to a second media-edge (same heap) with "
            + "history.enabled false (no quota, row or event; in its runs cpuSeconds.media-edge is that process); "
            + "nginx and direct: S3 PUT, one key per client (overwritten); after every run the objects it "
            + "added are deleted from S3 (uncounted), so each run starts from the same store");
  }
}
