package io.mediaedge.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Compact JWS with ES256 and EdDSA: what we sign verifies, anything changed or mislabelled does not. */
class CompactJwsTest {
  private static final byte[] PAYLOAD = "{\"pins\":{\"localhost\":[\"sha256/abc\"]}}".getBytes(StandardCharsets.UTF_8);

  static Stream<Arguments> keys() throws GeneralSecurityException {
    return Stream.of(Arguments.of("ES256", ecKeys()), Arguments.of("EdDSA", ed25519Keys()));
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static KeyPair ed25519Keys() throws GeneralSecurityException {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  private static JsonObject header(String alg) {
    return new JsonObject().put("alg", alg).put("kid", "test");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void signedTokenVerifiesAndGivesBackThePayload(String alg, KeyPair keys) throws Exception {
    String token = CompactJws.sign(header(alg), PAYLOAD, keys.getPrivate());

    CompactJws.Verified verified = CompactJws.verify(token, keys.getPublic());

    assertArrayEquals(PAYLOAD, verified.payload());
    assertEquals(alg, verified.header().getString("alg"));
    assertEquals(alg, CompactJws.algorithmFor(keys.getPrivate()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void tamperedPayloadHeaderOrSignatureFails(String alg, KeyPair keys) throws Exception {
    String token = CompactJws.sign(header(alg), PAYLOAD, keys.getPrivate());
    String[] parts = token.split("\\.");
    String otherPayload = CompactJws.encode("{\"pins\":{\"localhost\":[\"sha256/evil\"]}}".getBytes(StandardCharsets.UTF_8));
    String otherHeader = CompactJws.encode(header(alg).put("kid", "other").encode().getBytes(StandardCharsets.UTF_8));
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    signature[signature.length / 3] ^= 0x01;

    for (String forged : new String[] {
        parts[0] + "." + otherPayload + "." + parts[2],
        otherHeader + "." + parts[1] + "." + parts[2],
        parts[0] + "." + parts[1] + "." + CompactJws.encode(signature),
        parts[0] + "." + parts[1] + ".",
        parts[0] + "." + parts[1],
        "not a token"}) {
      assertThrows(GeneralSecurityException.class, () -> CompactJws.verify(forged, keys.getPublic()), forged);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void anotherKeyDoesNotVerify(String alg, KeyPair keys) throws Exception {
    String token = CompactJws.sign(header(alg), PAYLOAD, keys.getPrivate());
    KeyPair other = alg.equals("ES256") ? ecKeys() : ed25519Keys();

    assertThrows(GeneralSecurityException.class, () -> CompactJws.verify(token, other.getPublic()));
  }

  @Test
  void theTokenCannotChooseItsAlgorithm() throws Exception {
    KeyPair ec = ecKeys();
    String token = CompactJws.sign(header("ES256"), PAYLOAD, ec.getPrivate());
    String[] parts = token.split("\\.");
    for (String alg : new String[] {"none", "HS256", "EdDSA"}) {
      String relabelled = CompactJws.encode(header(alg).encode().getBytes(StandardCharsets.UTF_8));
      assertThrows(GeneralSecurityException.class,
          () -> CompactJws.verify(relabelled + "." + parts[1] + "." + parts[2], ec.getPublic()), alg);
    }
    assertThrows(GeneralSecurityException.class, () -> CompactJws.sign(header("EdDSA"), PAYLOAD, ec.getPrivate()));
  }

  @Test
  void es256SignatureIsTheRawRAndSOfRfc7518() throws Exception {
    KeyPair ec = ecKeys();
    String token = CompactJws.sign(header("ES256"), PAYLOAD, ec.getPrivate());
    String[] parts = token.split("\\.");
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    assertEquals(64, signature.length);

    // The JDK's own fixed-size (IEEE P1363) ECDSA format is exactly JWS's R||S: an independent check.
    Signature p1363 = Signature.getInstance("SHA256withECDSAinP1363Format");
    p1363.initVerify(ec.getPublic());
    p1363.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertTrue(p1363.verify(signature));
  }

  @Test
  void derAndRawSignaturesConvertBothWaysWithShortAndHighBitNumbers() {
    byte[] raw = new byte[64];
    raw[31] = 0x05;                // r = 5: one byte in DER
    raw[32] = (byte) 0x80;         // s with its high bit set: DER needs a leading zero
    raw[63] = 0x01;
    byte[] der = Der.ecdsaRawToDer(raw);

    // SEQUENCE(38) { INTEGER(1) 05, INTEGER(33) 00 80 00..00 01 }
    assertEquals("3026" + "020105" + "022100" + "80" + "00".repeat(30) + "01", HexFormat.of().formatHex(der));
    assertArrayEquals(raw, Der.ecdsaDerToRaw(der, 32));
  }

  /** RFC 8037 appendix A.3: the thumbprint of its Ed25519 example key. */
  @Test
  void thumbprintMatchesRfc8037Example() throws Exception {
    byte[] x = Base64.getUrlDecoder().decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
    byte[] spki = new byte[44];
    System.arraycopy(HexFormat.of().parseHex("302a300506032b6570032100"), 0, spki, 0, 12);
    System.arraycopy(x, 0, spki, 12, 32);
    PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));

    assertEquals("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", CompactJws.thumbprint(key));
  }
}
