package io.mediaedge.upload;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 of a body, computed as its bytes arrive (the JDK's intrinsic over a direct buffer
 * goes through a small reused array), and checked against the client's Content-Digest when the
 * last byte is in.
 */
final class BodyDigest {
  private final MessageDigest sha256;
  private final byte[] expected;
  private byte[] value;

  /** @param expected the Content-Digest's SHA-256, or null */
  BodyDigest(byte[] expected) {
    this.expected = expected;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  void update(ByteBuffer bytes) {
    sha256.update(bytes);
  }

  /** Finishes the digest (once); false when it does not match the expected one. */
  boolean finishAndMatch() {
    if (value == null) {
      value = sha256.digest();
    }
    return expected == null || MessageDigest.isEqual(value, expected);
  }

  /** The SHA-256 once finished; null before. */
  byte[] value() {
    return value;
  }
}
