package io.mediaedge.tus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.PartSizes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UploadChecksumTest {
  private static final byte[] BODY = "hello tus".getBytes(StandardCharsets.UTF_8);

  @Test
  void absentHeaderMeansNoChecksum() {
    assertNull(UploadChecksum.parse(null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sha1:SHA-1", "sha256:SHA-256", "md5:MD5", "SHA256:SHA-256"})
  void eachOfferedAlgorithmChecksABody(String pair) throws Exception {
    String[] names = pair.split(":");
    byte[] digest = MessageDigest.getInstance(names[1]).digest(BODY);
    UploadChecksum checksum = UploadChecksum.parse(names[0] + " " + Base64.getEncoder().encodeToString(digest));
    assertArrayEquals(digest, checksum.expected());
    MessageDigest running = checksum.newDigest();
    running.update(BODY);
    assertTrue(checksum.matches(running.digest()));
    MessageDigest other = checksum.newDigest();
    other.update("hello tuS".getBytes(StandardCharsets.UTF_8));
    assertFalse(checksum.matches(other.digest()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"crc32 AAAAAA==", "sha512 AAAA", "blake3 AAAA"})
  void otherAlgorithmsAreUnsupported(String header) {
    assertThrows(UnsupportedOperationException.class, () -> UploadChecksum.parse(header));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sha1", "sha1 ", " sha1", "sha1  AAAA", "sha1 !!!!", "sha1 AAAA",
      "sha256 qUiQTy8PR5uPgZdpSzAYSw0u0cHNKh7A+4XSmaGSpEc= extra"})
  void malformedValuesAreRefused(String header) {
    assertThrows(IllegalArgumentException.class, () -> UploadChecksum.parse(header));
  }

  @Test
  void aDigestOfTheWrongLengthIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> UploadChecksum.parse("sha1 " + Base64.getEncoder().encodeToString(new byte[32])));
    assertTrue(e.getMessage().contains("20 bytes"), e.getMessage());
  }

  @Test
  void partSizesGrowSoTenThousandPartsSuffice() {
    long eight = 8L << 20;
    assertEquals(eight, PartSizes.forLength(1, eight));
    assertEquals(eight, PartSizes.forLength(10_000L * eight, eight));
    long big = PartSizes.forLength(10_000L * eight + 1, eight);
    assertTrue(big > eight && big % (1 << 20) == 0);
    assertTrue((10_000L * eight + 1 + big - 1) / big <= PartSizes.MAX_PARTS);
    long huge = 5L << 40;
    assertTrue((huge + PartSizes.forLength(huge, eight) - 1) / PartSizes.forLength(huge, eight) <= PartSizes.MAX_PARTS);
  }
}
