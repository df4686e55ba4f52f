package io.mediaedge.devstack;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./mvnw -Pdev compile exec:java}: starts real S3-compatible, Cassandra and Kafka servers and media-edge on
 * https://localhost:8443 with dev certificates and keys, prints how to call it, and writes the same
 * to {@code target/dev/dev-env.json}. Ctrl-C stops everything it started.
 *
 * <p>Ports: MEDIA_EDGE_DEV_HTTPS_PORT (8443), MEDIA_EDGE_DEV_HTTP_PORT (8080, 0 = off),
 * MEDIA_EDGE_DEV_S3_PORT, MEDIA_EDGE_DEV_CQL_PORT, MEDIA_EDGE_DEV_KAFKA_PORT (free ones).
 *
 * <p>GeoIP: the DB-IP Lite country database the dev profile fetches into target/geoip, or the
 * databases named by MEDIA_EDGE_GEO_COUNTRY_DB, MEDIA_EDGE_GEO_CITY_DB, MEDIA_EDGE_GEO_ASN_DB; with
 * none, dev mode says that requests are not geo-tagged.
 */
public final class DevMode {
  private DevMode() {}

  public static void main(String[] args) throws Exception {
    long started = System.nanoTime();
    Path workDir = Path.of("target/dev");
    Files.createDirectories(workDir);
    int httpsPort = envPort("MEDIA_EDGE_DEV_HTTPS_PORT", 8443);
    int httpPort = envPort("MEDIA_EDGE_DEV_HTTP_PORT", 8080);
    DevStack stack = DevStack.start(workDir, Path.of("certs/dev"), envPort("MEDIA_EDGE_DEV_S3_PORT", 0),
        envPort("MEDIA_EDGE_DEV_CQL_PORT", 0), envPort("MEDIA_EDGE_DEV_KAFKA_PORT", 0));
    DevEdge.Running server = DevEdge.find().start(stack, httpsPort, httpPort);
    String geoLine = server.geoSummary();
    Optional<DevInsights.Running> insights = DevInsights.find().isEmpty() ? Optional.empty()
        : Optional.of(DevInsights.find().get().start(stack, envPort("MEDIA_EDGE_DEV_INSIGHTS_PORT", 8090)));
    // after media-edge: its schema migration made the thumbnails table the worker writes
    // MEDIA_EDGE_DEV_THUMBNAILS=off leaves it out (docker/test-images.sh runs the worker's image instead)
    boolean thumbnailsWanted = !"off".equals(System.getenv("MEDIA_EDGE_DEV_THUMBNAILS"));
    Optional<DevThumbnails.Running> thumbnails = DevThumbnails.find().isEmpty() || !thumbnailsWanted ? Optional.empty()
        : Optional.of(DevThumbnails.find().get().start(stack));

    String baseUrl = "https://localhost:" + server.httpsPort();
    String token = stack.token("dev-user", Duration.ofDays(1));
    JsonObject env = new JsonObject()
        .put("baseUrl", baseUrl)
        .put("plainBaseUrl", server.httpPort() > 0 ? "http://localhost:" + server.httpPort() : null)
        .put("caFile", stack.tls().caCert().toAbsolutePath().toString())
        .put("pinsUrl", baseUrl + "/.well-known/media-edge/pins")
        .put("pinSigningPublicKeyFile", stack.pinKeys().signing().publicKeyFile().toAbsolutePath().toString())
        .put("token", token)
        .put("userId", "dev-user")
        .put("otherToken", stack.token("other-user", Duration.ofDays(1)))
        .put("otherUserId", "other-user")
        .put("jwtPrivateKeyFile", stack.jwtKeys().privateKeyFile().toAbsolutePath().toString())
        .put("jwtAlgorithm", stack.jwtKeys().algorithm())
        .put("issuer", DevStack.ISSUER)
        .put("audience", DevStack.AUDIENCE)
        .put("userClaim", DevStack.USER_CLAIM)
        .put("s3Endpoint", stack.s3().endpoint().toString())
        .put("bucket", stack.s3().bucket())
        .put("s3AccessKey", stack.s3().accessKey())
        .put("s3SecretKey", stack.s3().secretKey())
        .put("s3Region", server.s3Region())
        .put("cassandraContactPoint", stack.cassandra().host() + ":" + stack.cassandra().port())
        .put("cassandraLocalDatacenter", stack.cassandra().localDatacenter())
        .put("kafkaBootstrap", stack.kafka().bootstrapServers())
        .put("historyTopic", "media.history.v1")
        .put("geoip", geoLine)
        .put("insightsUrl", insights.map(DevInsights.Running::url).orElse(null));
    Path envFile = workDir.resolve("dev-env.json");
    Files.writeString(envFile, env.encodePrettily());

    System.out.printf("%n media-edge dev mode is up in %.1f s%n%n", (System.nanoTime() - started) / 1e9);
    System.out.println("  base URL   " + baseUrl);
    System.out.println("  CA file    " + stack.tls().caCert());
    System.out.println("  S3         " + stack.s3().endpoint() + " bucket " + stack.s3().bucket());
    System.out.println("  Cassandra  " + stack.cassandra().host() + ":" + stack.cassandra().port()
        + " (datacenter " + stack.cassandra().localDatacenter() + ")");
    System.out.println("  Kafka      " + stack.kafka().bootstrapServers());
    System.out.println("  GeoIP      " + geoLine);
    System.out.println("  insights   " + insights.map(running -> running.url() + "  (dashboard; demo traffic:"
        + " bench/demo-traffic.sh)").orElse("not on the class path"));
    System.out.println("  thumbnails " + thumbnails.map(DevThumbnails.Running::summary)
        .orElse(thumbnailsWanted ? "not on the class path" : "off (MEDIA_EDGE_DEV_THUMBNAILS=off)"));
    System.out.println("  env file   " + envFile + "  (tokens, keys, endpoints as JSON)");
    System.out.println();
    System.out.println("  TOKEN=" + token);
    System.out.println();
    System.out.println("  curl --cacert " + stack.tls().caCert() + " -H \"Authorization: Bearer $TOKEN\" \\");
    System.out.println("       -H 'Content-Type: image/jpeg' --data-binary @photo.jpg " + baseUrl + "/v1/media");
    System.out.println();
    System.out.println("  Ctrl-C stops everything.");

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.stop();
      } catch (Exception ignored) {
        // going down anyway
      }
      insights.ifPresent(running -> {
        try {
          running.stop();
        } catch (Exception ignored) {
          // going down anyway
        }
      });
      thumbnails.ifPresent(running -> {
        try {
          running.stop();
        } catch (Exception ignored) {
          // going down anyway
        }
      });
      stack.close();
      stopped.countDown();
    }, "dev-mode-shutdown"));
    stopped.await();
  }

  private static int envPort(String name, int fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
  }
}
