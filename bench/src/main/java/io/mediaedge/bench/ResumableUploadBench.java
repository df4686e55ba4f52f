package io.mediaedge.bench;

import io.mediaedge.testing.CuttingProxy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The resumable-upload benchmark: a generated 1.6 GB video goes through a media-edge JVM started
 * with {@code -Xmx64m} as a tus 1.0.0 upload in 90 MB PATCHes, while the connection is reset three
 * times; then, in the same media-edge, the same body goes up as one {@code POST /v1/media}, for the
 * throughput ratio.
 *
 * <p>media-edge runs over the dev stack (S3Mock, Cassandra, Kafka), each in its own JVM, and is
 * watched from outside ({@link ForkedEdge}). The client is the JDK HttpClient over HTTPS and
 * HTTP/1.1, through a loopback TCP proxy ({@link CuttingProxy}) that resets every connection (RST
 * both ways) the moment the client has handed the planned byte of the file to its HTTP client
 * ({@link ResumableUploadWithCuts}, which resumes as tus clients do). The body is regenerated from
 * any offset ({@link GeneratedBody#range}) and hashed so that every byte of the file counts once
 * ({@link FileSha256}), so the SHA-256 compared with the media's is the file's, not the wire's.
 * {@link ResumableReport} lays out the comparison and the tables.
 *
 * <p>Run it with {@code bench/resumable-upload.sh}; see {@code bench/README.md}.
 */
public final class ResumableUploadBench extends ForkedEdgeBench {
  private final ResumableOptions resumableOptions;
  private final AtomicReference<GeneratedBody> current = new AtomicReference<>();
  private SingleRequestUpload single;

  private ResumableUploadBench(ResumableOptions options) {
    super("resumable-upload", options.common());
    this.resumableOptions = options;
    // What the suite folds in: this name and the "table" rows (see bench/README.md).
    result.put("scenario", "7 resumable").put("quick", options.quick());
  }

  public static void main(String[] args) {
    ResumableOptions options = parseOrExit("resumable-upload", args, ResumableOptions::parse, ResumableOptions.USAGE);
    if (options != null) {
      // ForkedJvm's shutdown hooks stop anything still running.
      System.exit(new ResumableUploadBench(options).run(args));
    }
  }

  @Override
  long clientPosition() {
    GeneratedBody body = single != null && single.currentBody() != null ? single.currentBody() : current.get();
    return body == null ? 0 : body.position();
  }

  @Override
  void measure() throws Exception {
    ResumableOptions warm = resumableOptions.warmUp();
    if (warm != null) {
      warmUp(warm);
    }
    try (CuttingProxy proxy = new CuttingProxy("127.0.0.1", edge.httpsPort())) {
      URI viaProxy = URI.create("https://localhost:" + proxy.port());
      new ResumableUploadWithCuts(edge, run, resumableOptions, failures, current).run(proxy, viaProxy, result);
      if (resumableOptions.single() && edge.isAlive()) {
        // Through the same proxy (never cut), so the ratio compares protocols, not the extra hop.
        single = new SingleRequestUpload(run, edge, options, failures);
        result.put("single", single.run("1.1", viaProxy, resumableOptions.download()));
      }
    }
  }

  /**
   * Both paths once, smaller and unmeasured, so the measured uploads run on compiled code: the
   * JIT needs several CPU-seconds for this code base, which on two cores would otherwise go to
   * whichever upload comes first. Its figures are kept apart under "warmUp".
   */
  private void warmUp(ResumableOptions warm) throws Exception {
    run.say(String.format(Locale.ROOT, "warm-up (not measured): %,d bytes resumable, then single", warm.common().size()));
    JsonObject warmUp = new JsonObject();
    try (CuttingProxy proxy = new CuttingProxy("127.0.0.1", edge.httpsPort())) {
      URI viaProxy = URI.create("https://localhost:" + proxy.port());
      new ResumableUploadWithCuts(edge, run, warm, failures, current).run(proxy, viaProxy, warmUp);
      if (warm.single() && edge.isAlive()) {
        warmUp.put("single", new SingleRequestUpload(run, edge, warm.common(), failures).run("1.1", viaProxy, false));
      }
    }
    result.put("warmUp", new JsonObject()
        .put("bytes", warm.common().size())
        .put("resumableSeconds", warmUp.getJsonObject("resumable", new JsonObject()).getValue("seconds"))
        .put("singleSeconds", warmUp.getJsonObject("single", new JsonObject())
            .getJsonObject("upload", new JsonObject()).getValue("seconds")));
  }

  @Override
  JsonObject setupFacts() {
    return new JsonObject()
        .put("patchBytes", resumableOptions.patchSize())
        .put("cutsPlannedAt", new JsonArray(Arrays.stream(resumableOptions.cutPositions()).boxed().toList()))
        .put("retryDelayMs", resumableOptions.retryDelay().toMillis())
        .put("protocol", "HTTPS, HTTP/1.1 (JDK HttpClient), through a loopback TCP proxy");
  }

  @Override
  boolean succeeded() {
    return result.getJsonObject("resumable", new JsonObject()).getBoolean("success", false)
        && (!resumableOptions.single() || result.getJsonObject("single", new JsonObject()).getBoolean("success", false));
  }

  @Override
  void afterStop() {
    result.put("comparison", ResumableReport.comparison(result));
    result.put("table", ResumableReport.suiteRows(result, resumableOptions));
  }

  @Override
  String title() {
    return String.format(Locale.ROOT, "media-edge resumable upload: %,d bytes in PATCHes of %,d, %d cuts",
        options.size(), resumableOptions.patchSize(), resumableOptions.cuts());
  }

  @Override
  void tableBody(StringBuilder t) {
    ResumableReport.tableBody(t, result);
  }
}
