package io.mediaedge.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parses an HTTP {@code Range} request header (RFC 9110 §14.1.2, §14.2) against a representation
 * of known length and says how to answer.
 *
 * <p>Only single byte ranges are served. A request for several ranges is reported as
 * {@link MultipleIgnored} so the caller sends the whole representation with 200, which RFC 9110
 * permits (a server MAY ignore Range); this avoids multipart/byteranges and the amplification
 * tricks that overlapping range lists allow.
 */
public final class ByteRange {

  /** Longest header value we look at; real clients send a few dozen bytes. */
  public static final int MAX_HEADER_LENGTH = 1024;

  private ByteRange() {}

  /** Outcome of {@link #parse}. */
  public sealed interface Result
      permits None, Satisfiable, Unsatisfiable, Malformed, MultipleIgnored {}

  /** No usable Range (absent, or a unit other than bytes): serve the full representation. */
  public record None() implements Result {}

  /** One satisfiable range, both ends inclusive and within the representation: answer 206. */
  public record Satisfiable(long first, long last) implements Result {
    public Satisfiable {
      if (first < 0 || last < first) {
        throw new IllegalArgumentException("need 0 <= first <= last");
      }
    }

    /** Number of bytes in the range, for Content-Length. */
    public long contentLength() {
      return last - first + 1;
    }

    /** Value for the 206 response's Content-Range header. */
    public String contentRangeHeader(long length) {
      return "bytes " + first + "-" + last + "/" + length;
    }
  }

  /** The range starts beyond the representation: answer 416. */
  public record Unsatisfiable() implements Result {
    /** Value for the 416 response's Content-Range header. */
    public String contentRangeHeader(long length) {
      return "bytes */" + length;
    }
  }

  /** The header is not valid syntax for the bytes unit: answer 400. {@code why} is client-safe. */
  public record Malformed(String why) implements Result {
    public Malformed {
      Objects.requireNonNull(why, "why");
    }
  }

  /** Several ranges were asked for; we do not do multipart/byteranges, so serve the full 200. */
  public record MultipleIgnored() implements Result {}

  private static final None NONE = new None();
  private static final Unsatisfiable UNSATISFIABLE = new Unsatisfiable();
  private static final MultipleIgnored MULTIPLE_IGNORED = new MultipleIgnored();

  /**
   * Interprets {@code header} for a representation of {@code length} bytes.
   *
   * @param header the Range field value, or null when the request has none
   * @param length the representation length, at least 0
   */
  public static Result parse(String header, long length) {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0");
    }
    if (header == null) {
      return NONE;
    }
    if (header.length() > MAX_HEADER_LENGTH) {
      return new Malformed("Range header too long");
    }
    String value = trimOws(header);
    int eq = value.indexOf('=');
    if (eq < 0) {
      return new Malformed("Range header needs unit=ranges");
    }
    String unit = value.substring(0, eq);
    if (!isToken(unit)) {
      return new Malformed("invalid range unit");
    }
    if (!unit.equalsIgnoreCase("bytes")) {
      // RFC 9110 §14.2: a range unit we do not understand MUST be ignored.
      return NONE;
    }

    List<long[]> specs = new ArrayList<>();
    for (String element : value.substring(eq + 1).split(",", -1)) {
      String spec = trimOws(element);
      if (spec.isEmpty()) {
        // RFC 9110 §5.6.1: empty list elements are tolerated and ignored.
        continue;
      }
      long[] parsed = parseSpec(spec);
      if (parsed == null) {
        return new Malformed("invalid byte range");
      }
      specs.add(parsed);
    }
    if (specs.isEmpty()) {
      return new Malformed("no byte ranges given");
    }
    if (specs.size() > 1) {
      return MULTIPLE_IGNORED;
    }
    return resolve(specs.get(0), length);
  }

  /**
   * Syntax of one range-spec: {@code first-last}, {@code first-} or {@code -suffix}. Returns
   * {first, last} with -1 for an absent position, or null when invalid (including numbers that
   * do not fit a long and last &lt; first, which RFC 9110 §14.1.1 calls invalid).
   */
  private static long[] parseSpec(String spec) {
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    String left = spec.substring(0, dash);
    String right = spec.substring(dash + 1);
    if (left.isEmpty()) {
      long suffix = parseDigits(right);
      return suffix < 0 ? null : new long[] {-1, suffix};
    }
    long first = parseDigits(left);
    if (first < 0) {
      return null;
    }
    if (right.isEmpty()) {
      return new long[] {first, -1};
    }
    long last = parseDigits(right);
    if (last < 0 || last < first) {
      return null;
    }
    return new long[] {first, last};
  }

  /** Applies a syntactically valid spec to the representation length. */
  private static Result resolve(long[] spec, long length) {
    long first = spec[0];
    long last = spec[1];
    if (first < 0) {
      // Suffix range: the last `last` bytes. A zero-length suffix selects nothing.
      long suffix = last;
      if (suffix == 0 || length == 0) {
        return UNSATISFIABLE;
      }
      return new Satisfiable(Math.max(0, length - suffix), length - 1);
    }
    if (first >= length) {
      return UNSATISFIABLE;
    }
    long end = (last < 0 || last > length - 1) ? length - 1 : last;
    return new Satisfiable(first, end);
  }

  /**
   * 1*DIGIT as a non-negative long, or -1 when empty, not ASCII digits only (no sign, no
   * spaces, no other Unicode digits) or too large for a long.
   */
  private static long parseDigits(String s) {
    if (s.isEmpty()) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      int digit = c - '0';
      if (value > (Long.MAX_VALUE - digit) / 10) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  /** Strips optional whitespace (SP / HTAB) from both ends, as the HTTP grammar allows. */
  private static String trimOws(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isOws(s.charAt(start))) {
      start++;
    }
    while (end > start && isOws(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }
}
