package io.mediaedge.insights.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdWindowTest {

  @Test
  void aRepeatedIdIsADuplicateWithinTheWindow() {
    EventIdWindow window = new EventIdWindow(1000);
    String id = UUID.randomUUID().toString();
    assertTrue(window.firstSighting(id));
    assertFalse(window.firstSighting(id));
    assertTrue(window.firstSighting(UUID.randomUUID().toString()));
  }

  @Test
  void theOldestIdsLeaveAFullWindow() {
    EventIdWindow window = new EventIdWindow(100);
    for (int i = 0; i < 150; i++) {
      assertTrue(window.firstSighting("id-" + i));
    }
    assertEquals(100, window.size());
    // 0..49 were pushed out, 50..149 are remembered
    for (int i = 50; i < 150; i++) {
      assertFalse(window.firstSighting("id-" + i), "id-" + i + " should still be remembered");
    }
    for (int i = 0; i < 50; i++) {
      assertTrue(window.firstSighting("id-" + i), "id-" + i + " should have been forgotten");
    }
  }

  @Test
  void manyIdsThroughASmallWindowKeepLookupsRight() {
    // removals from the probing table must never hide a remembered id
    EventIdWindow window = new EventIdWindow(1024);
    for (int round = 0; round < 50; round++) {
      for (int i = 0; i < 1024; i++) {
        assertTrue(window.firstSighting(round + ":" + i));
      }
      for (int i = 0; i < 1024; i++) {
        assertFalse(window.firstSighting(round + ":" + i));
      }
    }
  }

  @Test
  void rollbackForgetsOnlyWhatCameSinceTheCommit() {
    EventIdWindow window = new EventIdWindow(1000);
    window.firstSighting("a");
    window.firstSighting("b");
    window.markCommitted();
    window.firstSighting("c");
    window.firstSighting("d");
    window.rollback();
    assertFalse(window.firstSighting("a"));
    assertFalse(window.firstSighting("b"));
    assertTrue(window.firstSighting("c"), "c was rolled back, so reading it again counts it");
    assertTrue(window.firstSighting("d"));
  }

  @Test
  void aMillionIdsCostAbout25Bytes() {
    assertTrue(new EventIdWindow(1_000_000).bytesPerId() < 26);
  }
}
