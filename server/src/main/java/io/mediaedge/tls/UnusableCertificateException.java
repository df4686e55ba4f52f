package io.mediaedge.tls;

/** A certificate, key or CA file that cannot be served; the message says which and why. */
public final class UnusableCertificateException extends Exception {
  public UnusableCertificateException(String message) {
    super(message, null, false, false);
  }
}
