package io.mediaedge.trace;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context {@code traceparent} (https://www.w3.org/TR/trace-context/):
 * {@code version-traceid-parentid-flags}, lowercase hex. A header that is not well formed starts a
 * new trace, as the recommendation asks, instead of being passed on.
 */
public final class TraceParent {
  public static final String HEADER = "traceparent";
  /** {@code 00-} + 32 + {@code -} + 16 + {@code -} + 2. */
  static final int LENGTH = 55;
  private static final String SUPPORTED_VERSION = "00";
  private static final String ZERO_TRACE_ID = "0".repeat(32);
  private static final String ZERO_PARENT_ID = "0".repeat(16);
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private TraceParent() {}

  /**
   * The header as it is to be passed on, or empty when it is missing or not well formed. A later
   * version than ours is read for its first four fields and passed on as version 00, as the
   * recommendation asks of a tracer that does not know that version.
   */
  public static Optional<String> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.trim();
    if (value.length() < LENGTH || value.length() > 512) {
      return Optional.empty();
    }
    String version = value.substring(0, 2);
    if (!isHex(version) || version.equals("ff") || value.charAt(2) != '-' || value.charAt(35) != '-'
        || value.charAt(52) != '-') {
      return Optional.empty();
    }
    if (version.equals(SUPPORTED_VERSION) ? value.length() != LENGTH
        : value.length() > LENGTH && value.charAt(LENGTH) != '-') {
      return Optional.empty();
    }
    String traceId = value.substring(3, 35);
    String parentId = value.substring(36, 52);
    String flags = value.substring(53, 55);
    if (!isHex(traceId) || traceId.equals(ZERO_TRACE_ID) || !isHex(parentId) || parentId.equals(ZERO_PARENT_ID)
        || !isHex(flags)) {
      return Optional.empty();
    }
    return Optional.of(SUPPORTED_VERSION + "-" + traceId + "-" + parentId + "-" + flags);
  }

  /** A new trace: random trace and parent ids, not sampled (we record no spans ourselves). */
  public static String fresh() {
    return SUPPORTED_VERSION + "-" + randomHex(16) + "-" + randomHex(8) + "-00";
  }

  /** The trace id of a well-formed header (as {@link #parse} or {@link #fresh} give). */
  public static String traceId(String traceparent) {
    return traceparent.substring(3, 35);
  }

  /** {@code bytes} random bytes as lowercase hex, never all zeros. */
  static String randomHex(int bytes) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] out = new char[bytes * 2];
    boolean nonZero = false;
    for (int i = 0; i < bytes; i++) {
      int b = random.nextInt(256);
      nonZero |= b != 0;
      out[2 * i] = HEX[b >>> 4];
      out[2 * i + 1] = HEX[b & 0xf];
    }
    if (!nonZero) {
      out[out.length - 1] = '1';
    }
    return new String(out);
  }

  private static boolean isHex(String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (!(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
