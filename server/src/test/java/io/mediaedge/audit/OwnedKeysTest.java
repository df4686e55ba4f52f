package io.mediaedge.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OwnedKeysTest {

  @Test
  void keysSizesAndSeenMarksSurviveTheTableGrowing() {
    OwnedKeys owned = new OwnedKeys();
    for (int i = 0; i < 20_000; i++) {
      owned.add("media/abc/" + i, i % 7 == 0 ? OwnedKeys.ANY_SIZE : i);
      if (i % 3 == 0) {
        owned.markSeen("media/abc/" + i);
      }
    }
    assertEquals(20_000, owned.size());
    for (int i = 0; i < 20_000; i++) {
      String key = "media/abc/" + i;
      assertEquals(i % 7 == 0 ? OwnedKeys.ANY_SIZE : i, owned.expectedSize(key), key);
      assertEquals(i % 3 == 0, owned.wasSeen(key), key);
    }
    assertNull(owned.expectedSize("media/abc/20000"));
    assertFalse(owned.owns("media/abd/1"));
    owned.markSeen("media/abd/1");
    assertFalse(owned.wasSeen("media/abd/1"), "marking a key no row owns marks nothing");
  }

  @Test
  void aSecondAddKeepsTheRecordedSizeAndAMismatchIsRemembered() {
    OwnedKeys owned = new OwnedKeys();
    owned.add("k", OwnedKeys.ANY_SIZE);
    owned.add("k", 42);
    owned.add("k", 43);
    assertEquals(42L, owned.expectedSize("k"));
    owned.markMismatched("k");
    assertEquals(OwnedKeys.MISMATCHED, owned.expectedSize("k"));
    assertTrue(owned.owns("k"));
    assertEquals(1, owned.size());
  }
}
