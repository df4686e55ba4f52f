package io.mediaedge.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes the RFC 9530 {@code Content-Digest} field, e.g.
 * {@code sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:}.
 *
 * <p>The field is a Structured Fields Dictionary (RFC 9651, formerly 8941). The whole value is
 * parsed, because a syntax error anywhere makes the field invalid and we must not pick a digest
 * out of a value other parties would reject. Only sha-256 is extracted; other algorithms are
 * syntax-checked and otherwise ignored.
 *
 * <p>Deliberate deviations from a generic Structured Fields parser, both in the direction of
 * refusing ambiguous integrity metadata: a key that appears twice is an error (Structured
 * Fields would let the last one win, but a proxy keeping the first would then verify a different
 * digest), and the sha-256 member must be a Byte Sequence.
 *
 * <p>When a request carries several Content-Digest field lines, the caller joins them with
 * {@code ", "} before calling, as RFC 9110 §5.3 and RFC 9651 §4.2 prescribe.
 */
public final class ContentDigest {

  /** Longest field value accepted; a few digests fit in well under 1 KiB. */
  public static final int MAX_HEADER_LENGTH = 4096;

  private static final String SHA_256 = "sha-256";
  private static final int SHA_256_LENGTH = 32;

  private ContentDigest() {}

  /**
   * The SHA-256 digest the client declared for the content.
   *
   * @param headerValue the Content-Digest field value, or null when absent
   * @return the 32 digest bytes, or empty when the field is absent or names no sha-256
   * @throws IllegalArgumentException when the value is invalid; the message is safe to show to
   *     the client and never echoes the input
   */
  public static Optional<byte[]> expectedSha256(String headerValue) {
    if (headerValue == null) {
      return Optional.empty();
    }
    if (headerValue.length() > MAX_HEADER_LENGTH) {
      throw invalid("too long");
    }
    return new Parser(headerValue).sha256();
  }

  /** The field value announcing {@code sha256}: {@code sha-256=:BASE64:}. */
  public static String format(byte[] sha256) {
    if (sha256 == null || sha256.length != SHA_256_LENGTH) {
      throw new IllegalArgumentException("a SHA-256 digest is 32 bytes");
    }
    return SHA_256 + "=:" + Base64.getEncoder().encodeToString(sha256) + ":";
  }

  private static IllegalArgumentException invalid(String why) {
    return new IllegalArgumentException("invalid Content-Digest: " + why);
  }

  /**
   * Recursive-descent Structured Fields Dictionary parser following the algorithms of RFC 9651
   * §4.2. Values are validated and dropped, except the sha-256 Byte Sequence.
   */
  private static final class Parser {
    private final String in;
    private int pos;
    // Decoded Byte Sequence of the item just parsed, when it was one; null otherwise.
    private byte[] lastBytes;

    Parser(String in) {
      this.in = in;
    }

    Optional<byte[]> sha256() {
      // Field values reach us trimmed of OWS by HTTP; tolerate tabs too in case they do not.
      skipOws();
      byte[] digest = null;
      Set<String> seen = new HashSet<>();
      while (!atEnd()) {
        String key = key();
        if (!seen.add(key)) {
          throw invalid("duplicate key");
        }
        byte[] value = null;
        if (peek() == '=') {
          pos++;
          value = member();
        } else {
          // Bare key means Boolean true; parameters may still follow.
          parameters();
        }
        if (key.equals(SHA_256)) {
          if (value == null) {
            throw invalid("sha-256 must be a byte sequence");
          }
          if (value.length != SHA_256_LENGTH) {
            throw invalid("sha-256 must be 32 bytes");
          }
          digest = value;
        }
        skipOws();
        if (atEnd()) {
          break;
        }
        expect(',', "expected ','");
        skipOws();
        if (atEnd()) {
          throw invalid("trailing comma");
        }
      }
      return Optional.ofNullable(digest);
    }

    /** Item or Inner List; returns the bytes when it was a Byte Sequence item. */
    private byte[] member() {
      if (peek() == '(') {
        innerList();
        return null;
      }
      bareItem();
      byte[] bytes = lastBytes;
      parameters();
      return bytes;
    }

    private void innerList() {
      pos++; // '('
      while (!atEnd()) {
        skipSp();
        if (peek() == ')') {
          pos++;
          parameters();
          return;
        }
        bareItem();
        parameters();
        if (peek() != ' ' && peek() != ')') {
          throw invalid("malformed inner list");
        }
      }
      throw invalid("unterminated inner list");
    }

    private void parameters() {
      while (peek() == ';') {
        pos++;
        skipSp();
        key();
        if (peek() == '=') {
          pos++;
          bareItem();
        }
      }
    }

    private String key() {
      int start = pos;
      char c = peek();
      if (!(isLcAlpha(c) || c == '*')) {
        throw invalid("expected a key");
      }
      pos++;
      while (isLcAlpha(peek()) || isDigit(peek()) || isKeyPunct(peek())) {
        pos++;
      }
      return in.substring(start, pos);
    }

    private void bareItem() {
      lastBytes = null;
      char c = peek();
      if (c == '-' || isDigit(c)) {
        number(false);
      } else if (c == '"') {
        string();
      } else if (c == '*' || isAlpha(c)) {
        token();
      } else if (c == ':') {
        lastBytes = byteSequence();
      } else if (c == '?') {
        pos++;
        if (peek() != '0' && peek() != '1') {
          throw invalid("malformed boolean");
        }
        pos++;
      } else if (c == '@') {
        pos++;
        number(true); // Date: seconds since the epoch, an Integer
      } else if (c == '%') {
        displayString();
      } else {
        throw invalid("unexpected character");
      }
    }

    /** Integer (up to 15 digits) or Decimal (up to 12 integer and 3 fraction digits). */
    private void number(boolean integerOnly) {
      if (peek() == '-') {
        pos++;
      }
      int intDigits = countDigits();
      if (intDigits == 0) {
        throw invalid("malformed number");
      }
      if (peek() != '.' || integerOnly) {
        if (intDigits > 15) {
          throw invalid("malformed number");
        }
        return;
      }
      pos++;
      int fracDigits = countDigits();
      if (intDigits > 12 || fracDigits == 0 || fracDigits > 3) {
        throw invalid("malformed number");
      }
    }

    private int countDigits() {
      int n = 0;
      while (isDigit(peek())) {
        pos++;
        n++;
      }
      return n;
    }

    private void string() {
      pos++; // opening quote
      while (!atEnd()) {
        char c = in.charAt(pos++);
        if (c == '\\') {
          char next = peek();
          if (next != '"' && next != '\\') {
            throw invalid("malformed string");
          }
          pos++;
        } else if (c == '"') {
          return;
        } else if (c < 0x20 || c > 0x7E) {
          throw invalid("malformed string");
        }
      }
      throw invalid("unterminated string");
    }

    private void token() {
      pos++; // first char already checked
      while (isTchar(peek()) || peek() == ':' || peek() == '/') {
        pos++;
      }
    }

    private byte[] byteSequence() {
      pos++; // opening colon
      int close = in.indexOf(':', pos);
      if (close < 0) {
        throw invalid("unterminated byte sequence");
      }
      String b64 = in.substring(pos, close);
      for (int i = 0; i < b64.length(); i++) {
        char c = b64.charAt(i);
        if (!(isAlpha(c) || isDigit(c) || c == '+' || c == '/' || c == '=')) {
          throw invalid("bad base64");
        }
      }
      pos = close + 1;
      try {
        // java.util.Base64 accepts missing '=' padding and non-zero pad bits, both of which
        // RFC 9651 §4.2.7 says parsers should tolerate.
        return Base64.getDecoder().decode(b64);
      } catch (IllegalArgumentException e) {
        throw invalid("bad base64");
      }
    }

    /** RFC 9651 Display String: %"...", with %xx lower-case hex escapes of UTF-8 bytes. */
    private void displayString() {
      pos++; // '%'
      expect('"', "malformed display string");
      ByteBuffer bytes = ByteBuffer.allocate(in.length());
      while (!atEnd()) {
        char c = in.charAt(pos++);
        if (c == '"') {
          try {
            StandardCharsets.UTF_8.newDecoder().decode(bytes.flip());
          } catch (CharacterCodingException e) {
            throw invalid("malformed display string");
          }
          return;
        }
        if (c < 0x20 || c > 0x7E) {
          throw invalid("malformed display string");
        }
        if (c == '%') {
          int hi = lowerHex(peek());
          pos++;
          int lo = lowerHex(peek());
          pos++;
          bytes.put((byte) (hi << 4 | lo));
        } else {
          bytes.put((byte) c);
        }
      }
      throw invalid("unterminated display string");
    }

    private int lowerHex(char c) {
      if (isDigit(c)) {
        return c - '0';
      }
      if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
      }
      throw invalid("malformed display string");
    }

    private void expect(char c, String why) {
      if (peek() != c) {
        throw invalid(why);
      }
      pos++;
    }

    private void skipOws() {
      while (peek() == ' ' || peek() == '\t') {
        pos++;
      }
    }

    private void skipSp() {
      while (peek() == ' ') {
        pos++;
      }
    }

    private boolean atEnd() {
      return pos >= in.length();
    }

    /** Current character, or NUL at the end (NUL is invalid everywhere in a field value). */
    private char peek() {
      return atEnd() ? '\0' : in.charAt(pos);
    }

    private static boolean isLcAlpha(char c) {
      return c >= 'a' && c <= 'z';
    }

    private static boolean isAlpha(char c) {
      return isLcAlpha(c) || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private static boolean isKeyPunct(char c) {
      return c == '_' || c == '-' || c == '.' || c == '*';
    }

    private static boolean isTchar(char c) {
      return isAlpha(c) || isDigit(c) || (c != '\0' && "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }
  }
}
