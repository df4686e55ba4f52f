package io.mediaedge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.mediaedge.devstack.DevCertificates;
import io.mediaedge.devstack.DevCertificates.KeyType;
import io.mediaedge.devstack.DevPinKeys;
import io.mediaedge.tls.CompactJws;
import io.mediaedge.tls.PemBlocks;
import io.mediaedge.tls.SpkiPin;
import io.mediaedge.tls.TlsClients;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pinned TLS through the real server (OpenSSL engine, started by {@code EdgeServer.start}): curl
 * and a pinning Java client accept the right SPKI pin and refuse a wrong one, the pin document
 * verifies against the signing key, a certificate swapped on disk is picked up by new handshakes
 * and the document while an open connection keeps working, and SNI serves each host name its own
 * certificate.
 */
class PinnedTlsIT {
  private static final String EU = "upload-eu.media-edge.test";
  private static final String PINS = "/.well-known/media-edge/pins";
  /** curl's exit code for CURLE_SSL_PINNEDPUBKEYNOTMATCH. */
  private static final int CURL_PIN_MISMATCH = 90;

  private static TestStack stack;
  private static Path dir;
  private static Path ca;
  private static DevPinKeys pinKeys;
  private static final List<EdgeServer> extra = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    stack = TestStack.get();
    dir = Path.of("target/it/pinned-tls").toAbsolutePath();
    Files.createDirectories(dir);
    ca = stack.dev().tls().caCert();
    pinKeys = stack.dev().pinKeys();
  }

  @AfterAll
  static void stopExtraServers() throws Exception {
    for (EdgeServer server : extra) {
      stack.stopServer(server);
    }
  }

  private static EdgeServer startServer(JsonObject https) throws Exception {
    return startServerWith(new JsonObject().put("server", new JsonObject().put("https", https)));
  }

  private static EdgeServer startServerWith(JsonObject overrides) throws Exception {
    EdgeServer server = stack.startServer(overrides);
    extra.add(server);
    return server;
  }

  private static String pinOf(Path chain) throws Exception {
    return SpkiPin.of(PemBlocks.certificates(Files.readAllBytes(chain)).get(0));
  }

  private static String backupPin() throws Exception {
    return SpkiPin.ofSpki(PemBlocks.publicKeys(Files.readAllBytes(pinKeys.backup().publicKeyFile())).get(0).spki());
  }

  /** The pin document of a server, its signature checked; returns the signed payload. */
  private static JsonObject verifiedPins(EdgeServer server) throws Exception {
    HttpResponse<byte[]> response = new EdgeClient(TestStack.https(server), ca, HttpClient.Version.HTTP_1_1)
        .get(PINS, null);
    assertEquals(200, response.statusCode());
    JsonObject document = EdgeClient.json(response);
    return CompactJws.verify(document.getString("signature"), pinKeys.signing().publicKey()).payloadJson();
  }

  private static String localhostPin(JsonObject payload) {
    return payload.getJsonObject("pins").getJsonArray("localhost").getString(0);
  }

  // ---------------------------------------------------------------------------------------------
  // curl and a pinning Java client against the shared server

  private record Curl(int exit, String out) {}

  private static Curl curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "curl finished");
    return new Curl(process.exitValue(), out);
  }

  private static boolean curlAvailable() {
    try {
      return curl("--version").exit() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void curlWithTheRightPinSucceedsAndWithAWrongPinFails() throws Exception {
    Assumptions.assumeTrue(curlAvailable(), "curl is not installed: the curl pin tests are skipped"
        + " (the Java pinning client test still runs)");
    String url = stack.https() + "/healthz";
    String right = SpkiPin.forCurl(pinOf(stack.dev().tls().serverChain()));

    Curl pinned = curl("--cacert", ca.toString(), "--pinnedpubkey", right, url);
    assertEquals(0, pinned.exit(), pinned.out());
    assertTrue(pinned.out().contains("\"status\":\"ok\""), pinned.out());

    Curl wrong = curl("--cacert", ca.toString(), "--pinnedpubkey", SpkiPin.forCurl(backupPin()), url);
    assertEquals(CURL_PIN_MISMATCH, wrong.exit(), wrong.out());
    assertTrue(!wrong.out().contains("\"status\""), "no answer through a wrong pin: " + wrong.out());
  }

  @Test
  void javaClientWithAPinningTrustManagerAcceptsTheRightPinAndRejectsAWrongOne() throws Exception {
    X509TrustManager devCa = TlsClients.trusting(ca);
    HttpRequest health = HttpRequest.newBuilder(stack.https().resolve("/healthz")).build();

    SSLContext rightPin = TlsClients.context(TlsClients.pinning(devCa, Set.of(pinOf(stack.dev().tls().serverChain()))));
    HttpResponse<String> answered = HttpClient.newBuilder().sslContext(rightPin).build()
        .send(health, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answered.statusCode());

    SSLContext wrongPin = TlsClients.context(TlsClients.pinning(devCa, Set.of(backupPin())));
    IOException refused = assertThrows(IOException.class, () -> HttpClient.newBuilder().sslContext(wrongPin).build()
        .send(health, HttpResponse.BodyHandlers.ofString()));
    assertTrue(String.valueOf(refused.getCause()).contains("is not one of") || refused.toString().contains("pin"),
        refused.toString());
  }

  @Test
  void pinDocumentVerifiesAgainstTheSigningKeyAndIsCacheable() throws Exception {
    EdgeClient client = EdgeClient.http11(stack);
    HttpResponse<byte[]> response = client.get(PINS, null);

    assertEquals(200, response.statusCode(), "no token needed");
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonObject document = EdgeClient.json(response);
    CompactJws.Verified verified = CompactJws.verify(document.getString("signature"), pinKeys.signing().publicKey());
    JsonObject payload = verified.payloadJson();
    assertEquals("ES256", verified.header().getString("alg"));
    assertEquals(CompactJws.thumbprint(pinKeys.signing().publicKey()), verified.header().getString("kid"));

    String served = pinOf(stack.dev().tls().serverChain());
    assertEquals(new JsonArray().add(served), payload.getJsonObject("pins").getJsonArray("localhost"));
    assertEquals(new JsonArray().add(backupPin()), payload.getJsonArray("backupPins"));
    assertEquals(new JsonObject(), payload.getJsonObject("cdnPins"));
    long maxAge = payload.getLong("maxAge");
    assertEquals(Instant.parse(payload.getString("issuedAt")).plusSeconds(maxAge),
        Instant.parse(payload.getString("expiresAt")));
    assertTrue(Instant.parse(payload.getString("expiresAt")).isAfter(Instant.now()));

    Matcher cache = Pattern.compile("max-age=(\\d+)").matcher(response.headers().firstValue("Cache-Control").orElse(""));
    assertTrue(cache.find(), "Cache-Control max-age");
    long cacheSeconds = Long.parseLong(cache.group(1));
    assertTrue(cacheSeconds > 0 && cacheSeconds <= maxAge, "max-age " + cacheSeconds + " within maxAge " + maxAge);
    String etag = response.headers().firstValue("ETag").orElseThrow();
    assertEquals(304, client.get(PINS, null, "If-None-Match", etag).statusCode());

    // Anything changed in the payload no longer verifies.
    String[] parts = document.getString("signature").split("\\.");
    JsonObject forged = payload.copy().put("backupPins", new JsonArray().add(served));
    String forgedToken = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(forged.encode().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertThrows(java.security.GeneralSecurityException.class,
        () -> CompactJws.verify(forgedToken, pinKeys.signing().publicKey()));
  }

  @Test
  void withPinningOffThereIsNoPinDocument() throws Exception {
    EdgeServer server = startServerWith(new JsonObject().put("pins", new JsonObject().put("enabled", false)));
    HttpResponse<byte[]> response = new EdgeClient(TestStack.https(server), ca, HttpClient.Version.HTTP_2)
        .get(PINS, null);

    assertEquals(404, response.statusCode());
    assertEquals("NOT_FOUND", EdgeClient.json(response).getString("error"));
  }

  // ---------------------------------------------------------------------------------------------
  // Swapping the certificate on disk under a running server

  @Test
  void certificateSwappedOnDiskIsServedToNewHandshakesAndPinnedWhileOpenConnectionsKeepWorking()
      throws Exception {
    Path swap = dir.resolve("swap");
    Files.createDirectories(swap);
    Path chain = swap.resolve("server.pem");
    Path key = swap.resolve("server-key.pem");
    Path caDir = ca.getParent();
    DevCertificates.issueServer(caDir, chain, key, KeyType.EC_P256, List.of("localhost", "127.0.0.1"));
    EdgeServer server = startServer(new JsonObject().put("certFile", chain.toString()).put("keyFile", key.toString())
        .put("reloadCheckInterval", "200ms"));
    String oldPin = pinOf(chain);
    SSLContext trustCa = TlsClients.context(TlsClients.trusting(ca));

    try (var open = new TlsClients.Connection(trustCa, server.httpsPort(), "localhost")) {
      assertEquals(200, open.get("/healthz").status());
      assertEquals(oldPin, localhostPin(verifiedPins(server)));

      // A new key and certificate, written in place (key first, each by an atomic rename).
      DevCertificates.issueServer(caDir, chain, key, KeyType.EC_P256, List.of("localhost", "127.0.0.1"));
      String newPin = pinOf(chain);
      assertNotEquals(oldPin, newPin);

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      JsonObject payload = verifiedPins(server);
      while (!localhostPin(payload).equals(newPin) && System.nanoTime() < deadline) {
        Thread.sleep(100);
        payload = verifiedPins(server);
      }
      assertEquals(newPin, localhostPin(payload), "the signed document names the new pin");
      assertEquals(new JsonArray().add(backupPin()), payload.getJsonArray("backupPins"), "backups stay");

      try (var fresh = new TlsClients.Connection(TlsClients.context(TlsClients.trusting(ca)), server.httpsPort(),
          "localhost")) {
        assertEquals(newPin, SpkiPin.of(fresh.serverCertificate()), "a new handshake gets the new certificate");
        assertEquals(200, fresh.get("/healthz").status());
      }
      assertEquals(200, open.get("/healthz").status(), "the connection opened before the swap still works");
      assertEquals(oldPin, SpkiPin.of(open.serverCertificate()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // SNI

  @Test
  void sniServesEachHostNameItsOwnCertificateAndTheDocumentPinsBoth() throws Exception {
    Path sni = dir.resolve("sni");
    Files.createDirectories(sni);
    Path caDir = ca.getParent();
    DevCertificates.issueServer(caDir, sni.resolve("default.pem"), sni.resolve("default-key.pem"), KeyType.EC_P256,
        List.of("localhost"));
    DevCertificates.issueServer(caDir, sni.resolve("eu.pem"), sni.resolve("eu-key.pem"), KeyType.RSA_2048,
        List.of(EU));
    EdgeServer server = startServer(new JsonObject()
        .put("certFile", sni.resolve("default.pem").toString())
        .put("keyFile", sni.resolve("default-key.pem").toString())
        .put("sniCertificates", new JsonArray().add(new JsonObject()
            .put("certFile", sni.resolve("eu.pem").toString()).put("keyFile", sni.resolve("eu-key.pem").toString()))));
    String defaultPin = pinOf(sni.resolve("default.pem"));
    String euPin = pinOf(sni.resolve("eu.pem"));
    assertNotEquals(defaultPin, euPin);

    for (String[] expected : new String[][] {{"localhost", defaultPin}, {EU, euPin}}) {
      try (var connection = new TlsClients.Connection(TlsClients.context(TlsClients.trusting(ca)), server.httpsPort(),
          expected[0])) {
        assertEquals(expected[1], SpkiPin.of(connection.serverCertificate()), expected[0]);
        assertEquals(200, connection.get("/healthz").status());
      }
    }
    JsonObject pins = verifiedPins(server).getJsonObject("pins");
    assertEquals(new JsonArray().add(defaultPin), pins.getJsonArray("localhost"));
    assertEquals(new JsonArray().add(euPin), pins.getJsonArray(EU));

    if (curlAvailable()) {
      Curl pinned = curl("--cacert", ca.toString(), "--resolve", EU + ":" + server.httpsPort() + ":127.0.0.1",
          "--pinnedpubkey", SpkiPin.forCurl(euPin), URI.create("https://" + EU + ":" + server.httpsPort())
              .resolve("/healthz").toString());
      assertEquals(0, pinned.exit(), pinned.out());
    }
  }
}
