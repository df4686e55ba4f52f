package io.mediaedge.tls;

import io.mediaedge.config.PinNotation;
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
 * tool computes. Pins written by people are read by {@link PinNotation}.
 */
public final class SpkiPin {
  private SpkiPin() {}

  /** The pin of a SubjectPublicKeyInfo DER (what a "PUBLIC KEY" PEM block holds). */
  public static String ofSpki(byte[] spkiDer) {
    try {
      return PinNotation.PREFIX + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spkiDer));
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

  /** The pin as curl's {@code --pinnedpubkey} takes it. */
  public static String forCurl(String pin) {
    return PinNotation.CURL_PREFIX + PinNotation.parse(pin).substring(PinNotation.PREFIX.length());
  }
}
