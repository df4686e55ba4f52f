package io.mediaedge.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mediaedge.it.MediaSamples;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The benchmark's body generator: same arguments, same bytes, whatever the read sizes. */
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
