package io.mediaedge.devstack;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints compact JWS tokens (RFC 7515/7519) with a {@link DevJwtKeys} pair, using only the JDK.
 *
 * <p>{@link #mint} makes the ordinary token dev mode prints and tests send. {@link #sign} takes
 * the header verbatim so tests can make tokens that lie (wrong {@code alg}, unknown {@code kid},
 * expired, wrong audience); {@link #unsigned} and {@link #hs256} make the two classic forgeries
 * ({@code alg: none}, and HS256 keyed with the public key) a verifier must reject.
 */
public final class DevTokens {

  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  /** ES256 signatures are R and S, each a 32-byte big-endian P-256 scalar (RFC 7518 §3.4). */
  private static final int ES256_PART = 32;

  private final DevJwtKeys keys;
  private final String kid;

  DevTokens(DevJwtKeys keys, String kid) {
    this.keys = keys;
    this.kid = kid;
  }

  /** {@code {"alg":ALG,"typ":"JWT"}}, plus {@code kid} when this minter has one. */
  public JsonObject header() {
    JsonObject header = new JsonObject().put("alg", keys.algorithm()).put("typ", "JWT");
    return kid == null ? header : header.put("kid", kid);
  }

  /**
   * A token for {@code subject} valid from now for {@code ttl} (a negative ttl gives an expired
   * token). {@code issuer} and {@code audience} are left out when null.
   */
  public String mint(String subject, String issuer, String audience, Duration ttl) {
    long now = Instant.now().getEpochSecond();
    JsonObject claims = new JsonObject().put("sub", subject);
    if (issuer != null) {
      claims.put("iss", issuer);
    }
    if (audience != null) {
      claims.put("aud", audience);
    }
    claims.put("iat", now).put("exp", now + ttl.toSeconds());
    return mint(claims);
  }

  /** {@code claims} exactly as given, under the usual {@link #header()}. */
  public String mint(JsonObject claims) {
    return sign(header(), claims);
  }

  /**
   * Signs with this key pair's algorithm whatever {@code header} says, so a test can claim one
   * algorithm and sign with another.
   */
  public String sign(JsonObject header, JsonObject claims) {
    String signingInput = encode(header) + "." + encode(claims);
    try {
      Signature signer = Signature.getInstance(keys.jcaSignature());
      signer.initSign(keys.privateKey());
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      byte[] signature = signer.sign();
      if ("ES256".equals(keys.algorithm())) {
        signature = derToJose(signature, ES256_PART);
      }
      return signingInput + "." + base64Url(signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with " + keys.privateKeyFile(), e);
    }
  }

  /** An unsecured JWT ({@code alg: none}, empty signature, RFC 7519 §6.1). */
  public static String unsigned(JsonObject claims) {
    return encode(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + encode(claims)
        + ".";
  }

  /**
   * An HS256 token keyed with {@code secret}: given a public key PEM's bytes, this is the
   * algorithm-confusion forgery that a verifier trusting the header's {@code alg} would accept.
   */
  public static String hs256(JsonObject claims, byte[] secret) {
    String signingInput =
        encode(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + encode(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return signingInput + "."
          + base64Url(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot compute HMAC-SHA256", e);
    }
  }

  /** Base64url without padding, as JOSE uses everywhere. */
  public static String base64Url(byte[] bytes) {
    return B64URL.encodeToString(bytes);
  }

  private static String encode(JsonObject json) {
    return base64Url(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The JDK's ECDSA gives DER, {@code SEQUENCE { INTEGER r, INTEGER s }}, whose integers are
   * minimal-length and signed (a leading 0x00 when the top bit is set); JOSE wants both as fixed
   * {@code size}-byte unsigned values, concatenated.
   */
  static byte[] derToJose(byte[] der, int size) {
    int pos = 0;
    if (der[pos++] != 0x30) {
      throw new IllegalArgumentException("ECDSA signature is not a DER SEQUENCE");
    }
    int seqLength = der[pos++] & 0xff;
    if ((seqLength & 0x80) != 0) { // long form: the low bits count the length bytes that follow
      int lengthBytes = seqLength & 0x7f;
      seqLength = 0;
      for (int i = 0; i < lengthBytes; i++) {
        seqLength = (seqLength << 8) | (der[pos++] & 0xff);
      }
    }
    if (pos + seqLength != der.length) {
      throw new IllegalArgumentException("ECDSA signature has trailing or missing bytes");
    }
    byte[] jose = new byte[2 * size];
    for (int part = 0; part < 2; part++) {
      if (der[pos++] != 0x02) {
        throw new IllegalArgumentException("ECDSA signature part is not a DER INTEGER");
      }
      int length = der[pos++] & 0xff;
      int start = pos;
      int significant = length;
      while (significant > size) { // drop the sign byte (never more than that for a valid scalar)
        if (der[start] != 0) {
          throw new IllegalArgumentException("ECDSA signature value longer than " + size + " bytes");
        }
        start++;
        significant--;
      }
      System.arraycopy(der, start, jose, part * size + (size - significant), significant);
      pos += length;
    }
    return jose;
  }
}
