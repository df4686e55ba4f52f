package io.mediaedge.devstack;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JWT signing key pair for dev mode and tests, made at run time and kept as PEM files: the
 * server is configured with the public key file, {@link DevTokens} signs with the private key.
 *
 * <p>Two flavours, because the server must accept both: ES256 (P-256, {@code jwt-private.pem} /
 * {@code jwt-public.pem}) and RS256 (RSA 2048, {@code jwt-rsa-private.pem} /
 * {@code jwt-rsa-public.pem}). Private keys are PKCS#8 PEM blocks, public keys SubjectPublicKeyInfo
 * ones, the forms vertx-auth-jwt and OpenSSL read. Existing
 * files are reused, so tokens minted by an earlier run stay valid.
 */
public final class DevJwtKeys {

  private static final Logger LOG = LoggerFactory.getLogger(DevJwtKeys.class);

  private final String algorithm;
  private final KeyPair keys;
  private final Path privateKeyFile;
  private final Path publicKeyFile;

  private DevJwtKeys(String algorithm, KeyPair keys, Path privateKeyFile, Path publicKeyFile) {
    this.algorithm = algorithm;
    this.keys = keys;
    this.privateKeyFile = privateKeyFile;
    this.publicKeyFile = publicKeyFile;
  }

  /** The ES256 key pair in {@code dir}, created if missing. */
  public static DevJwtKeys es256(Path dir) {
    return ensure(dir, "ES256", "jwt-private.pem", "jwt-public.pem");
  }

  /** The RS256 key pair in {@code dir}, created if missing. */
  public static DevJwtKeys rsa(Path dir) {
    return ensure(dir, "RS256", "jwt-rsa-private.pem", "jwt-rsa-public.pem");
  }

  private static DevJwtKeys ensure(Path dir, String alg, String privateName, String publicName) {
    Path privatePem = dir.resolve(privateName);
    Path publicPem = dir.resolve(publicName);
    String keyType = keyType(alg);
    return PemFiles.locked(dir, () -> {
      if (Files.isRegularFile(privatePem) && Files.isRegularFile(publicPem)) {
        KeyPair existing = read(privatePem, publicPem, keyType);
        if (!PemFiles.pairMatches(existing.getPrivate(), existing.getPublic())) {
          // Refuse rather than overwrite: the public key may already be deployed somewhere.
          throw new IllegalStateException(privatePem + " and " + publicPem + " are not one key "
              + "pair; delete both to have a new pair generated.");
        }
        return new DevJwtKeys(alg, existing, privatePem, publicPem);
      }
      KeyPair fresh = generate(keyType);
      PemFiles.write(privatePem,
          PemFiles.encode(PemFiles.PKCS8_LABEL, List.of(fresh.getPrivate().getEncoded())), true);
      PemFiles.write(publicPem,
          PemFiles.encode("PUBLIC KEY", List.of(fresh.getPublic().getEncoded())), false);
      LOG.info("Created dev JWT {} key pair {} / {}", alg, privatePem, publicPem);
      return new DevJwtKeys(alg, fresh, privatePem, publicPem);
    });
  }

  /** Signs tokens without a {@code kid} header. */
  public DevTokens tokens() {
    return new DevTokens(this, null);
  }

  /** Signs tokens whose header names {@code kid} (e.g. {@link #kid()} for a JWKS setup). */
  public DevTokens tokens(String kid) {
    return new DevTokens(this, kid);
  }

  /** The JOSE algorithm name: "ES256" or "RS256". */
  public String algorithm() {
    return algorithm;
  }

  public PrivateKey privateKey() {
    return keys.getPrivate();
  }

  public PublicKey publicKey() {
    return keys.getPublic();
  }

  public Path privateKeyFile() {
    return privateKeyFile;
  }

  public Path publicKeyFile() {
    return publicKeyFile;
  }

  /** The public key file's text; also what an HS256 forgery would use as its "secret". */
  public String publicKeyPem() {
    return PemFiles.encode("PUBLIC KEY", List.of(keys.getPublic().getEncoded()));
  }

  /** A stable key id: the RFC 7638 JWK thumbprint of the public key. */
  public String kid() {
    JsonObject jwk = publicJwkMembers();
    // RFC 7638: required members only, in lexicographic order, no whitespace.
    String canonical = "EC".equals(jwk.getString("kty"))
        ? new JsonObject().put("crv", jwk.getString("crv")).put("kty", "EC")
            .put("x", jwk.getString("x")).put("y", jwk.getString("y")).encode()
        : new JsonObject().put("e", jwk.getString("e")).put("kty", "RSA")
            .put("n", jwk.getString("n")).encode();
    try {
      return DevTokens.base64Url(MessageDigest.getInstance("SHA-256")
          .digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as a JWK with {@code kid}, {@code alg} and {@code use}, ready for a JWKS. */
  public JsonObject publicJwk() {
    return publicJwkMembers().put("kid", kid()).put("alg", algorithm).put("use", "sig");
  }

  /** The JCA signature algorithm behind {@link #algorithm()}. */
  String jcaSignature() {
    return "ES256".equals(algorithm) ? "SHA256withECDSA" : "SHA256withRSA";
  }

  private JsonObject publicJwkMembers() {
    if (keys.getPublic() instanceof ECPublicKey ec) {
      return new JsonObject().put("kty", "EC").put("crv", "P-256")
          .put("x", DevTokens.base64Url(unsigned(ec.getW().getAffineX(), 32)))
          .put("y", DevTokens.base64Url(unsigned(ec.getW().getAffineY(), 32)));
    }
    RSAPublicKey rsa = (RSAPublicKey) keys.getPublic();
    return new JsonObject().put("kty", "RSA")
        .put("n", DevTokens.base64Url(unsigned(rsa.getModulus(), 0)))
        .put("e", DevTokens.base64Url(unsigned(rsa.getPublicExponent(), 0)));
  }

  /** Big-endian magnitude without a sign byte, left-padded to {@code size} bytes when size > 0. */
  private static byte[] unsigned(BigInteger value, int size) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    if (size == 0 || bytes.length == size) {
      return bytes;
    }
    byte[] padded = new byte[size];
    System.arraycopy(bytes, 0, padded, size - bytes.length, bytes.length);
    return padded;
  }

  private static String keyType(String alg) {
    return "ES256".equals(alg) ? "EC" : "RSA";
  }

  private static KeyPair generate(String keyType) {
    if ("EC".equals(keyType)) {
      return DevCertificates.ecKeyPair();
    }
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make RSA keys", e);
    }
  }

  private static KeyPair read(Path privatePem, Path publicPem, String keyType) {
    try {
      KeyPair pair = PemFiles.readPair(privatePem, publicPem, keyType);
      PublicKey publicKey = pair.getPublic();
      // ES256 means P-256, and RS256 keys under 2048 bits are refused by JWT libraries.
      boolean fits = publicKey instanceof ECPublicKey ec
          ? ec.getParams().getCurve().getField().getFieldSize() == 256
          : ((RSAPublicKey) publicKey).getModulus().bitLength() >= 2048;
      if (!fits) {
        throw new GeneralSecurityException("not a P-256 / 2048+ bit RSA key");
      }
      return pair;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalStateException("cannot read the " + keyType + " key pair " + privatePem
          + " / " + publicPem + " (" + e.getMessage() + "); delete both to have a new pair "
          + "generated.", e);
    }
  }
}
