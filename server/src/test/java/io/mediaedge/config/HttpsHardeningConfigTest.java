package io.mediaedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code server.https.cipherSuites} and {@code server.https.hsts}: AEAD suites only and one year
 * of HSTS unless configured otherwise; a list that would let the engine pick its own suites, or a
 * bad value, stops the start with a sentence naming the option.
 */
class HttpsHardeningConfigTest {
  private static final Path COMMITTED = Path.of("conf/media-edge.yaml");

  @TempDir static Path dir;
  private static Map<String, String> files;

  @BeforeAll
  static void makeFiles() {
    files = DevConfigFiles.make(dir);
  }

  private static EdgeConfig.HttpsConfig https(String... pairs) {
    return EdgeConfig.load(COMMITTED, DevConfigFiles.with(files, pairs)).server().https();
  }

  private static String refusal(String... pairs) {
    return assertThrows(ConfigException.class, () -> https(pairs)).getMessage();
  }

  @Test
  void theCommittedFileOffersOnlyAeadSuitesAndMatchesTheFallback() {
    List<String> suites = https().cipherSuites();
    assertEquals(CipherSuites.AEAD, suites);
    for (String suite : suites) {
      assertTrue(suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_"), suite + " is not an AEAD suite");
      assertFalse(suite.contains("CBC") || suite.endsWith("_SHA"), suite);
    }
  }

  @Test
  void withoutTheOptionTheAeadSuitesAreOffered() {
    JsonObject tree = EdgeConfig.readYaml(COMMITTED);
    tree.getJsonObject("server").getJsonObject("https").remove("cipherSuites");
    tree.getJsonObject("server").getJsonObject("https").remove("hsts");
    EdgeConfig.HttpsConfig https = EdgeConfig.fromTree(tree, files, "test").server().https();
    assertEquals(CipherSuites.AEAD, https.cipherSuites());
    assertEquals(new HstsConfig(Duration.ofDays(365), false), https.hsts());
  }

  @Test
  void suitesCanBeNamedInEitherFormFromTheEnvironment() {
    assertEquals(List.of("TLS_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"),
        https("MEDIA_EDGE_SERVER_HTTPS_CIPHER_SUITES", "TLS_AES_128_GCM_SHA256, ECDHE-ECDSA-AES128-GCM-SHA256")
            .cipherSuites());
  }

  @Test
  void anEmptyListOrABlankOrMalformedNameIsRefused() {
    String empty = refusal("MEDIA_EDGE_SERVER_HTTPS_CIPHER_SUITES", "[]");
    assertTrue(empty.startsWith("Option server.https.cipherSuites is empty, so the TLS engine's own suites"), empty);
    assertTrue(empty.contains("MEDIA_EDGE_SERVER_HTTPS_CIPHER_SUITES"), empty);

    String blank = refusal("MEDIA_EDGE_SERVER_HTTPS_CIPHER_SUITES", "[\"TLS_AES_128_GCM_SHA256\", \" \"]");
    assertTrue(blank.startsWith("Option server.https.cipherSuites entry 2 is empty;"), blank);

    String cipherString = refusal("MEDIA_EDGE_SERVER_HTTPS_CIPHER_SUITES", "[\"HIGH:!aNULL\"]");
    assertTrue(cipherString.startsWith("Option server.https.cipherSuites entry 1 is 'HIGH:!aNULL';"), cipherString);
  }

  @Test
  void hstsIsOnForAYearWithoutSubdomainsByDefault() {
    HstsConfig hsts = https().hsts();
    assertTrue(hsts.enabled());
    assertEquals(Duration.ofDays(365), hsts.maxAge());
    assertFalse(hsts.includeSubDomains());
  }

  @Test
  void hstsCanBeTurnedOffOrWidened() {
    assertFalse(https("MEDIA_EDGE_SERVER_HTTPS_HSTS_MAX_AGE", "0s").hsts().enabled());
    HstsConfig wide = https("MEDIA_EDGE_SERVER_HTTPS_HSTS_MAX_AGE", "17520h",
        "MEDIA_EDGE_SERVER_HTTPS_HSTS_INCLUDE_SUB_DOMAINS", "true").hsts();
    assertEquals(Duration.ofDays(730), wide.maxAge());
    assertTrue(wide.includeSubDomains());
  }

  @ParameterizedTest(name = "{0} = {2}")
  @CsvSource({
      "server.https.hsts.maxAge, MEDIA_EDGE_SERVER_HTTPS_HSTS_MAX_AGE, -1s",
      "server.https.hsts.maxAge, MEDIA_EDGE_SERVER_HTTPS_HSTS_MAX_AGE, a year",
      "server.https.hsts.maxAge, MEDIA_EDGE_SERVER_HTTPS_HSTS_MAX_AGE, 20000h",
      "server.https.hsts.includeSubDomains, MEDIA_EDGE_SERVER_HTTPS_HSTS_INCLUDE_SUB_DOMAINS, maybe"})
  void badHstsValuesAreRefused(String option, String variable, String value) {
    String message = refusal(variable, value);
    assertTrue(message.startsWith("Option " + option + " "), message);
    assertTrue(message.contains(variable), message);
  }
}
