package io.mediaedge.bench;

import io.mediaedge.testing.DevStackConfig;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.devstack.FreePorts;
import io.mediaedge.tls.TlsClients;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The servers a scenario runs against: the dev stack (S3Mock, Cassandra, Kafka, each in its own
 * JVM, fresh data every run) and media-edge forked with the heap and configuration the scenario
 * asks for, plus an HTTPS client that trusts the dev CA.
 */
final class ScenarioStack implements AutoCloseable {
  private final Path work;
  private final DevStack dev;
  private final HttpClient client;

  private ScenarioStack(Path work, DevStack dev, HttpClient client) {
    this.work = work;
    this.dev = dev;
    this.client = client;
  }

  static ScenarioStack start(Path work) throws Exception {
    for (String dir : List.of("s3", "cassandra", "kafka")) {
      BenchFigures.deleteTree(work.resolve(dir)); // left over from an interrupted run
    }
    DevStack dev = DevStack.start(work, work.resolve("certs"), 0);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(TlsClients.context(TlsClients.trusting(dev.tls().caCert())))
        .connectTimeout(Duration.ofSeconds(30)).build();
    return new ScenarioStack(work, dev, client);
  }

  DevStack dev() {
    return dev;
  }

  /** HTTP/1.1 over TLS, trusting the dev CA. */
  HttpClient client() {
    return client;
  }

  /** The dev stack's configuration for media-edge on a free port, with {@code overrides} applied. */
  JsonObject edgeConfig(Map<String, String> overrides) {
    JsonObject config = DevStackConfig.tree(dev, FreePorts.pick(), 0, new JsonObject());
    EdgeFork.applyOverrides(config, overrides);
    return new JsonObject(config.encode()); // plain JsonObjects all the way down
  }

  /** Forks media-edge with {@code config}, its logs in {@code work/logsName}, and waits until it is healthy. */
  EdgeFork startEdge(JsonObject config, String logsName, String xmx, ScenarioArgs args) throws Exception {
    Path logs = work.resolve(logsName);
    BenchFigures.deleteTree(logs);
    Files.createDirectories(logs);
    EdgeFork edge = EdgeFork.prepare("media-edge", config, work.resolve("media-edge.yaml"), logs, xmx, args.jvmArgs(),
        args.runtimeClasspath(), Map.of("MEDIA_EDGE_STORAGE_ACCESS_KEY", dev.s3().accessKey(),
            "MEDIA_EDGE_STORAGE_SECRET_KEY", dev.s3().secretKey()));
    return edge.start(client, Duration.ofSeconds(120));
  }

  /** Stops the dev stack and deletes the stored objects. */
  @Override
  public void close() {
    dev.close();
    BenchFigures.deleteTree(work.resolve("s3"));
  }
}
