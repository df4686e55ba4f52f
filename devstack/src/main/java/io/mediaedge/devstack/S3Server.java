package io.mediaedge.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A real S3-compatible server (Adobe S3Mock, a Spring Boot jar) on loopback, in its own JVM.
 *
 * <p>Objects live on disk under {@code dataDir/store} and are kept when the server stops, so
 * {@link #restart()} brings back the same bucket, objects and pending multipart uploads on the same
 * port: tests use that to cut S3 off in the middle of an upload. S3Mock does not check request
 * signatures, but the AWS SDK insists on signing, hence the fixed dev credentials.
 */
public final class S3Server extends ForkedServer<S3Server> {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final String STORE = "com.adobe.testing.s3mock.store.";

  private final Path jar;
  private final String bucket;
  private int port;

  /**
   * @param jar the S3Mock executable jar
   * @param dataDir holds the object store and {@code s3mock.log}; kept across restarts
   * @param bucket created on first start (and found again on later starts)
   * @param port the HTTP port, or 0 for a free one chosen at the first start and kept afterwards
   */
  public S3Server(Path jar, Path dataDir, String bucket, int port) {
    super("s3mock", "S3 (s3mock)", dataDir, START_TIMEOUT);
    this.jar = Objects.requireNonNull(jar, "jar");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.port = port;
  }

  /** The jar the build copied to {@code ${devstack.dir}/s3mock.jar}, on a free port. */
  public static S3Server fromDevstackDir(Path dataDir, String bucket) {
    return new S3Server(devstackJar(), dataDir, bucket, 0);
  }

  /** Where the build puts the S3Mock jar; fails with the fix when it is not there. */
  public static Path devstackJar() {
    Path jar = Path.of(System.getProperty("devstack.dir", "target/devstack"), "s3mock.jar")
        .toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("The S3 server jar " + jar + " is missing: run "
          + "./mvnw generate-resources (or any later phase, e.g. ./mvnw test-compile) once to "
          + "copy it from the Maven repository.");
    }
    return jar;
  }

  /** {@code http://127.0.0.1:PORT}; the port is known only after the first {@link #start()}. */
  public synchronized URI endpoint() {
    if (port == 0) {
      throw new IllegalStateException("S3 server not started yet: its port is not chosen");
    }
    return URI.create("http://127.0.0.1:" + port);
  }

  public synchronized int port() {
    return port;
  }

  public String bucket() {
    return bucket;
  }

  /** S3Mock ignores credentials; this is what the client signs with. */
  public String accessKey() {
    return "dev-access-key";
  }

  public String secretKey() {
    return "dev-secret-key";
  }

  /** The region S3Mock reports for its buckets. */
  public String region() {
    return "us-east-1";
  }

  @Override
  protected void choosePorts() {
    if (port == 0) {
      port = FreePorts.pick();
    }
  }

  @Override
  protected void prepare() {
    Path store = store();
    try {
      Files.createDirectories(store);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the S3 data directory " + store, e);
    }
  }

  @Override
  protected List<String> jvmArgs() {
    return List.of(
        // 256 MiB ran out under the benchmark's 300 concurrent uploads (S3Mock keeps a buffer
        // per request); the heap is only committed as it is used.
        "-Xmx1g",
        // C1 only: a short-lived test server starts faster and needs no peak throughput
        "-XX:TieredStopAtLevel=1",
        "-jar", jar.toString(),
        // S3Mock's main connector (server.port) is normally HTTPS with a self-signed cert, and
        // only it honours server.address; its extra plain-HTTP connector (http.port) always
        // listens on all interfaces. So we serve plain HTTP from the main connector, on
        // loopback, and let the kernel pick the port of the extra one, which we never use.
        "--server.port=" + port,
        "--server.address=127.0.0.1",
        "--server.ssl.enabled=false",
        "--http.port=0",
        "--spring.main.banner-mode=off",
        "--" + STORE + "root=" + store(),
        "--" + STORE + "initial-buckets=" + bucket,
        // without this S3Mock may delete its store on exit, and restart() would lose the data
        "--" + STORE + "retain-files-on-exit=true");
  }

  @Override
  protected void awaitReady(ForkedJvm jvm, Duration timeout) {
    jvm.waitUntil(this::listsBucket, timeout);
  }

  @Override
  protected String readyLine() {
    return "S3 (s3mock) ready at " + endpoint() + " bucket '" + bucket + "', store " + store();
  }

  @Override
  protected int mainPort() {
    return port;
  }

  private Path store() {
    return dataDir().resolve("store");
  }

  /**
   * Ready means the bucket shows in ListBuckets: S3Mock initialises its store lazily on the first
   * request, so an open port alone does not yet mean the bucket exists.
   */
  private boolean listsBucket() {
    try {
      HttpURLConnection conn = (HttpURLConnection) endpoint().toURL().openConnection();
      conn.setConnectTimeout(1000);
      conn.setReadTimeout(5000);
      try {
        if (conn.getResponseCode() != 200) {
          return false;
        }
        try (InputStream in = conn.getInputStream()) {
          String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          return body.contains("<Name>" + bucket + "</Name>");
        }
      } finally {
        conn.disconnect();
      }
    } catch (IOException notYet) {
      return false;
    }
  }
}
