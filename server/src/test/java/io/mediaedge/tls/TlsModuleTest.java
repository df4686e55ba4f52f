package io.mediaedge.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.ConfigException;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.devstack.DevCertificates;
import io.mediaedge.devstack.DevJwtKeys;
import io.mediaedge.devstack.DevPinKeys;
import io.vertx.core.Vertx;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the server reads at start-up for TLS and pinning: a usable setup signs a first pin document
 * that verifies; unusable files or an unsafe setup stop the start with a sentence.
 */
class TlsModuleTest {
  private static final Path COMMITTED = Path.of("conf/media-edge.yaml");
  private static final String CDN_PIN = "sha256/UNoTrYzatAp9A9ZQEN8elQ6qCCl+hVtJlcvhcin9XvQ=";

  @TempDir static Path dir;
  private static Vertx vertx;
  private static DevCertificates.TlsFiles tls;
  private static DevJwtKeys jwt;
  private static DevPinKeys es256;
  private static DevPinKeys ed25519;

  @BeforeAll
  static void makeFiles() {
    vertx = Vertx.vertx();
    tls = DevCertificates.ensure(dir.resolve("certs"));
    jwt = DevJwtKeys.es256(dir.resolve("jwt"));
    es256 = DevPinKeys.es256(dir.resolve("pins"));
    ed25519 = DevPinKeys.ed25519(dir.resolve("pins"));
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  /** Pinning on with the ES256 dev keys and the dev backup key; {@code extra} overrides. */
  private static EdgeConfig config(String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put("MEDIA_EDGE_SERVER_REGION", "eu");
    env.put("MEDIA_EDGE_SERVER_HTTPS_CERT_FILE", tls.serverChain().toString());
    env.put("MEDIA_EDGE_SERVER_HTTPS_KEY_FILE", tls.serverKey().toString());
    env.put("MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", jwt.publicKeyFile().toString());
    env.put("MEDIA_EDGE_PINS_ENABLED", "true");
    env.put("MEDIA_EDGE_PINS_SIGNING_KEY_FILE", es256.signing().privateKeyFile().toString());
    env.put("MEDIA_EDGE_PINS_SIGNING_PUBLIC_KEY_FILE", es256.signing().publicKeyFile().toString());
    env.put("MEDIA_EDGE_PINS_BACKUP_KEY_FILES", es256.backup().publicKeyFile().toString());
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return EdgeConfig.load(COMMITTED, env);
  }

  private static String refusal(EdgeConfig config) {
    return assertThrows(ConfigException.class, () -> load(config)).getMessage();
  }

  private static String pinOf(Path chain) throws Exception {
    return SpkiPin.of(PemBlocks.certificates(Files.readAllBytes(chain)).get(0));
  }

  private static String pinOfKeyFile(Path publicKeyFile) throws Exception {
    return SpkiPin.ofSpki(PemBlocks.publicKeys(Files.readAllBytes(publicKeyFile)).get(0).spki());
  }

  @Test
  void firstPinDocumentIsSignedAndListsServedBackupAndCdnPins() throws Exception {
    TlsModule module = load(config("MEDIA_EDGE_PINS_CDN_PINS",
        "{\"upload-eu.example.com\": [\"" + CDN_PIN + "\"]}", "MEDIA_EDGE_PINS_MAX_AGE", "24h"));
    JsonObject document = new JsonObject(module.pins().current().orElseThrow().json());

    JsonObject payload = CompactJws.verify(document.getString("signature"), es256.signing().publicKey()).payloadJson();
    assertEquals(document.size() - 1, payload.size(), "the document is the signed payload plus its signature");
    for (String field : payload.fieldNames()) {
      assertEquals(payload.getValue(field), document.getValue(field), "the readable copy of " + field);
    }
    String served = pinOf(tls.serverChain());
    assertEquals(new JsonArray().add(served), payload.getJsonObject("pins").getJsonArray("localhost"));
    assertEquals(new JsonArray().add(served), payload.getJsonObject("pins").getJsonArray("127.0.0.1"));
    assertEquals(new JsonArray().add(pinOfKeyFile(es256.backup().publicKeyFile())), payload.getJsonArray("backupPins"));
    assertEquals(new JsonObject().put("upload-eu.example.com", new JsonArray().add(CDN_PIN)),
        payload.getJsonObject("cdnPins"));
    assertEquals(86_400L, payload.getLong("maxAge"));
    assertEquals("eu", payload.getString("region"));
    Instant issued = Instant.parse(payload.getString("issuedAt"));
    assertEquals(issued.plus(Duration.ofHours(24)), Instant.parse(payload.getString("expiresAt")));
    assertTrue(Duration.between(issued, Instant.now()).abs().getSeconds() < 60);
  }

  @Test
  void cipherSuitesTheTlsEngineDoesNotOfferRefuseToStart() {
    String typo = refusal(config("MEDIA_EDGE_SERVER_HTTPS_CIPHER_SUITES", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA257"));
    assertTrue(typo.startsWith("Option server.https.cipherSuites names TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA257,"
        + " which the "), typo);
    assertTrue(typo.endsWith("or set it with MEDIA_EDGE_SERVER_HTTPS_CIPHER_SUITES."), typo);

    String openSslNameOnJdk = refusal(config("MEDIA_EDGE_SERVER_HTTPS_OPENSSL", "false",
        "MEDIA_EDGE_SERVER_HTTPS_CIPHER_SUITES", "ECDHE-ECDSA-AES128-GCM-SHA256"));
    assertTrue(openSslNameOnJdk.contains("which the JDK TLS engine does not offer (it takes IANA names"),
        openSslNameOnJdk);
    if (OpenSSLEngineOptions.isAvailable()) {
      load(config("MEDIA_EDGE_SERVER_HTTPS_CIPHER_SUITES", "ECDHE-ECDSA-AES128-GCM-SHA256"));
    }
    // The default list is known to both engines.
    load(config());
    load(config("MEDIA_EDGE_SERVER_HTTPS_OPENSSL", "false"));
  }

  @Test
  void ed25519SigningKeySignsWithEdDsaAndAThumbprintKid() throws Exception {
    TlsModule module = load(config(
        "MEDIA_EDGE_PINS_SIGNING_KEY_FILE", ed25519.signing().privateKeyFile().toString(),
        "MEDIA_EDGE_PINS_SIGNING_PUBLIC_KEY_FILE", ed25519.signing().publicKeyFile().toString()));
    String signature = new JsonObject(module.pins().current().orElseThrow().json()).getString("signature");

    CompactJws.Verified verified = CompactJws.verify(signature, ed25519.signing().publicKey());
    assertEquals("EdDSA", verified.header().getString("alg"));
    assertEquals(CompactJws.thumbprint(ed25519.signing().publicKey()), verified.header().getString("kid"));
  }

  @Test
  void configuredKeyIdIsUsed() throws Exception {
    TlsModule module = load(config("MEDIA_EDGE_PINS_SIGNING_KEY_ID", "pins-2026-11"));
    String signature = new JsonObject(module.pins().current().orElseThrow().json()).getString("signature");
    assertEquals("pins-2026-11", CompactJws.verify(signature, es256.signing().publicKey()).header().getString("kid"));
  }

  @Test
  void unreadableOrUnusableSigningKeyRefusesToStart() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a key\n");
    String message = refusal(config("MEDIA_EDGE_PINS_SIGNING_KEY_FILE", garbage.toString()));
    assertTrue(message.startsWith("Option pins.signingKeyFile names " + garbage.toAbsolutePath()
        + ", which is not a usable signing key: expected one PKCS#8"), message);

    Path rsa = DevJwtKeys.rsa(dir.resolve("rsa")).privateKeyFile();
    String rsaMessage = refusal(config("MEDIA_EDGE_PINS_SIGNING_KEY_FILE", rsa.toString()));
    assertTrue(rsaMessage.contains("a RSA key cannot sign the pin document; use an EC P-256 (ES256) or Ed25519"),
        rsaMessage);

    String mismatch = refusal(config("MEDIA_EDGE_PINS_SIGNING_PUBLIC_KEY_FILE",
        es256.backup().publicKeyFile().toString()));
    assertTrue(mismatch.startsWith("Option pins.signingPublicKeyFile names"), mismatch);
    assertTrue(mismatch.contains("is not the public half of pins.signingKeyFile"), mismatch);
  }

  @Test
  void theTlsKeyCannotSignThePinDocument() throws Exception {
    Path tlsPublic = dir.resolve("tls-public.pem");
    Files.writeString(tlsPublic, TestCertificates.pem("PUBLIC KEY",
        PemBlocks.certificates(Files.readAllBytes(tls.serverChain())).get(0).getPublicKey().getEncoded()));

    String message = refusal(config("MEDIA_EDGE_PINS_SIGNING_KEY_FILE", tls.serverKey().toString(),
        "MEDIA_EDGE_PINS_SIGNING_PUBLIC_KEY_FILE", tlsPublic.toString()));

    assertTrue(message.startsWith("Option pins.signingKeyFile holds the key of the TLS certificate"), message);
  }

  @Test
  void aBackupPinThatIsServedAlreadyIsNoBackup() throws Exception {
    String message = refusal(config("MEDIA_EDGE_PINS_BACKUP_KEY_FILES", "",
        "MEDIA_EDGE_PINS_BACKUP_PINS", pinOf(tls.serverChain())));
    assertTrue(message.contains("holds only pins of certificates the server serves now, so there is no spare key"),
        message);
  }

  @Test
  void aPrivateKeyGivenAsBackupKeyIsRefused() {
    String message = refusal(config("MEDIA_EDGE_PINS_BACKUP_KEY_FILES", es256.backup().privateKeyFile().toString()));
    assertTrue(message.contains("holds no PUBLIC KEY or CERTIFICATE block (never put a private key here"), message);
  }

  @Test
  void expiredCertificateOrAnotherCertificatesKeyRefusesToStart() throws Exception {
    Path expired = dir.resolve("expired.pem");
    Path expiredKey = dir.resolve("expired-key.pem");
    Instant now = Instant.now();
    TestCertificates.selfSigned(expired, expiredKey, "localhost", now.minus(Duration.ofDays(30)),
        now.minus(Duration.ofDays(1)));
    String message = refusal(config("MEDIA_EDGE_SERVER_HTTPS_CERT_FILE", expired.toString(),
        "MEDIA_EDGE_SERVER_HTTPS_KEY_FILE", expiredKey.toString()));
    assertTrue(message.startsWith("The TLS files cannot be served: server.https.certFile/keyFile"), message);
    assertTrue(message.contains("the certificate expired on"), message);

    String mismatch = refusal(config("MEDIA_EDGE_SERVER_HTTPS_KEY_FILE", expiredKey.toString()));
    assertTrue(mismatch.contains("the private key does not belong to the first certificate"), mismatch);
  }

  @Test
  void withPinningOffThereIsNoDocument() {
    TlsModule module = load(config("MEDIA_EDGE_PINS_ENABLED", "false"));
    assertTrue(module.pins().current().isEmpty());
    assertEquals(List.of(tls.serverChain()), module.reloader().orElseThrow().current().certificates().stream()
        .map(ServedCertificate::certFile).toList());
  }

  private static TlsModule load(EdgeConfig config) {
    return TlsModule.load(vertx, config.server(), config.pins());
  }
}
