package io.mediaedge.devstack;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The real servers media-edge needs (S3-compatible storage, Cassandra, Kafka), started locally, plus the dev TLS material, JWT and pin keys, and
 * the configuration that points media-edge at all of it. Dev mode and the integration tests both
 * use this, so they run the same stack.
 */
public final class DevStack implements AutoCloseable {
  public static final String BUCKET = "media";
  public static final String ISSUER = "media-edge-dev";
  public static final String AUDIENCE = "media-edge";
  public static final String USER_CLAIM = "sub";

  private final Path workDir;
  private final S3Server s3;
  private final CassandraServer cassandra;
  private final KafkaServer kafka;
  private final DevCertificates.TlsFiles tls;
  private final DevJwtKeys jwtKeys;
  private final DevJwtKeys rsaKeys;
  private final DevPinKeys pinKeys;

  private DevStack(Path workDir, S3Server s3, CassandraServer cassandra, KafkaServer kafka,
      DevCertificates.TlsFiles tls, DevJwtKeys jwtKeys, DevJwtKeys rsaKeys, DevPinKeys pinKeys) {
    this.workDir = workDir;
    this.s3 = s3;
    this.cassandra = cassandra;
    this.kafka = kafka;
    this.tls = tls;
    this.jwtKeys = jwtKeys;
    this.rsaKeys = rsaKeys;
    this.pinKeys = pinKeys;
  }

  /**
   * Starts the stack. {@code workDir} holds server data; {@code certDir} holds the TLS files and
   * JWT keys (generated on first use, reused afterwards so a copied token or CA keeps working).
   */
  public static DevStack start(Path workDir, Path certDir, int s3Port) {
    return start(workDir, certDir, s3Port, 0, 0);
  }

  /** As above, with fixed ports (0 = a free one) for Cassandra's CQL port and Kafka's listener. */
  public static DevStack start(Path workDir, Path certDir, int s3Port, int cqlPort, int kafkaPort) {
    S3Server s3 = new S3Server(S3Server.devstackJar(), workDir.resolve("s3"), BUCKET, s3Port);
    CassandraServer cassandra = new CassandraServer(ServerClasspath.of("cassandra"), JdkLocator.javaForCassandra(),
        workDir.resolve("cassandra"), cqlPort);
    KafkaServer kafka = new KafkaServer(ServerClasspath.of("kafka"), workDir.resolve("kafka"), kafkaPort);
    // The three servers start side by side; on two cores that is still far quicker than in turn.
    CompletableFuture<CassandraServer> cassandraReady = cassandra.startAsync();
    CompletableFuture<KafkaServer> kafkaReady = kafka.startAsync();
    try {
      s3.start();
      CompletableFuture.allOf(cassandraReady, kafkaReady).join();
    } catch (RuntimeException e) {
      s3.stop();
      cassandra.stop();
      kafka.stop();
      throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    DevCertificates.TlsFiles tls = DevCertificates.ensure(certDir);
    DevJwtKeys es256 = DevJwtKeys.es256(certDir);
    DevJwtKeys rsa = DevJwtKeys.rsa(certDir);
    DevPinKeys pins = DevPinKeys.es256(certDir);
    return new DevStack(workDir, s3, cassandra, kafka, tls, es256, rsa, pins);
  }

  /**
   * The settings that point media-edge at this stack (endpoints, files, ports), as a partial
   * configuration tree to lay over the committed {@code conf/media-edge.yaml}, with
   * {@code overrides} laid over them. The S3 credentials are not in it: they go in the environment
   * ({@link #storageEnv}), as in production.
   */
  public JsonObject edgeSettings(int httpsPort, int httpPort, JsonObject overrides) {
    JsonObject stack = new JsonObject()
        .put("server", new JsonObject()
            .put("region", "dev")
            .put("host", "127.0.0.1")
            .put("https", new JsonObject().put("port", httpsPort)
                .put("certFile", tls.serverChain().toString())
                .put("keyFile", tls.serverKey().toString()))
            .put("http", new JsonObject().put("enabled", httpPort > 0).put("port", Math.max(httpPort, 0))))
        .put("auth", new JsonObject()
            .put("publicKeyFiles", new JsonArray().add(jwtKeys.publicKeyFile().toString())
                .add(rsaKeys.publicKeyFile().toString()))
            .put("issuer", ISSUER)
            .put("audience", AUDIENCE)
            .put("userClaim", USER_CLAIM))
        .put("storage", new JsonObject()
            .put("endpoint", s3.endpoint().toString())
            .put("bucket", s3.bucket())
            .put("pathStyle", true))
        .put("history", new JsonObject()
            .put("contactPoints", new JsonArray().add(cassandra.host() + ":" + cassandra.port()))
            .put("localDatacenter", cassandra.localDatacenter())
            // One node: quorum of one, and LWTs need SERIAL over one replica too.
            .put("consistency", "LOCAL_QUORUM"))
        .put("events", new JsonObject()
            .put("bootstrapServers", new JsonArray().add(kafka.bootstrapServers())))
        // Dev mode and the tests serve a signed pin document, as production should.
        .put("pins", new JsonObject()
            .put("enabled", true)
            .put("backupKeyFiles", new JsonArray().add(pinKeys.backup().publicKeyFile().toString()))
            .put("signingKeyFile", pinKeys.signing().privateKeyFile().toString())
            .put("signingPublicKeyFile", pinKeys.signing().publicKeyFile().toString()));
    return stack.mergeIn(overrides, true);
  }

  /** The environment that gives media-edge this stack's S3 credentials. */
  public Map<String, String> storageEnv() {
    return Map.of("MEDIA_EDGE_STORAGE_ACCESS_KEY", s3.accessKey(),
        "MEDIA_EDGE_STORAGE_SECRET_KEY", s3.secretKey());
  }

  /** A token for {@code user} signed by the dev ES256 key, valid for {@code ttl}. */
  public String token(String user, Duration ttl) {
    return jwtKeys.tokens().mint(user, ISSUER, AUDIENCE, ttl);
  }

  public S3Server s3() {
    return s3;
  }

  public CassandraServer cassandra() {
    return cassandra;
  }

  public KafkaServer kafka() {
    return kafka;
  }

  public DevCertificates.TlsFiles tls() {
    return tls;
  }

  public DevJwtKeys jwtKeys() {
    return jwtKeys;
  }

  public DevJwtKeys rsaKeys() {
    return rsaKeys;
  }

  /** The pin-signing and backup keys the configuration names. */
  public DevPinKeys pinKeys() {
    return pinKeys;
  }

  public Path workDir() {
    return workDir;
  }

  @Override
  public void close() {
    s3.stop();
    cassandra.stop();
    kafka.stop();
  }
}
