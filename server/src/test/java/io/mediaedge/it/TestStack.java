package io.mediaedge.it;

import io.mediaedge.testing.mmdb.TestGeoDatabases;
import io.mediaedge.EdgeServer;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.devstack.FreePorts;
import io.mediaedge.testing.DevStackConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The one stack of real servers shared by every integration test in the run (they all run in one
 * JVM): the S3-compatible server, dev TLS and keys, and a media-edge started through the production
 * composition root. Tests that need other settings start an extra media-edge with overrides on top
 * of the same servers.
 */
public final class TestStack {
  public static final String USER = "alice";
  public static final String OTHER_USER = "bob";

  private static TestStack instance;

  private final DevStack dev;
  private final TestGeoDatabases.Databases geo;
  private final Vertx vertx;
  private final EdgeServer server;
  private final S3AsyncClient s3;
  private final List<EdgeServer> extraServers = new CopyOnWriteArrayList<>();

  private TestStack() throws Exception {
    Path work = Path.of("target/it");
    // Each run starts from empty servers: data left by an earlier (or killed) run would only
    // make results depend on history.
    deleteTree(work);
    dev = DevStack.start(work, work.resolve("certs"), 0);
    // GeoIP databases with known answers, loopback included, so every server the tests start
    // geo-tags its (loopback) clients.
    geo = TestGeoDatabases.write(work.resolve("geo"), true);
    vertx = Vertx.vertx();
    server = startServer(new JsonObject());
    s3 = S3AsyncClient.builder()
        .endpointOverride(dev.s3().endpoint())
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(dev.s3().accessKey(), dev.s3().secretKey())))
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "test-stack-shutdown"));
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    if (!java.nio.file.Files.exists(root)) {
      return;
    }
    try (var paths = java.nio.file.Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(path);
      }
    }
  }

  public static synchronized TestStack get() {
    if (instance == null) {
      try {
        instance = new TestStack();
      } catch (Exception e) {
        throw new IllegalStateException("The test stack did not start: " + e.getMessage(), e);
      }
    }
    return instance;
  }

  /** A further media-edge on fresh ports over the same servers, with config overrides. */
  public EdgeServer startServer(JsonObject overrides) throws Exception {
    EdgeConfig config = config(overrides);
    EdgeServer started = EdgeServer.start(vertx, config).await(30, TimeUnit.SECONDS);
    if (server != null) {
      extraServers.add(started);
    }
    return started;
  }

  public EdgeConfig config(JsonObject overrides) {
    // Every server shares one Cassandra: a background expiry round of one server would remove
    // another test's expired upload mid-assertion, so tests run their rounds themselves.
    JsonObject base = new JsonObject().put("server", new JsonObject().put("eventLoops", 2))
        .put("geo", geo.configSection())
        .put("resumable", new JsonObject().put("expiryCheckInterval", "24h"));
    return DevStackConfig.config(dev, FreePorts.pick(), FreePorts.pick(), base.mergeIn(overrides, true));
  }

  public void stopServer(EdgeServer extra) throws Exception {
    extraServers.remove(extra);
    extra.stop().await(30, TimeUnit.SECONDS);
  }

  /** Stops the servers a test class started; those that never started (null) are skipped. */
  public void stopServers(EdgeServer... extras) throws Exception {
    for (EdgeServer extra : extras) {
      if (extra != null) {
        stopServer(extra);
      }
    }
  }

  public EdgeServer server() {
    return server;
  }

  public URI https() {
    return URI.create("https://localhost:" + server.httpsPort());
  }

  public URI http() {
    return URI.create("http://localhost:" + server.httpPort());
  }

  public static URI https(EdgeServer edge) {
    return URI.create("https://localhost:" + edge.httpsPort());
  }

  public String token() {
    return dev.token(USER, Duration.ofHours(1));
  }

  public String token(String user) {
    return dev.token(user, Duration.ofHours(1));
  }

  public TestGeoDatabases.Databases geo() {
    return geo;
  }

  public DevStack dev() {
    return dev;
  }

  public Vertx vertx() {
    return vertx;
  }

  public S3AsyncClient s3() {
    return s3;
  }

  public List<S3Object> objects() {
    return s3.listObjectsV2(r -> r.bucket(DevStack.BUCKET)).join().contents();
  }

  public List<MultipartUpload> multipartUploads() {
    return s3.listMultipartUploads(r -> r.bucket(DevStack.BUCKET)).join().uploads();
  }

  private synchronized void close() {
    try {
      for (EdgeServer extra : extraServers) {
        extra.stop().await(10, TimeUnit.SECONDS);
      }
      server.stop().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // the JVM is exiting; the forked servers are stopped below regardless
    }
    s3.close();
    dev.close();
  }
}
