package io.mediaedge.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.PinNotation;
import io.mediaedge.devstack.DevCertificates;
import io.mediaedge.devstack.DevCertificates.KeyType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Our pins are the ones openssl, curl and OkHttp compute for the same key. */
class SpkiPinTest {
  /**
   * A P-256 public key made once with {@code openssl genpkey -algorithm EC -pkeyopt
   * ec_paramgen_curve:P-256} and {@code openssl pkey -pubout}; its pin was computed with {@code
   * openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | openssl base64 -A} and
   * checked with Python's hashlib over the base64-decoded PEM body. It guards the computation on
   * machines without openssl.
   */
  private static final String KNOWN_PUBLIC_KEY = """
      -----BEGIN PUBLIC KEY-----
      MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQpBTbRwTNFgh+ZFMAiDPh7CDEocP
      Agu8L6XzRzBtSbKyVSLMn7FUpkk0PeoD6FMTwjor0uRF/11cyO6BOhulwA==
      -----END PUBLIC KEY-----
      """;
  private static final String KNOWN_PIN = "sha256/UNoTrYzatAp9A9ZQEN8elQ6qCCl+hVtJlcvhcin9XvQ=";

  @TempDir Path dir;

  @Test
  void knownPublicKeyHasTheKnownPin() throws Exception {
    byte[] spki = PemBlocks.publicKeys(KNOWN_PUBLIC_KEY.getBytes(StandardCharsets.US_ASCII)).get(0).spki();
    assertEquals(KNOWN_PIN, SpkiPin.ofSpki(spki));
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void certificatePinEqualsOpensslsPin(KeyType type) throws Exception {
    Assumptions.assumeTrue(OpenSsl.available(), "openssl is not on the PATH; the known-vector test still runs");
    Path chain = dir.resolve("server.pem");
    DevCertificates.issueServer(dir.resolve("ca"), chain, dir.resolve("server-key.pem"), type,
        List.of("upload-eu.example.test"));

    String expected = OpenSsl.run("openssl x509 -in " + chain + " -pubkey -noout | openssl pkey -pubin -outform der"
        + " | openssl dgst -sha256 -binary | openssl base64 -A");

    assertEquals("sha256/" + expected, SpkiPin.of(PemBlocks.certificates(Files.readAllBytes(chain)).get(0)));
  }

  @Test
  void publicKeyFilePinEqualsOpensslsPinAndTheCertificates() throws Exception {
    Assumptions.assumeTrue(OpenSsl.available(), "openssl is not on the PATH");
    Path chain = dir.resolve("server.pem");
    Path key = dir.resolve("server-key.pem");
    DevCertificates.issueServer(dir.resolve("ca"), chain, key, KeyType.EC_P256, List.of("localhost"));
    Path publicKey = dir.resolve("public.pem");
    OpenSsl.run("openssl pkey -in " + key + " -pubout -out " + publicKey);

    String fromFile = SpkiPin.ofSpki(PemBlocks.publicKeys(Files.readAllBytes(publicKey)).get(0).spki());
    String expected = OpenSsl.run("openssl pkey -pubin -in " + publicKey + " -outform der"
        + " | openssl dgst -sha256 -binary | openssl base64 -A");

    assertEquals("sha256/" + expected, fromFile);
    assertEquals(fromFile, SpkiPin.of(PemBlocks.certificates(Files.readAllBytes(chain)).get(0)));
  }

  @Test
  void parseAcceptsOkHttpAndCurlSpellings() {
    assertEquals(KNOWN_PIN, PinNotation.parse(KNOWN_PIN));
    assertEquals(KNOWN_PIN, PinNotation.parse(" sha256//UNoTrYzatAp9A9ZQEN8elQ6qCCl+hVtJlcvhcin9XvQ= "));
    assertEquals("sha256//UNoTrYzatAp9A9ZQEN8elQ6qCCl+hVtJlcvhcin9XvQ=", SpkiPin.forCurl(KNOWN_PIN));
  }

  /** A digest whose base64 starts with '/' begins "sha256//" in our own form too (1 key in 64). */
  @Test
  void aPinWhoseBase64StartsWithASlashParsesInBothSpellings() {
    String ours = "sha256//" + "Pquhuat" + "Bz6//yLxCaSpMuc7h83aZ2BrwDU5ZhoWDJA=";
    assertEquals(32, java.util.Base64.getDecoder().decode(ours.substring("sha256/".length())).length);
    assertEquals(ours, PinNotation.parse(ours));
    assertEquals(ours, PinNotation.parse(SpkiPin.forCurl(ours)));
    assertEquals("sha256///Pquhuat" + "Bz6//yLxCaSpMuc7h83aZ2BrwDU5ZhoWDJA=", SpkiPin.forCurl(ours));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "UNoTrYzatAp9A9ZQEN8elQ6qCCl+hVtJlcvhcin9XvQ=", "sha1/UNoTrYzatAp9A9ZQEN8elQ6qCCl+hVtJlc=",
      "sha256/not base64!", "sha256/UNoTrYzatAp9A9ZQEN8elQ6qCCl+hVtJ"})
  void parseRefusesWhatIsNotASha256Pin(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PinNotation.parse(text));
    assertTrue(e.getMessage().contains("is not a pin"), e.getMessage());
  }
}
