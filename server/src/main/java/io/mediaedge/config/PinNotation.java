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
    if (!trimmed.startsWith(PREFIX)) {
      throw new IllegalArgumentException("'" + trimmed + "' is not a pin: pins look like sha256/<base64 of 32 bytes>");
    }
    // A digest whose base64 starts with '/' makes our form begin with "sha256//" too: curl's form
    // is tried first, then ours, and only the one that holds 32 bytes is taken.
    byte[] bytes = trimmed.startsWith(CURL_PREFIX) ? digest(trimmed.substring(CURL_PREFIX.length())) : null;
    if (bytes == null) {
      bytes = digest(trimmed.substring(PREFIX.length()));
    }
    if (bytes == null) {
      throw new IllegalArgumentException("'" + trimmed + "' is not a pin: after sha256/ must come the base64 of a"
          + " 32-byte SHA-256 digest");
    }
    return PREFIX + Base64.getEncoder().encodeToString(bytes);
  }

  /** The 32 bytes {@code base64} stands for, or null when it is not the base64 of 32 bytes. */
  private static byte[] digest(String base64) {
    try {
      byte[] bytes = Base64.getDecoder().decode(base64);
      return bytes.length == 32 ? bytes : null;
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }
}
