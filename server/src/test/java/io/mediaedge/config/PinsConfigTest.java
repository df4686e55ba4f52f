package io.mediaedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.TlsConfig.CertificateFiles;
import io.mediaedge.devstack.DevCertificates;
import io.mediaedge.devstack.DevJwtKeys;
import io.mediaedge.devstack.DevPinKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS and pinning options of conf/media-edge.yaml: off by default, and an unsafe or incomplete
 * pinning setup stops the start with a sentence saying what to add.
 */
class PinsConfigTest {
  private static final Path COMMITTED = Path.of("conf/media-edge.yaml");
  private static final String PIN = "sha256/UNoTrYzatAp9A9ZQEN8elQ6qCCl+hVtJlcvhcin9XvQ=";

  @TempDir static Path dir;
  private static DevCertificates.TlsFiles tls;
  private static DevJwtKeys jwt;
  private static DevPinKeys pins;

  @BeforeAll
  static void makeFiles() {
    tls = DevCertificates.ensure(dir.resolve("certs"));
    jwt = DevJwtKeys.es256(dir.resolve("jwt"));
    pins = DevPinKeys.es256(dir.resolve("pins"));
  }

  private static Map<String, String> env(String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put("MEDIA_EDGE_SERVER_HTTPS_CERT_FILE", tls.serverChain().toString());
    env.put("MEDIA_EDGE_SERVER_HTTPS_KEY_FILE", tls.serverKey().toString());
    env.put("MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", jwt.publicKeyFile().toString());
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  /** Pinning on with the dev signing key; the caller adds (or leaves out) backup pins. */
  private static Map<String, String> pinning(String... extra) {
    Map<String, String> env = env(extra);
    env.put("MEDIA_EDGE_PINS_ENABLED", "true");
    env.putIfAbsent("MEDIA_EDGE_PINS_SIGNING_KEY_FILE", pins.signing().privateKeyFile().toString());
    env.putIfAbsent("MEDIA_EDGE_PINS_SIGNING_PUBLIC_KEY_FILE", pins.signing().publicKeyFile().toString());
    return env;
  }

  private static String refusal(Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> EdgeConfig.load(COMMITTED, env)).getMessage();
  }

  @Test
  void committedDefaultsPinNothingAndServeOneCertificate() {
    EdgeConfig config = EdgeConfig.load(COMMITTED, env());

    assertFalse(config.pins().enabled());
    assertEquals(Duration.ofHours(168), config.pins().maxAge());
    assertEquals(List.of(), config.server().https().tls().sniCertificates());
    assertEquals(Optional.empty(), config.server().https().tls().clientCaFile());
    assertEquals(Duration.ofSeconds(10), config.server().https().tls().reloadCheckInterval());
  }

  @Test
  void pinningWithoutABackupPinRefusesToStart() {
    String message = refusal(pinning());

    assertTrue(message.startsWith("Option pins.backupPins is empty and pins.backupKeyFiles names no key"), message);
    assertTrue(message.contains("at least one spare key kept offline"), message);
    assertTrue(message.contains("MEDIA_EDGE_PINS_BACKUP_PINS"), message);
  }

  @Test
  void pinningWithABackupPinOrKeyFileStarts() {
    EdgeConfig byPin = EdgeConfig.load(COMMITTED, pinning("MEDIA_EDGE_PINS_BACKUP_PINS", "sha256//"
        + PIN.substring(7), "MEDIA_EDGE_PINS_CDN_PINS", "{\"Upload-EU.example.com\": [\"" + PIN + "\"]}",
        "MEDIA_EDGE_PINS_MAX_AGE", "24h"));
    EdgeConfig byFile = EdgeConfig.load(COMMITTED, pinning("MEDIA_EDGE_PINS_BACKUP_KEY_FILES",
        pins.backup().publicKeyFile().toString()));

    assertEquals(List.of(PIN), byPin.pins().backupPins(), "curl's sha256// spelling is normalised");
    assertEquals(Map.of("upload-eu.example.com", List.of(PIN)), byPin.pins().cdnPins());
    assertEquals(Duration.ofHours(24), byPin.pins().maxAge());
    assertEquals(List.of(pins.backup().publicKeyFile()), byFile.pins().backupKeyFiles());
    assertEquals(Optional.of(pins.signing().privateKeyFile()), byFile.pins().signingKeyFile());
  }

  @Test
  void aMalformedPinIsRefused() {
    String message = refusal(pinning("MEDIA_EDGE_PINS_BACKUP_PINS", "sha256/short"));
    assertTrue(message.startsWith("Option pins.backupPins holds 'sha256/short' is not a pin"), message);

    String cdn = refusal(env("MEDIA_EDGE_PINS_CDN_PINS", "{\"upload.example.com\": [\"md5/abc\"]}"));
    assertTrue(cdn.startsWith("Option pins.cdnPins holds"), cdn);
  }

  @Test
  void pinningNeedsItsOwnSigningKey() {
    Map<String, String> env = pinning("MEDIA_EDGE_PINS_BACKUP_PINS", PIN);
    env.put("MEDIA_EDGE_PINS_SIGNING_KEY_FILE", "");
    String message = refusal(env);
    assertTrue(message.startsWith("Option pins.signingKeyFile is required when pins.enabled is true"), message);

    String missing = refusal(pinning("MEDIA_EDGE_PINS_BACKUP_PINS", PIN,
        "MEDIA_EDGE_PINS_SIGNING_KEY_FILE", dir.resolve("no-such-key.pem").toString()));
    assertTrue(missing.startsWith("Option pins.signingKeyFile names a file that does not exist"), missing);
  }

  @Test
  void pinningNeedsTheTlsListener() {
    String message = refusal(pinning("MEDIA_EDGE_PINS_BACKUP_PINS", PIN, "MEDIA_EDGE_SERVER_HTTPS_ENABLED", "false",
        "MEDIA_EDGE_SERVER_HTTP_ENABLED", "true"));
    assertTrue(message.startsWith("Option pins.enabled is true but server.https.enabled is false"), message);
  }

  @Test
  void sniCertificatesClientCaAndReloadIntervalAreRead() {
    Path euChain = dir.resolve("eu.pem");
    Path euKey = dir.resolve("eu-key.pem");
    DevCertificates.issueServer(dir.resolve("certs"), euChain, euKey, DevCertificates.KeyType.EC_P256,
        List.of("upload-eu.example.test"));
    String sni = "[{\"certFile\": \"" + euChain + "\", \"keyFile\": \"" + euKey + "\"}]";

    EdgeConfig config = EdgeConfig.load(COMMITTED, env("MEDIA_EDGE_SERVER_HTTPS_SNI_CERTIFICATES", sni,
        "MEDIA_EDGE_SERVER_HTTPS_CLIENT_CA_FILE", tls.caCert().toString(),
        "MEDIA_EDGE_SERVER_HTTPS_RELOAD_CHECK_INTERVAL", "200ms"));

    TlsConfig extra = config.server().https().tls();
    assertEquals(List.of(new CertificateFiles(euChain, euKey)), extra.sniCertificates());
    assertEquals(Optional.of(tls.caCert()), extra.clientCaFile());
    assertEquals(Duration.ofMillis(200), extra.reloadCheckInterval());
  }

  @Test
  void anSniEntryWithoutAKeyIsRefused() {
    String message = refusal(env("MEDIA_EDGE_SERVER_HTTPS_SNI_CERTIFICATES",
        "[{\"certFile\": \"" + tls.serverChain() + "\"}]"));
    assertTrue(message.startsWith("Option server.https.sniCertificates entry 1 has no keyFile"), message);
    assertTrue(message.contains("MEDIA_EDGE_SERVER_HTTPS_SNI_CERTIFICATES"), message);
  }
}
