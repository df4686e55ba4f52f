package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.mib;
import static io.mediaedge.bench.BenchFigures.round;

import io.mediaedge.devstack.FreePorts;
import io.mediaedge.it.MediaSamples;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The suite's scenario 2, flat memory: one large HTTPS upload through a media-edge of its own with
 * a small heap ({@code --flat-xmx}); success, MB/s, peak heap, heap after GC, peak RSS and the GC
 * time share.
 */
final class FlatMemoryScenario extends SuiteScenario {
  FlatMemoryScenario(SuiteOptions options, SuiteStack stack, List<String> failures, Consumer<String> console) {
    super(options, stack, failures, console);
  }

  JsonObject run() throws Exception {
    // Its own media-edge with the small heap; the main one is stopped so they do not share the cores.
    stack.stopMainEdge();
    int port = FreePorts.pick();
    EdgeFork small = stack.forkEdge("media-edge-flat", options.flatXmx(), port, 0);
    long size = options.flatSize();
    GeneratedBody[] current = new GeneratedBody[1];
    ServerSampler sampler = new ServerSampler(small.pid(), Duration.ofMillis(250),
        () -> current[0] == null ? 0 : current[0].position()).start();
    JsonObject out = new JsonObject().put("sizeBytes", size).put("xmx", options.flatXmx())
        .put("mediaEdge", SuiteStack.edgeFacts(small, true));
    try {
      sampler.awaitFirstReport(Duration.ofSeconds(10));
      EdgeMemory window = EdgeMemory.open(small, sampler, "upload");
      say(String.format(Locale.ROOT, "[2] uploading %,d bytes through media-edge at -Xmx%s over HTTPS ...", size,
          options.flatXmx()));
      HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/v1/media"))
          .timeout(Duration.ofMinutes(30)).header("Content-Type", "video/mp4")
          .header("Authorization", "Bearer " + stack.dev().token("bench-flat", Duration.ofHours(6)))
          .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> {
            current[0] = new GeneratedBody(size, options.seed(), MediaSamples.MP4_HEAD);
            return current[0];
          }), size)).build();
      SuiteCpuMark cpu = stack.cpuMark(small.pid());
      long start = System.nanoTime();
      HttpResponse<String> response = stack.client().send(request, BodyHandlers.ofString());
      double seconds = (System.nanoTime() - start) / 1e9;
      EdgeMemory.Figures memory = window.measure(Duration.ZERO);
      String sha = response.statusCode() == 201 ? new JsonObject(response.body()).getString("sha256") : null;
      boolean success = response.statusCode() == 201 && current[0].sha256Hex().equals(sha);
      out.put("success", success).put("status", response.statusCode())
          .put("shaMatch", current[0].sha256Hex().equals(sha))
          .put("seconds", round(seconds, 2)).put("MBps", round(size / 1e6 / seconds, 1))
          .put("peakHeapUsedMiB", mib(memory.peakHeapKiB()))
          .put("maxHeapAfterGcMiB", mib(memory.gcMaxAfterKiB()))
          .put("peakRssMiB", mib(memory.peakRssKiB()))
          .put("gcPauses", memory.gcs().size())
          .put("gcTimeShare", round(memory.pauseMsTotal() / 1000 / seconds, 4))
          .put("cpuSeconds", cpu.since());
      if (!success) {
        out.put("responseBody", BenchRun.truncate(response.body(), 500)).put("logTail", small.logTail(40));
        failures.add("flat-memory upload: HTTP " + response.statusCode() + ", sha256 match " + out.getValue("shaMatch"));
      }
      say("    " + (success ? "success" : "FAILED") + ", " + out.getValue("MBps") + " MB/s, peak heap "
          + out.getValue("peakHeapUsedMiB") + " MiB, peak RSS " + out.getValue("peakRssMiB") + " MiB");
    } finally {
      sampler.close();
      small.close();
    }
    return out;
  }
}
