package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.deleteTree;
import static io.mediaedge.bench.BenchFigures.grep;
import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.SuiteBench.DIRECT;
import static io.mediaedge.bench.SuiteBench.EDGE;
import static io.mediaedge.bench.SuiteBench.EDGE_NO_HISTORY;
import static io.mediaedge.bench.SuiteBench.NGINX;

import io.mediaedge.devstack.DevStack;
import io.mediaedge.devstack.FreePorts;
import io.mediaedge.it.CassandraWork;
import io.mediaedge.it.EdgeClient;
import io.mediaedge.testing.DevStackConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The systems the suite compares, on one S3 server: the dev stack (S3Mock, Cassandra, Kafka),
 * media-edge forked through {@code io.mediaedge.Main} (history and events on; others with their
 * own heap or history off when a scenario asks), nginx as a plain streaming proxy when there is
 * one, and S3 directly; where each takes a request, the load threads and HTTP clients, and the
 * CPU each burned.
 */
final class SuiteStack {
  private static final String BUCKET = DevStack.BUCKET;
  /** media-edge starts in a few seconds; the margin is for a machine busy with the whole stack. */
  private static final Duration EDGE_START_TIMEOUT = Duration.ofSeconds(120);

  private final SuiteOptions options;
  private final Consumer<String> console;
  private final Path work;
  private final Path logs;
  private final ExecutorService executor;
  private DevStack dev;
  private EdgeFork edge;
  private NginxProxy nginx;
  private SSLContext trust;
  private int edgeHttpPort;
  private int edgeHttpsPort;
  /** The history-off media-edge's cleartext port while scenario 4 runs. */
  private int noHistoryHttpPort;

  /** Nothing runs yet but the load threads (4, as the suite's client has). */
  SuiteStack(SuiteOptions options, Consumer<String> console) {
    this.options = options;
    this.console = console;
    work = options.workDir().toAbsolutePath();
    logs = work.resolve("logs");
    executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "suite-load");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts S3, Cassandra, Kafka, the main media-edge and nginx (when there is one); the setup's facts. */
  JsonObject start() throws Exception {
    deleteTree(work.resolve("s3"));
    deleteTree(work.resolve("cassandra"));
    deleteTree(work.resolve("kafka"));
    deleteTree(logs);
    Files.createDirectories(logs);
    say("starting the dev stack (S3Mock, Cassandra, Kafka) ...");
    long s = System.nanoTime();
    dev = DevStack.start(work, work.resolve("certs"), 0);
    say(String.format(Locale.ROOT, "dev stack up in %.1f s", (System.nanoTime() - s) / 1e9));
    trust = EdgeClient.trusting(dev.tls().caCert());
    edgeHttpsPort = FreePorts.pick();
    edgeHttpPort = FreePorts.pick();
    edge = forkEdge("media-edge", options.edgeXmx(), edgeHttpsPort, edgeHttpPort);
    JsonObject setup = new JsonObject()
        .put("s3", new JsonObject().put("server", "Adobe S3Mock (target/devstack/s3mock.jar)")
            .put("endpoint", dev.s3().endpoint().toString()))
        .put("cassandra", dev.cassandra().releaseVersion())
        .put("mediaEdge", edgeFacts(edge, true));
    if (options.nginx() != null) {
      try {
        nginx = NginxProxy.start(options.nginx(), work.resolve("nginx"), dev.s3().port(),
            dev.tls().serverChain(), dev.tls().serverKey());
        setup.put("nginx", new JsonObject().put("version", NginxProxy.version(options.nginx()))
            .put("binary", options.nginx().toString()).put("config", work.resolve("nginx/nginx.conf").toString())
            .put("httpPort", nginx.httpPort()).put("httpsPort", nginx.httpsPort()));
        say("nginx " + NginxProxy.version(options.nginx()) + " on " + nginx.httpPort() + " / " + nginx.httpsPort());
      } catch (IOException e) {
        setup.put("nginx", new JsonObject().put("missing", e.getMessage()));
        say("NOTE: nginx did not start (" + e.getMessage() + "); continuing without the nginx column");
      }
    } else {
      setup.put("nginx", new JsonObject().put("missing", options.noNginxReason()));
      say("NOTE: no nginx (" + options.noNginxReason() + "); continuing without the nginx column");
    }
    return setup;
  }

  /** A media-edge from the dev stack's configuration: HTTPS on {@code httpsPort}, cleartext on {@code httpPort} > 0. */
  EdgeFork forkEdge(String name, String xmx, int httpsPort, int httpPort) throws IOException {
    return forkEdge(name, xmx, httpsPort, httpPort, new JsonObject());
  }

  /** A media-edge from the dev stack's configuration plus {@code extra} overrides. */
  private EdgeFork forkEdge(String name, String xmx, int httpsPort, int httpPort, JsonObject extra)
      throws IOException {
    JsonObject overrides = new JsonObject()
        .put("server", new JsonObject().put("region", "bench")
            .put("https", new JsonObject().put("enabled", true)))
        .mergeIn(extra, true);
    JsonObject tree = new JsonObject(DevStackConfig.tree(dev, httpsPort, httpPort, overrides).encode());
    say("starting " + name + " with -Xmx" + xmx + " (https " + httpsPort + (httpPort > 0 ? ", http " + httpPort : "")
        + ") ...");
    EdgeFork forked = EdgeFork.prepare(name, tree, logs.resolve(name + ".yaml"), logs, xmx, options.edgeJvmArgs(),
        options.runtimeClasspathFile(), dev.storageEnv());
    forked.start(HttpClient.newBuilder().sslContext(trust).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build(), EDGE_START_TIMEOUT);
    say(String.format(Locale.ROOT, "%s up in %.1f s (pid %d)", name, forked.startSeconds(), forked.pid()));
    return forked;
  }

  /** What the result says of a forked media-edge; {@code history}: whether its history and events are on. */
  static JsonObject edgeFacts(EdgeFork forked, boolean history) {
    return new JsonObject().put("pid", forked.pid())
        .put("jvmArgs", new JsonArray(forked.jvmArgs()))
        .put("startSeconds", round(forked.startSeconds(), 2))
        .put("tlsEngine", grep(forked.logFile(), "TLS engine: (.*)"))
        .put("historyAndEvents", history ? "on" : "off (history.enabled: false; no Cassandra, no Kafka)")
        .put("logFile", forked.logFile().toString());
  }

  /** Scenario 4's second media-edge, with history off, beside the main one with the same heap. */
  EdgeFork forkNoHistoryEdge() throws IOException {
    noHistoryHttpPort = FreePorts.pick();
    return forkEdge("media-edge-no-history", options.edgeXmx(), FreePorts.pick(), noHistoryHttpPort,
        new JsonObject().put("history", new JsonObject().put("enabled", false)));
  }

  /** Stops the main media-edge (scenario 2 runs its own, and they should not share the cores). */
  void stopMainEdge() {
    if (edge != null) {
      edge.close();
      edge = null;
    }
  }

  /** Stops the load threads, nginx, media-edge and the dev stack, and deletes the stored objects. */
  void stop() {
    executor.shutdownNow();
    if (nginx != null) {
      nginx.close();
    }
    if (edge != null) {
      edge.close();
    }
    if (dev != null) {
      say("stopping the dev stack ...");
      dev.close();
      deleteTree(work.resolve("s3"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Systems and addresses

  /** media-edge, nginx when it runs, and direct S3 when {@code withDirect}. */
  List<String> systems(boolean withDirect) {
    List<String> systems = new ArrayList<>(List.of(EDGE));
    if (nginx != null) {
      systems.add(NGINX);
    }
    if (withDirect) {
      systems.add(DIRECT);
    }
    return systems;
  }

  /** Where {@code system} takes {@code key}: media-edge's media API, or the S3 object through nginx or directly. */
  URI target(String system, boolean tls, String key) {
    return switch (system) {
      case EDGE -> edgeUri(tls, "/v1/media");
      case EDGE_NO_HISTORY -> URI.create("http://127.0.0.1:" + noHistoryHttpPort + "/v1/media");
      case NGINX -> URI.create((tls ? "https://localhost:" + nginx.httpsPort() : "http://127.0.0.1:" + nginx.httpPort())
          + "/" + BUCKET + "/" + key);
      default -> dev.s3().endpoint().resolve("/" + BUCKET + "/" + key);
    };
  }

  URI edgeUri(boolean tls, String path) {
    return URI.create((tls ? "https://localhost:" + edgeHttpsPort : "http://127.0.0.1:" + edgeHttpPort) + path);
  }

  /** The main media-edge's Cassandra requests so far, from its {@code /metrics} (cleartext, loopback). */
  CassandraWork cassandraWork(HttpClient client) throws IOException, InterruptedException {
    return CassandraWork.parse(client.send(HttpRequest.newBuilder(edgeUri(false, "/metrics")).GET().build(),
        BodyHandlers.ofString()).body());
  }

  /** A fresh HTTP/1.1 client on the load threads, trusting the dev CA. */
  HttpClient client() {
    return client(HttpClient.Version.HTTP_1_1);
  }

  /** A fresh client of {@code version} (HTTP/2: negotiated by ALPN over TLS) on the load threads. */
  HttpClient client(HttpClient.Version version) {
    return HttpClient.newBuilder().version(version).sslContext(trust).executor(executor)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  void deleteEdgeMedia(HttpClient client, String id, String user) {
    try {
      client.send(HttpRequest.newBuilder(edgeUri(false, "/v1/media/" + id))
          .header("Authorization", "Bearer " + dev.token(user, Duration.ofHours(1))).DELETE().build(),
          BodyHandlers.discarding());
    } catch (IOException e) {
      say("could not delete " + id + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  DevStack dev() {
    return dev;
  }

  ExecutorService executor() {
    return executor;
  }

  /** CPU seconds from now on, with the main media-edge (if it runs) as "media-edge". */
  SuiteCpuMark cpuMark() {
    return cpuMark(edge == null ? -1 : edge.pid());
  }

  /** CPU seconds from now on, with the JVM {@code edgePid} as "media-edge". */
  SuiteCpuMark cpuMark(long edgePid) {
    return new SuiteCpuMark(edgePid, nginx, dev);
  }

  /** The versions of what runs: Java, Vert.x, the AWS SDK, Netty, Cassandra, HdrHistogram, nginx. */
  JsonObject versions() throws IOException {
    String jars = Files.readString(options.runtimeClasspathFile());
    return new JsonObject().put("java", System.getProperty("java.version"))
        .put("vertx", jarVersion(jars, "vertx-core-"))
        .put("awsSdkS3", jarVersion(jars, "/s3-"))
        .put("netty", jarVersion(jars, "netty-handler-"))
        .put("nettyTcnative", jarVersion(jars, "netty-tcnative-boringssl-static-"))
        .put("cassandra", dev.cassandra().releaseVersion())
        .put("hdrHistogram", jarVersion(System.getProperty("java.class.path"), "HdrHistogram-"))
        .put("nginx", options.nginx() == null ? null : NginxProxy.version(options.nginx()));
  }

  private static String jarVersion(String classpath, String prefix) {
    Matcher m = Pattern.compile(Pattern.quote(prefix) + "(\\d[^/:]*?)\\.jar").matcher(classpath);
    return m.find() ? m.group(1) : null;
  }

  private void say(String message) {
    console.accept(message);
  }
}
