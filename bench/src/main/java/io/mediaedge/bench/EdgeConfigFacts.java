package io.mediaedge.bench;

import io.vertx.core.json.JsonObject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The settings of a forked media-edge's configuration that bear on memory and throughput, for the result's setup. */
final class EdgeConfigFacts {
  private EdgeConfigFacts() {}

  /**
   * The settings from {@code config}, and the memory budget media-edge works out for "auto" at the
   * heap in {@code vmFlags} (it does not log it): a quarter of the heap, at least one part plus one
   * window plus 64 KiB.
   */
  static JsonObject of(JsonObject config, String vmFlags) {
    JsonObject server = config.getJsonObject("server", new JsonObject());
    JsonObject upload = config.getJsonObject("upload", new JsonObject());
    JsonObject storage = config.getJsonObject("storage", new JsonObject());
    JsonObject resumable = config.getJsonObject("resumable", new JsonObject());
    JsonObject facts = new JsonObject()
        .put("server.eventLoops", server.getValue("eventLoops"))
        .put("server.https.openssl", server.getJsonObject("https").getValue("openssl"))
        .put("server.https.http2", server.getJsonObject("https").getValue("http2"))
        .put("upload.memoryBudget", upload.getValue("memoryBudget"))
        .put("upload.streamWindow", upload.getValue("streamWindow"))
        .put("upload.budgetWait", upload.getValue("budgetWait"))
        .put("storage.singlePutThreshold", storage.getValue("singlePutThreshold"))
        .put("storage.partSize", storage.getValue("partSize"))
        .put("resumable.partSize", resumable.getValue("partSize"))
        .put("resumable.lease", resumable.getValue("lease"));
    Matcher heap = Pattern.compile("-XX:MaxHeapSize=(\\d+)").matcher(vmFlags);
    if (heap.find() && "auto".equals(String.valueOf(upload.getValue("memoryBudget")))) {
      long maxHeap = Long.parseLong(heap.group(1));
      long window = BenchOptions.parseSize(String.valueOf(upload.getValue("streamWindow")));
      long part = BenchOptions.parseSize(String.valueOf(storage.getValue("partSize")));
      long budget = Math.max(part + window + (64 << 10), maxHeap / 4);
      facts.put("memoryBudgetBytesAtThisHeap", budget);
    }
    return facts;
  }
}
