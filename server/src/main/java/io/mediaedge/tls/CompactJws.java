package io.mediaedge.tls;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * JWS compact serialisation (RFC 7515) with the two algorithms the pin document is signed with:
 * ES256 (ECDSA P-256 and SHA-256, signature as the 64-byte R||S of RFC 7518 §3.4, not the DER the
 * JDK produces) and EdDSA (Ed25519, RFC 8037). Only JDK crypto.
 *
 * <p>Verification takes the algorithm from the key, never from the token: a header naming another
 * algorithm (or {@code none}) is refused, so a token cannot choose how it is checked.
 */
public final class CompactJws {
  public static final String ES256 = "ES256";
  public static final String EDDSA = "EdDSA";
  private static final int P256_SIZE = 32;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private CompactJws() {}

  /** The JWS algorithm a key signs with: ES256 for P-256 EC keys, EdDSA for Ed25519. */
  public static String algorithmFor(java.security.Key key) throws GeneralSecurityException {
    if (key instanceof ECKey ec) {
      if (ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new GeneralSecurityException("an EC key for ES256 must be on P-256");
      }
      return ES256;
    }
    if (PemBlocks.isEd25519(key.getAlgorithm())) {
      return EDDSA;
    }
    throw new GeneralSecurityException("a " + key.getAlgorithm() + " key cannot sign the pin document; use an EC"
        + " P-256 (ES256) or Ed25519 (EdDSA) key");
  }

  /** Signs {@code payload} with {@code header} (which must name the key's algorithm). */
  public static String sign(JsonObject header, byte[] payload, PrivateKey key) throws GeneralSecurityException {
    String algorithm = algorithmFor(key);
    if (!algorithm.equals(header.getString("alg"))) {
      throw new GeneralSecurityException("the header's alg must be " + algorithm + " for this key");
    }
    String signingInput = encode(header.encode().getBytes(StandardCharsets.UTF_8)) + "." + encode(payload);
    Signature signer = Signature.getInstance(jcaName(algorithm));
    signer.initSign(key);
    signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    byte[] signature = signer.sign();
    if (algorithm.equals(ES256)) {
      signature = Der.ecdsaDerToRaw(signature, P256_SIZE);
    }
    return signingInput + "." + encode(signature);
  }

  /** A verified token's header and payload. */
  public record Verified(JsonObject header, byte[] payload) {
    public JsonObject payloadJson() {
      return new JsonObject(new String(payload, StandardCharsets.UTF_8));
    }
  }

  /**
   * Checks the token's signature with {@code key} and returns what it signs.
   *
   * @throws SignatureException when the token is malformed, names another algorithm, or its
   *     signature does not verify
   */
  public static Verified verify(String token, PublicKey key) throws GeneralSecurityException {
    String[] parts = token == null ? new String[0] : token.split("\\.", -1);
    if (parts.length != 3) {
      throw new SignatureException("a compact JWS has three dot-separated parts");
    }
    JsonObject header;
    byte[] payload;
    byte[] signature;
    try {
      header = new JsonObject(new String(DECODER.decode(parts[0]), StandardCharsets.UTF_8));
      payload = DECODER.decode(parts[1]);
      signature = DECODER.decode(parts[2]);
    } catch (IllegalArgumentException | DecodeException e) {
      throw new SignatureException("the JWS is not valid base64url JSON", e);
    }
    String algorithm = algorithmFor(key);
    if (!algorithm.equals(header.getString("alg"))) {
      throw new SignatureException("the JWS says alg " + header.getValue("alg") + ", but the key is for " + algorithm);
    }
    if (algorithm.equals(ES256)) {
      if (signature.length != 2 * P256_SIZE) {
        throw new SignatureException("an ES256 signature is 64 bytes");
      }
      signature = Der.ecdsaRawToDer(signature);
    }
    Signature verifier = Signature.getInstance(jcaName(algorithm));
    verifier.initVerify(key);
    verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    if (!verifier.verify(signature)) {
      throw new SignatureException("the JWS signature does not verify with this key");
    }
    return new Verified(header, payload);
  }

  /**
   * The RFC 7638 JWK thumbprint of a public key (base64url SHA-256 of its canonical JWK): a key id
   * anyone holding the public key can recompute.
   */
  public static String thumbprint(PublicKey key) throws GeneralSecurityException {
    String canonical;
    if (key instanceof ECPublicKey ec) {
      algorithmFor(ec);
      canonical = new JsonObject().put("crv", "P-256").put("kty", "EC")
          .put("x", encode(unsigned(ec.getW().getAffineX())))
          .put("y", encode(unsigned(ec.getW().getAffineY()))).encode();
    } else if (PemBlocks.isEd25519(key.getAlgorithm())) {
      byte[] spki = key.getEncoded();
      // An Ed25519 SubjectPublicKeyInfo is a 12-byte header followed by the 32-byte key.
      byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
      canonical = new JsonObject().put("crv", "Ed25519").put("kty", "OKP").put("x", encode(raw)).encode();
    } else {
      throw new GeneralSecurityException("no thumbprint for a " + key.getAlgorithm() + " key");
    }
    return encode(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] out = new byte[P256_SIZE];
    int length = Math.min(bytes.length, P256_SIZE);
    System.arraycopy(bytes, bytes.length - length, out, P256_SIZE - length, length);
    return out;
  }

  private static String jcaName(String algorithm) {
    return algorithm.equals(ES256) ? "SHA256withECDSA" : "Ed25519";
  }

  static String encode(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }
}
