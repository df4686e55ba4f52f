package io.mediaedge.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * SPKI SHA-256 pins in the form OkHttp prints and takes: {@code sha256/<base64 of the SHA-256 of
 * the SubjectPublicKeyInfo DER>}; curl wants the same digest as {@code sha256//<base64>}.
 *
 * <p>The digest is taken over the SubjectPublicKeyInfo bytes exactly as they stand in the
 * certificate, not over the JDK's re-encoding of the key, so that a key the JDK would encode
 * differently (a compressed EC point, explicit curve parameters) still gets the pin every other
 * tool computes.
 */
public final class SpkiPin {
  public static final String PREFIX = "sha256/";
  private static final String CURL_PREFIX = "sha256//";

  private SpkiPin() {}

  /** The pin of a SubjectPublicKeyInfo DER (what a "PUBLIC KEY" PEM block holds). */
  public static String ofSpki(byte[] spkiDer) {
    try {
      return PREFIX + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spkiDer));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  /** The pin of a certificate's public key. */
  public static String of(X509Certificate certificate) {
    try {
      return ofSpki(Der.subjectPublicKeyInfo(certificate.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("the certificate cannot be encoded", e);
    }
  }

  /**
   * A pin given by a person, checked and in our form: {@code sha256/} or curl's {@code sha256//}
   * followed by the base64 of 32 bytes.
   *
   * @throws IllegalArgumentException with a sentence saying what is wrong
   */
  public static String parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    String digest;
    if (trimmed.startsWith(CURL_PREFIX)) {
      digest = trimmed.substring(CURL_PREFIX.length());
    } else if (trimmed.startsWith(PREFIX)) {
      digest = trimmed.substring(PREFIX.length());
    } else {
      throw new IllegalArgumentException("'" + trimmed + "' is not a pin: pins look like sha256/<base64 of 32 bytes>");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(digest);
    } catch (IllegalArgumentException e) {
      bytes = new byte[0];
    }
    if (bytes.length != 32) {
      throw new IllegalArgumentException("'" + trimmed + "' is not a pin: after sha256/ must come the base64 of a"
          + " 32-byte SHA-256 digest");
    }
    return PREFIX + Base64.getEncoder().encodeToString(bytes);
  }

  /** The pin as curl's {@code --pinnedpubkey} takes it. */
  public static String forCurl(String pin) {
    return CURL_PREFIX + parse(pin).substring(PREFIX.length());
  }
}
