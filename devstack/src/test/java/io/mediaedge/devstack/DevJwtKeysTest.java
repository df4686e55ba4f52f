package io.mediaedge.devstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dev key material must be accepted by independent verifiers, not just by itself. */
class DevJwtKeysTest {

  @TempDir Path dir;

  @Test
  void es256TokensVerifyWithTheJdkAgainstThePublicKeyFile() throws Exception {
    DevJwtKeys keys = DevJwtKeys.es256(dir);
    DevTokens tokens = keys.tokens();
    PublicKey publicKey = readPublicKey(dir.resolve("jwt-public.pem"), "EC");
    // Many tokens, so R or S with a high bit set or leading zero bytes get exercised too.
    for (int i = 0; i < 200; i++) {
      String[] parts = tokens.mint("user-" + i, "dev", "media-edge", Duration.ofMinutes(5))
          .split("\\.");
      byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
      assertEquals(64, signature.length, "JOSE ES256 signature is R||S, 32 bytes each");
      // The JDK's P1363 format is exactly R||S: an independent check of our DER conversion.
      Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
      verifier.initVerify(publicKey);
      verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      assertTrue(verifier.verify(signature), "token " + i + " verifies");
    }
  }

  @Test
  void rs256TokensVerifyWithTheJdkAgainstThePublicKeyFile() throws Exception {
    DevJwtKeys keys = DevJwtKeys.rsa(dir);
    String[] parts = keys.tokens().mint("alice", null, null, Duration.ofMinutes(5)).split("\\.");
    assertEquals("RS256", decode(parts[0]).getString("alg"));
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(readPublicKey(dir.resolve("jwt-rsa-public.pem"), "RSA"));
    verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertTrue(verifier.verify(Base64.getUrlDecoder().decode(parts[2])));
  }

  @Test
  void vertxJwtAuthAcceptsBothAlgorithmsFromThePublicKeyPem() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      for (DevJwtKeys keys : List.of(DevJwtKeys.es256(dir), DevJwtKeys.rsa(dir))) {
        JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(
            new PubSecKeyOptions().setAlgorithm(keys.algorithm())
                .setBuffer(Files.readString(keys.publicKeyFile()))));
        String token = keys.tokens().mint("bob", "dev", "media-edge", Duration.ofMinutes(5));
        User user = auth.authenticate(new TokenCredentials(token))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("bob", user.principal().getString("sub"), keys.algorithm());
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void mintedTokensCarryHeaderSubjectIssuerAudienceAndLifetime() {
    DevJwtKeys keys = DevJwtKeys.es256(dir);
    long before = Instant.now().getEpochSecond();
    String[] parts = keys.tokens(keys.kid()).mint("carol", "https://issuer.test", "media-edge",
        Duration.ofMinutes(10)).split("\\.");
    JsonObject header = decode(parts[0]);
    JsonObject claims = decode(parts[1]);
    assertEquals(new JsonObject().put("alg", "ES256").put("typ", "JWT").put("kid", keys.kid()),
        header);
    assertEquals("carol", claims.getString("sub"));
    assertEquals("https://issuer.test", claims.getString("iss"));
    assertEquals("media-edge", claims.getString("aud"));
    long iat = claims.getLong("iat");
    assertTrue(iat >= before && iat <= before + 5);
    assertEquals(iat + 600, claims.getLong("exp"));
    assertEquals(keys.kid(), keys.publicJwk().getString("kid"));
  }

  @Test
  void keyFilesAreReusedSoEarlierTokensStayValid() throws Exception {
    DevJwtKeys first = DevJwtKeys.es256(dir);
    String privatePem = Files.readString(dir.resolve("jwt-private.pem"));
    DevJwtKeys second = DevJwtKeys.es256(dir);
    assertArrayEquals(first.publicKey().getEncoded(), second.publicKey().getEncoded());
    assertEquals(privatePem, Files.readString(dir.resolve("jwt-private.pem")));
    assertTrue(privatePem.startsWith("-----BEGIN " + PemFiles.PKCS8_LABEL + "-----\n"));
    assertTrue(Files.readString(dir.resolve("jwt-public.pem"))
        .startsWith("-----BEGIN PUBLIC KEY-----\n"));
    assertNotEquals(first.kid(), DevJwtKeys.rsa(dir).kid());
  }

  @Test
  void forgedTokensHaveTheShapeAttackersUse() throws Exception {
    JsonObject claims = new JsonObject().put("sub", "mallory");
    String none = DevTokens.unsigned(claims);
    assertTrue(none.endsWith("."), "alg none has an empty signature");
    assertEquals("none", decode(none.split("\\.")[0]).getString("alg"));

    byte[] secret = DevJwtKeys.es256(dir).publicKeyPem().getBytes(StandardCharsets.US_ASCII);
    String[] parts = DevTokens.hs256(claims, secret).split("\\.");
    assertEquals("HS256", decode(parts[0]).getString("alg"));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertArrayEquals(expected, Base64.getUrlDecoder().decode(parts[2]));
  }

  @Test
  void serverCertificateChainsToTheDevCaForLocalhostAndLoopbackAddresses() throws Exception {
    DevCertificates.TlsFiles files = DevCertificates.ensure(dir.resolve("certs"), "upload.dev.test");
    List<X509Certificate> chain = DevCertificates.readCertificates(files.serverChain());
    X509Certificate ca = DevCertificates.readCertificates(files.caCert()).get(0);
    assertEquals(2, chain.size(), "server.pem holds the server certificate, then the CA");
    assertEquals(ca, chain.get(1));

    chain.get(0).verify(ca.getPublicKey());
    PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    pkix.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(List.of(chain.get(0))), pkix);

    Set<String> sans = new HashSet<>();
    for (List<?> san : chain.get(0).getSubjectAlternativeNames()) {
      Object value = san.get(1);
      sans.add((Integer) san.get(0) == 7
          ? InetAddress.getByName((String) value).getHostAddress() : (String) value);
    }
    assertEquals(Set.of("localhost", "127.0.0.1", InetAddress.getByName("::1").getHostAddress(),
        "upload.dev.test"), sans);
    assertTrue(chain.get(0).getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
    assertEquals(-1, chain.get(0).getBasicConstraints(), "server certificate is not a CA");
    assertTrue(ca.getBasicConstraints() >= 0, "CA certificate is a CA");

    assertTrue(Files.readString(files.serverKey()).startsWith("-----BEGIN " + PemFiles.PKCS8_LABEL + "-----\n"));
    assertTrue(PemFiles.pairMatches(DevCertificates.readEcPrivateKey(files.serverKey()),
        chain.get(0).getPublicKey()));
  }

  @Test
  void certificatesAreReusedAndNewNamesKeepTheSameCa() throws Exception {
    Path certs = dir.resolve("certs");
    DevCertificates.TlsFiles files = DevCertificates.ensure(certs);
    String ca = Files.readString(files.caCert());
    String server = Files.readString(files.serverChain());

    DevCertificates.ensure(certs);
    assertEquals(server, Files.readString(files.serverChain()), "valid files are reused");

    DevCertificates.ensure(certs, "10.1.2.3");
    assertEquals(ca, Files.readString(files.caCert()), "the CA users trust is kept");
    assertFalse(server.equals(Files.readString(files.serverChain())), "server cert reissued");
    X509Certificate reissued = DevCertificates.readCertificates(files.serverChain()).get(0);
    reissued.verify(DevCertificates.readCertificates(files.caCert()).get(0).getPublicKey());
  }

  private static PublicKey readPublicKey(Path pem, String type) throws Exception {
    String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance(type)
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  private static JsonObject decode(String part) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
  }
}
