package io.mediaedge.config;

import java.util.Base64;

/**
 * How a person writes an SPKI SHA-256 pin: OkHttp's {@code sha256/<base64>} or curl's {@code
 * sha256//<base64>}. It lives with the configuration so that a bad pin stops the start naming its
 * option; the TLS room computes pins and uses this same reading for pins given to it.
 */
public final class PinNotation {
  /** Our form, the one OkHttp prints and takes. */
  public static final String PREFIX = "sha256/";
  /** curl's {@code --pinnedpubkey} form. */
  public static final String CURL_PREFIX = "sha256//";

  private PinNotation() {}

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
}
