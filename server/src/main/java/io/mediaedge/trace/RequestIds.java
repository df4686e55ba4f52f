package io.mediaedge.trace;

import java.util.List;

/**
 * The rules for {@code X-Request-Id}: a client's id is kept when it is sane (one header, at most
 * {@link #MAX_LENGTH} characters, only characters that cannot break a header, a log line or a
 * JSON string: letters, digits and {@code - _ . : = + / @ ~}); anything else is replaced by a
 * fresh id, so a hostile value never reaches a log line or another system.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  /** Long enough for UUIDs, ULIDs, AWS and Cloudflare trace ids with a prefix. */
  public static final int MAX_LENGTH = 128;

  private RequestIds() {}

  /** The client's id when there is exactly one and it is sane, else a fresh one. */
  public static String keepOrMake(List<String> headerValues) {
    if (headerValues != null && headerValues.size() == 1 && sane(headerValues.get(0))) {
      return headerValues.get(0);
    }
    return fresh();
  }

  public static boolean sane(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char ch = id.charAt(i);
      boolean safe = ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
          || "-_.:=+/@~".indexOf(ch) >= 0;
      if (!safe) {
        return false;
      }
    }
    return true;
  }

  /** 128 random bits as 32 lowercase hex digits. */
  public static String fresh() {
    return TraceParent.randomHex(16);
  }
}
