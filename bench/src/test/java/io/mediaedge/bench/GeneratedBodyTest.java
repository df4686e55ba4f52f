package io.mediaedge.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mediaedge.it.MediaSamples;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The benchmark's body generator: same arguments, same bytes, whatever the read sizes or ranges. */
class GeneratedBodyTest {

  private static byte[] readAll(GeneratedBody body, int readSize) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[readSize];
    int n;
    while ((n = body.read(buffer, 0, buffer.length)) >= 0) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  @Test
  void bytesDoNotDependOnReadSizes() {
    long size = 3 * GeneratedBody.BLOCK + 12345;
    byte[] big = readAll(new GeneratedBody(size, 7, MediaSamples.MP4_HEAD), 100_000);
    byte[] small = readAll(new GeneratedBody(size, 7, MediaSamples.MP4_HEAD), 7);
    assertEquals(size, big.length);
    assertArrayEquals(big, small);
  }

  @Test
  void startsWithTheHeadAndHashesWhatItHandsOut() {
    GeneratedBody body = new GeneratedBody(1000, 1, MediaSamples.MP4_HEAD);
    assertNull(body.sha256Hex());
    byte[] bytes = readAll(body, 333);
    assertArrayEquals(MediaSamples.MP4_HEAD, Arrays.copyOf(bytes, MediaSamples.MP4_HEAD.length));
    assertEquals(MediaSamples.sha256(bytes), body.sha256Hex());
    assertEquals(body.sha256Hex(), GeneratedBody.sha256Hex(1000, 1, MediaSamples.MP4_HEAD));
    assertEquals(1000, body.position());
  }

  @Test
  void aRangeHasTheWholeBodysBytesAtItsPositions() {
    long size = 5 * GeneratedBody.BLOCK + 777;
    byte[] whole = readAll(new GeneratedBody(size, 9, MediaSamples.MP4_HEAD), 4096);
    // inside the head, on a word boundary, mid-word, on a block boundary, up to the end
    long[][] ranges = {{3, 40}, {8, 70_000}, {GeneratedBody.BLOCK - 5, 2 * GeneratedBody.BLOCK + 3},
        {2 * GeneratedBody.BLOCK, 3 * GeneratedBody.BLOCK}, {size - 1000, size}};
    for (long[] r : ranges) {
      FileSha256 unused = new FileSha256(size);
      byte[] part = readAll(GeneratedBody.range(size, 9, MediaSamples.MP4_HEAD, r[0], r[1], positionsFrom(unused, r[0])),
          1000);
      assertArrayEquals(Arrays.copyOfRange(whole, (int) r[0], (int) r[1]), part, "bytes " + r[0] + " to " + r[1]);
    }
  }

  @Test
  void resentRangesHashTheFileOnce() {
    long size = 4 * GeneratedBody.BLOCK + 99;
    FileSha256 hash = new FileSha256(size);
    // Sent up to 150,000, cut; the server kept 100,003; sent again from there, cut at the same
    // place; resumed from 150,000 to the end.
    readAll(GeneratedBody.range(size, 3, MediaSamples.MP4_HEAD, 0, 150_000, hash), 8192);
    readAll(GeneratedBody.range(size, 3, MediaSamples.MP4_HEAD, 100_003, 150_000, hash), 8192);
    assertNull(hash.hex());
    GeneratedBody last = GeneratedBody.range(size, 3, MediaSamples.MP4_HEAD, 150_000, size, hash);
    readAll(last, 8192);
    assertEquals(GeneratedBody.sha256Hex(size, 3, MediaSamples.MP4_HEAD), hash.hex());
    assertEquals(hash.hex(), last.sha256Hex());
    assertEquals(size, last.position());
  }

  @Test
  void aGapInTheHashedBytesIsRefused() {
    FileSha256 hash = new FileSha256(1000);
    hash.update(0, new byte[100], 0, 100);
    assertThrows(IllegalStateException.class, () -> hash.update(101, new byte[10], 0, 10));
  }

  /** A hash that has seen the file's first {@code position} bytes (zeros will do: it is not read). */
  private static FileSha256 positionsFrom(FileSha256 hash, long position) {
    byte[] zeros = new byte[(int) position];
    hash.update(0, zeros, 0, zeros.length);
    return hash;
  }

  @Test
  void seedsGiveDifferentBodies() {
    assertNotEquals(GeneratedBody.sha256Hex(4096, 1, MediaSamples.MP4_HEAD),
        GeneratedBody.sha256Hex(4096, 2, MediaSamples.MP4_HEAD));
  }

  @Test
  void sizesParseWithDecimalAndBinaryUnits() {
    assertEquals(1_600_000_000L, BenchOptions.parseSize("1.6GB"));
    assertEquals(1_600_000_000L, BenchOptions.parseSize("1600000000"));
    assertEquals(64L << 20, BenchOptions.parseSize("64MiB"));
    assertEquals(200_000_000L, BenchOptions.parseSize("200mb"));
  }
}
