package io.mediaedge.tus;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The tus checksum extension's {@code Upload-Checksum: <algorithm> <base64 digest>}: the digest
 * of one PATCH body. A body that does not match is discarded whole.
 */
public record UploadChecksum(String algorithm, byte[] expected) {
  /** tus names to JDK names; tus requires sha1, we also take sha256 and md5. */
  public static final Map<String, String> ALGORITHMS = Map.of("sha1", "SHA-1", "sha256", "SHA-256", "md5", "MD5");
  public static final String HEADER = "Upload-Checksum";

  public UploadChecksum {
    expected = expected.clone();
  }

  /**
   * Parses the header; null when absent.
   *
   * @throws UnsupportedOperationException for an algorithm we do not offer (tus: 400)
   * @throws IllegalArgumentException for a malformed value
   */
  public static UploadChecksum parse(String header) {
    if (header == null) {
      return null;
    }
    String[] parts = header.trim().split(" ", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException("must be '<algorithm> <base64 digest>'");
    }
    String algorithm = parts[0].toLowerCase(Locale.ROOT);
    if (!ALGORITHMS.containsKey(algorithm)) {
      throw new UnsupportedOperationException(algorithm);
    }
    byte[] digest;
    try {
      digest = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("has a digest that is not valid base64");
    }
    if (digest.length != newDigest(algorithm).getDigestLength()) {
      throw new IllegalArgumentException("has a " + digest.length + "-byte digest; " + algorithm + " digests are "
          + newDigest(algorithm).getDigestLength() + " bytes");
    }
    return new UploadChecksum(algorithm, digest);
  }

  public MessageDigest newDigest() {
    return newDigest(algorithm);
  }

  public boolean matches(byte[] actual) {
    return MessageDigest.isEqual(expected, actual);
  }

  private static MessageDigest newDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(ALGORITHMS.get(algorithm));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
