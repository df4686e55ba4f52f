package io.mediaedge.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mediaedge.config.EdgeConfig.UploadConfig;
import org.junit.jupiter.api.Test;

/** How much of the memory budget an upload takes before its first byte is read. */
class UploadLeaseTest {
  private static final int WINDOW = 512 * 1024;
  private static final long PART = 8L << 20;

  @Test
  void aLargeKnownLengthTakesItsWindowAndTheChunksInFlight() {
    assertEquals(WINDOW + UploadConfig.CHUNK_SLACK, UploadService.leaseBytes(50_000_000L, WINDOW, PART));
  }

  @Test
  void aPhotoShorterThanTheWindowTakesOnlyItsOwnLength() {
    assertEquals(300_000L, UploadService.leaseBytes(300_000L, WINDOW, PART));
  }

  @Test
  void aTinyBodyStillTakesOneChunk() {
    assertEquals(UploadService.MIN_LEASE, UploadService.leaseBytes(100L, WINDOW, PART));
    assertEquals(UploadService.MIN_LEASE, UploadService.leaseBytes(0L, WINDOW, PART));
  }

  @Test
  void anUnknownLengthAlsoTakesTheOnePartItBuffers() {
    assertEquals(WINDOW + UploadConfig.CHUNK_SLACK + PART, UploadService.leaseBytes(-1L, WINDOW, PART));
  }
}
