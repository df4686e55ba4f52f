package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static io.mediaedge.it.HistoryFlowsIT.client;
import static io.mediaedge.it.HistoryFlowsIT.freshUser;
import static io.mediaedge.it.HistoryFlowsIT.has;
import static io.mediaedge.it.HistoryFlowsIT.only;
import static io.mediaedge.it.UploadFailuresIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.LONDON;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.LONDON_IP;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.LOOPBACK;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.NUREMBERG;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.NUREMBERG_IP;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.SEOUL;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.SEOUL_IP;

import io.mediaedge.EdgeServer;
import io.mediaedge.config.ConfigException;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.history.MediaRecord;
import io.mediaedge.it.HistoryTopic.Received;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where requests come from, end to end: the client address behind a trusted proxy and not behind
 * an untrusted one, the CDN point of presence, JsonPath properties, and all of it on the real
 * Cassandra row and the Kafka event; route hints that reload without a restart.
 */
class EdgeTaggingIT {
  private static final Duration PATIENCE = HistoryFlowsIT.PATIENCE;
  private static final String SPOOFED_IP = "81.2.69.160";

  private static TestStack stack;
  private static Path work;
  private static Path routes;
  /** Trusts loopback as its proxy (as Cloudflare's ranges are trusted in production). */
  private static EdgeServer behindProxy;
  private static EdgeClient proxied;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    work = Files.createDirectories(Path.of("target/it/edge-tagging"));
    routes = work.resolve("routes.yaml");
    writeRoutes("upload-eu.example.com", 300);
    behindProxy = stack.startServer(new JsonObject()
        .put("edge", new JsonObject()
            .put("trustedProxies", new JsonArray().add("127.0.0.1/32").add("::1/128"))
            .put("clientIp", "full")
            .put("routesFile", routes.toString())
            .put("reloadCheckInterval", "200ms")));
    proxied = client(behindProxy, HttpClient.Version.HTTP_2);
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServer(behindProxy);
  }

  @Test
  void spoofedForwardingHeadersFromAnUntrustedPeerChangeNothing() {
    // The shared server trusts only Cloudflare's ranges; the test client on loopback is not one.
    EdgeClient direct = EdgeClient.http2(stack);
    String user = freshUser("spoof");
    HttpResponse<byte[]> seen = direct.get("/v1/edge", stack.token(user), spoofingHeaders());
    assertEquals(200, seen.statusCode(), () -> new String(seen.body()));
    JsonObject view = json(seen);
    assertEquals("127.0.0.0", view.getString("clientIp"), "the socket peer, truncated to its /24");
    assertEquals(LOOPBACK.country(), view.getString("country"), "looked up for the peer, not the spoofed address");
    assertEquals(LOOPBACK.city(), view.getString("city"));
    assertEquals(String.valueOf(LOOPBACK.asn()), view.getString("asn"));
    assertEquals(LOOPBACK.isp(), view.getString("isp"));
    assertFalse(view.getBoolean("viaProxy"));
    assertEquals("", view.getString("pop"), "CF-Ray is not believed");
    assertEquals("", view.getString("cdnCountry"), "CF-IPCountry is not believed");
    assertEquals("dev", view.getString("region"));

    HttpResponse<byte[]> created = direct.send(direct.request("/v1/media", stack.token(user))
        .header("Content-Type", "image/png").headers(spoofingHeaders())
        .POST(HttpRequest.BodyPublishers.ofByteArray(MediaSamples.withHead(MediaSamples.PNG_HEAD, 2048, 3)))
        .build());
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    String id = json(created).getString("id");
    JsonObject event = only(HistoryTopic.await(user, has("UPLOAD", id), PATIENCE), "UPLOAD", id).event();
    assertEquals("127.0.0.0", event.getString("clientIp"));
    assertEquals("", event.getString("pop"));
    assertEquals(LOOPBACK.country(), event.getString("country"));
    assertEquals(String.valueOf(LOOPBACK.asn()), event.getString("asn"));
  }

  @Test
  void behindATrustedProxyTheRowAndTheEventCarryTheClientThePopAndTheProperties() throws Exception {
    String user = freshUser("tagged");
    String token = token(user, "pro");
    String metadata = "filename " + base64("beach.png") + ",device " + base64("{\"model\":\"Pixel 8\"}");
    HttpResponse<byte[]> created = proxied.send(proxied.request("/v1/media", token)
        .header("Content-Type", "image/png")
        .header("CF-Connecting-IP", LONDON_IP)
        .header("X-Forwarded-For", "198.51.100.1, " + LONDON_IP)
        .header("CF-Ray", "8c3d2b1a0f1e2d3c-AMS")
        .header("CF-IPCountry", "NL")
        .header("X-App-Version", "5.1.0")
        .header("Upload-Metadata", metadata)
        .POST(HttpRequest.BodyPublishers.ofByteArray(MediaSamples.withHead(MediaSamples.PNG_HEAD, 4096, 4)))
        .build());
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    String id = json(created).getString("id");
    Map<String, String> uploadProperties = Map.of("appVersion", "5.1.0", "plan", "pro", "deviceModel", "Pixel 8");

    MediaRecord row = behindProxy.history().history().find(user, id).await(10, TimeUnit.SECONDS).orElseThrow();
    Origin stored = row.origin();
    assertEquals(LONDON_IP, stored.clientIp(), "clientIp: full on this server");
    assertEquals(LONDON.country(), stored.country());
    assertEquals(LONDON.city(), stored.city());
    assertEquals(String.valueOf(LONDON.asn()), stored.asn());
    assertEquals(LONDON.isp(), stored.isp());
    assertEquals("AMS", stored.pop());
    assertEquals("dev", stored.region());
    assertEquals(uploadProperties, stored.properties());

    JsonObject event = only(HistoryTopic.await(user, has("UPLOAD", id), PATIENCE), "UPLOAD", id).event();
    assertEquals(LONDON_IP, event.getString("clientIp"));
    assertEquals("AMS", event.getString("pop"));
    assertEquals(LONDON.country(), event.getString("country"));
    assertEquals(LONDON.city(), event.getString("city"));
    assertEquals(String.valueOf(LONDON.asn()), event.getString("asn"));
    assertEquals(LONDON.isp(), event.getString("isp"));
    assertEquals(new JsonObject(Map.copyOf(uploadProperties)), event.getJsonObject("properties"));

    // A download is tagged with where the download came from, not the upload.
    HttpResponse<byte[]> download = proxied.get("/v1/media/" + id, token, "CF-Connecting-IP", NUREMBERG_IP,
        "CF-Ray", "8c3d2b1a0f1e2d3d-NRT", "X-App-Version", "5.2.0");
    assertEquals(200, download.statusCode());
    Received downloaded = only(HistoryTopic.await(user, has("DOWNLOAD", id), PATIENCE), "DOWNLOAD", id);
    assertEquals("2a01:4f8:c17:1:0:0:0:2", downloaded.event().getString("clientIp"));
    assertEquals("NRT", downloaded.event().getString("pop"));
    assertEquals(NUREMBERG.country(), downloaded.event().getString("country"));
    assertEquals(String.valueOf(NUREMBERG.asn()), downloaded.event().getString("asn"));
    assertEquals(new JsonObject().put("appVersion", "5.2.0").put("plan", "pro"),
        downloaded.event().getJsonObject("properties"), "no metadata on a download, so no deviceModel");
  }

  @Test
  void malformedUploadMetadataIsRefusedBeforeTheBody() {
    String token = stack.token(freshUser("metadata"));
    for (String bad : new String[] {"device !!!notbase64", "a " + base64("x") + ",a " + base64("y"), "k v w"}) {
      HttpResponse<byte[]> refused = proxied.send(proxied.request("/v1/media", token)
          .header("Content-Type", "image/png").header("Upload-Metadata", bad)
          .POST(HttpRequest.BodyPublishers.ofByteArray(MediaSamples.withHead(MediaSamples.PNG_HEAD, 512, 5)))
          .build());
      assertError(400, "INVALID_HEADER", refused);
    }
  }

  @Test
  void routeHintsFollowTheTableAndAReloadSteersClientsWithoutRestart() throws Exception {
    String token = stack.token(freshUser("route"));
    JsonObject seoul = json(proxied.get("/v1/edge", token, "CF-Connecting-IP", SEOUL_IP, "CF-Ray", "8c3d-ICN"));
    assertEquals(SEOUL.country(), seoul.getString("country"));
    assertEquals("9318", seoul.getString("asn"));
    assertEquals("ICN", seoul.getString("pop"));
    JsonObject steered = seoul.getJsonObject("route");
    assertEquals("kr-skb-direct", steered.getString("rule"), "the ISP in trouble goes direct");
    assertEquals("upload-direct-ap.example.com", steered.getString("host"));
    assertFalse(steered.getBoolean("proxied"));
    assertEquals(120, steered.getLong("ttlSeconds"));
    JsonObject before = json(proxied.get("/v1/edge", token, "CF-Connecting-IP", "198.51.100.20"));
    assertEquals("198.51.100.20", before.getString("clientIp"));
    assertTrue(before.getBoolean("viaProxy"));
    JsonObject route = before.getJsonObject("route");
    assertEquals("upload-eu.example.com", route.getString("host"));
    assertEquals("default", route.getString("rule"));
    assertEquals("https://upload-eu.example.com/v1/media", route.getString("uploadUrl"));
    assertEquals(300, route.getLong("ttlSeconds"));

    writeRoutes("upload-direct-eu.example.com", 60);
    JsonObject after = HistoryFlowsIT.poll(() -> json(proxied.get("/v1/edge", token)).getJsonObject("route"),
        r -> r.getString("host").equals("upload-direct-eu.example.com"), PATIENCE);
    assertEquals(60, after.getLong("ttlSeconds"));
    HttpResponse<byte[]> cached = proxied.get("/v1/edge", token);
    assertEquals("private, max-age=60", cached.headers().firstValue("Cache-Control").orElse(""));

    Files.writeString(work.resolve("broken.yaml"), "defaults: [this is not a map\n");
    Files.move(work.resolve("broken.yaml"), routes, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    Thread.sleep(600); // three reload checks: a broken file must not replace the table
    assertEquals("upload-direct-eu.example.com",
        json(proxied.get("/v1/edge", token)).getJsonObject("route").getString("host"));

    String metrics = new String(proxied.get("/metrics", null).body(), StandardCharsets.UTF_8);
    assertTrue(metrics.contains("media_edge_route_hints_total{host=\"upload-direct-eu.example.com\",rule=\"default\"}"),
        metrics);
    assertTrue(metrics.contains("media_edge_route_hints_total{host=\"upload-direct-ap.example.com\",rule=\"kr-skb-direct\"}"),
        metrics);
    assertTrue(metrics.contains("media_edge_memory_budget_capacity_bytes"), metrics);
    assertTrue(metrics.contains("media_edge_memory_budget_waiting 0.0"), metrics);
  }

  @Test
  void anExpressionThatDoesNotCompileStopsTheStartNamingIt() {
    ConfigException refused = assertThrows(ConfigException.class, () -> stack.startServer(new JsonObject()
        .put("properties", new JsonObject().put("paths", new JsonObject().put("broken", "$.claims[?(@.x ==")))));
    assertTrue(refused.getMessage().contains("properties.paths.broken"), refused.getMessage());
  }

  @Test
  void theEdgeViewNeedsAToken() {
    assertError(401, "UNAUTHORIZED", proxied.get("/v1/edge", null));
  }

  private static String[] spoofingHeaders() {
    return new String[] {"CF-Connecting-IP", SPOOFED_IP, "X-Forwarded-For", SPOOFED_IP, "CF-Ray",
        "8c3d2b1a0f1e2d3c-LHR", "CF-IPCountry", "GB"};
  }

  private static String token(String user, String plan) {
    long now = Instant.now().getEpochSecond();
    return stack.dev().jwtKeys().tokens().mint(new JsonObject().put("sub", user).put("iss", DevStack.ISSUER)
        .put("aud", DevStack.AUDIENCE).put("iat", now).put("exp", now + 3600).put("plan", plan));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Written aside and moved into place, the way an operator's tooling should replace it. */
  private static void writeRoutes(String defaultHost, int ttl) throws Exception {
    Path next = work.resolve("routes.next");
    Files.writeString(next, "defaults:\n  host: " + defaultHost + "\n  proxied: true\n  ttlSeconds: " + ttl + "\n"
        + "rules:\n  - name: kr-skb-direct\n    countries: [KR]\n    asns: [AS9318]\n"
        + "    host: upload-direct-ap.example.com\n    proxied: false\n    ttlSeconds: 120\n");
    Files.move(next, routes, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
