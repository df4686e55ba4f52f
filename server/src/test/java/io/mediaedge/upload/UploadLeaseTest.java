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
    assertEquals(WINDOW + UploadConfig.CHUNK_SLACK, UploadConfig.leaseFor(WINDOW, 50_000_000L, false, PART));
  }

  @Test
  void aPhotoShorterThanTheWindowTakesOnlyItsOwnLength() {
    assertEquals(300_000L, UploadConfig.leaseFor(WINDOW, 300_000L, false, PART));
  }

  @Test
  void aTinyBodyStillTakesOneChunk() {
    assertEquals(UploadConfig.MIN_LEASE, UploadConfig.leaseFor(WINDOW, 100L, false, PART));
    assertEquals(UploadConfig.MIN_LEASE, UploadConfig.leaseFor(WINDOW, 0L, false, PART));
  }

  @Test
  void anUnknownLengthAlsoTakesTheOnePartItBuffers() {
    assertEquals(WINDOW + UploadConfig.CHUNK_SLACK + PART, UploadConfig.leaseFor(WINDOW, -1L, false, PART));
  }

  @Test
  void aResumableUploadTakesTheOnePartItGathersWhateverItsLength() {
    assertEquals(WINDOW + UploadConfig.CHUNK_SLACK + PART, UploadConfig.leaseFor(WINDOW, 100L, true, PART));
  }
}
