package io.mediaedge.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentDigestTest {

  // RFC 9530 §2 example: digests of the content {"hello": "world"}.
  static final String SHA256_B64 = "X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=";
  static final String SHA512_B64 =
      "WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==";
  static final byte[] SHA256 = sha256("{\"hello\": \"world\"}");

  static byte[] sha256(String content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static void assertSha256(String header) {
    Optional<byte[]> digest = ContentDigest.expectedSha256(header);
    assertTrue(digest.isPresent(), "expected a sha-256 in: " + header);
    assertArrayEquals(SHA256, digest.get());
  }

  static IllegalArgumentException assertInvalid(String header) {
    return assertThrows(IllegalArgumentException.class,
        () -> ContentDigest.expectedSha256(header), header);
  }

  // ---- valid values -------------------------------------------------------------------

  @Test
  void rfcExampleYieldsTheSha256Bytes() {
    assertSha256("sha-256=:" + SHA256_B64 + ":");
  }

  @Test
  void sha256IsFoundAmongSeveralAlgorithms() {
    assertSha256("sha-512=:" + SHA512_B64 + ":, sha-256=:" + SHA256_B64 + ":");
    assertSha256("sha-256=:" + SHA256_B64 + ":, sha-512=:" + SHA512_B64 + ":");
    assertSha256("md5=:XrY7u+Ae7tCTyyK7j1rNww==:, sha-256=:" + SHA256_B64 + ":, crc32c=:AAAAAA==:");
  }

  @Test
  void onlyOtherAlgorithmsGiveNothingToVerify() {
    assertEquals(Optional.empty(), ContentDigest.expectedSha256("sha-512=:" + SHA512_B64 + ":"));
    assertEquals(Optional.empty(),
        ContentDigest.expectedSha256("sha-512=:" + SHA512_B64 + ":, md5=:XrY7u+Ae7tCTyyK7j1rNww==:"));
  }

  @Test
  void absentHeaderGivesNothingToVerify() {
    assertEquals(Optional.empty(), ContentDigest.expectedSha256(null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "  \t "})
  void emptyDictionaryGivesNothingToVerify(String header) {
    assertEquals(Optional.empty(), ContentDigest.expectedSha256(header));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "sha-256=:%s:",
      "  sha-256=:%s:  ",
      "\tsha-256=:%s:\t",
      "sha-512=:X:,sha-256=:%s:",
      "sha-512=:X:  ,  sha-256=:%s:",
      "sha-512=:X:\t,\tsha-256=:%s:",
      "sha-256=:%s:,sha-512=:X:",
      "sha-256=:%s: ,sha-512=:X:"})
  void whitespaceAroundMembersIsTolerated(String template) {
    assertSha256(template.replace("%s", SHA256_B64).replace(":X:", ":" + SHA512_B64 + ":"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      ";foo=1", ";foo", ";foo=?0", ";a=\"x y\";b=tok/en:1", ";n=-42;q=0.5",
      ";d=@1700000000", ";s=%\"caf%c3%a9\"", ";bin=:AAEC:", "; spaced=1", ";a=1;a=2",
      ";esc=\"quote\\\"back\\\\\""})
  void parametersAfterTheValueAreIgnored(String params) {
    assertSha256("sha-256=:" + SHA256_B64 + ":" + params);
    assertSha256("sha-512=:" + SHA512_B64 + ":" + params + ", sha-256=:" + SHA256_B64 + ":");
  }

  @Test
  void unpaddedBase64IsAccepted() {
    // RFC 9651 §4.2.7: parsers should not fail when '=' padding is missing.
    assertSha256("sha-256=:" + SHA256_B64.replace("=", "") + ":");
  }

  @ParameterizedTest
  @ValueSource(strings = {"unixsum=30637", "legacy", "legacy;x=1", "v=(:AAA=: tok 1);p",
      "v=()", "v=\"str\"", "v=1.25", "v=?1", "v=token", "*star=1"})
  void otherKeysMayHoldAnyStructuredValue(String other) {
    assertSha256(other + ", sha-256=:" + SHA256_B64 + ":");
    assertSha256("sha-256=:" + SHA256_B64 + ":, " + other);
  }

  @Test
  void headerOfExactlyFourKibibytesIsParsed() {
    String member = "sha-256=:" + SHA256_B64 + ":";
    String filler = "x-pad=:" + "A".repeat(4096 - member.length() - ", ".length() - "x-pad=::".length()) + ":";
    String header = filler + ", " + member;
    assertEquals(4096, header.length());
    assertSha256(header);
  }

  // ---- invalid values -----------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBP*=:",
      "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDU oyWxBf7kbu9DBPE=:",
      "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=X:",
      "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE==:",
      "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE-:",
      "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE_:",
      "sha-256=:X:"})
  void badBase64IsInvalid(String header) {
    assertInvalid(header);
  }

  @Test
  void badBase64InAnotherAlgorithmStillInvalidatesTheField() {
    assertInvalid("sha-512=:!!!:, sha-256=:" + SHA256_B64 + ":");
  }

  @Test
  void digestOfTheWrongLengthIsInvalid() {
    IllegalArgumentException e = assertInvalid("sha-256=:" + SHA512_B64 + ":");
    assertTrue(e.getMessage().contains("32 bytes"), e.getMessage());
    assertInvalid("sha-256=::");
    assertInvalid("sha-256=:AAAA:");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "sha-256=" + SHA256_B64,
      "sha-256=:" + SHA256_B64,
      "sha-256=" + SHA256_B64 + ":",
      "sha-256=\"" + SHA256_B64 + "\""})
  void missingColonsAreInvalid(String header) {
    assertInvalid(header);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sha-256", "sha-256;x=1", "sha-256=?1", "sha-256=1", "sha-256=tok",
      "sha-256=(:" + SHA256_B64 + ":)"})
  void sha256ThatIsNotAByteSequenceIsInvalid(String header) {
    assertInvalid(header);
  }

  @Test
  void duplicateKeysAreInvalid() {
    assertInvalid("sha-256=:" + SHA256_B64 + ":, sha-256=:" + SHA256_B64 + ":");
    assertInvalid("sha-256=:" + SHA256_B64 + ":, sha-256=:" + SHA512_B64 + ":");
    assertInvalid("sha-512=:" + SHA512_B64 + ":, sha-512=:" + SHA512_B64 + ":");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "garbage here", "hello world", "{}", "=", ",", ":abc:", "sha-256=:%s:,",
      ",sha-256=:%s:", "sha-256=:%s:,,sha-512=:X:", "sha-256=:%s: sha-512=:X:",
      "sha-256=:%s:;", "sha-256=:%s:;FOO=1", "sha-256=:%s:;foo=", "sha-256=:%s:junk",
      "SHA-256=:%s:", "Sha-256=:%s:", "sha 256=:%s:", "sha-256 =:%s:", "sha-256= :%s:",
      "1sha=:%s:", "-key=:%s:", "sha-256=:%s:\n", "sha-256=:%s:\u00e9", "sha-256=:%s:;x=\"bad",
      "sha-256=:%s:;x=\"\\n\"", "sha-256=:%s:;x=%\"%FF\"", "sha-256=:%s:;x=%\"%ff\"",
      "sha-256=:%s:;x=%\"%c3\"", "sha-256=:%s:;x=1234567890123456",
      "sha-256=:%s:;x=1.2345", "sha-256=:%s:;x=1234567890123.1", "sha-256=:%s:;x=1.",
      "sha-256=:%s:;x=@1.5", "sha-256=:%s:;x=?2", "sha-256=:%s:;x=-", "v=(1 2, sha-256=:%s:",
      "v=(1  2)x, sha-256=:%s:", "v=(1,2), sha-256=:%s:"})
  void garbageIsInvalid(String template) {
    assertInvalid(template.replace("%s", SHA256_B64).replace(":X:", ":" + SHA512_B64 + ":"));
  }

  @Test
  void headerLongerThanFourKibibytesIsInvalid() {
    String header = "sha-256=:" + SHA256_B64 + ":, x=:" + "A".repeat(4096) + ":";
    IllegalArgumentException e = assertInvalid(header);
    assertTrue(e.getMessage().contains("too long"), e.getMessage());
  }

  @Test
  void errorMessagesDoNotEchoTheInput() {
    IllegalArgumentException e = assertInvalid("sha-256=:<script>alert(1)</script>:");
    assertFalse(e.getMessage().contains("<script>"), e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid Content-Digest"), e.getMessage());
  }

  // ---- format -------------------------------------------------------------------------

  @Test
  void formatWritesTheRfcShape() {
    assertEquals("sha-256=:" + SHA256_B64 + ":", ContentDigest.format(SHA256));
  }

  @Test
  void formatRoundTripsThroughTheParser() {
    byte[] digest = sha256("some other content");
    assertArrayEquals(digest, ContentDigest.expectedSha256(ContentDigest.format(digest)).get());
  }

  @Test
  void formatRefusesAnythingButThirtyTwoBytes() {
    assertThrows(IllegalArgumentException.class, () -> ContentDigest.format(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> ContentDigest.format(new byte[64]));
    assertThrows(IllegalArgumentException.class, () -> ContentDigest.format(null));
  }
}
