package io.mediaedge.insights.slots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlotRingTest {
  private static final long NOW = 29_000_000;

  @Test
  void placesMinutesWithinTheRetentionAndAFewAhead() {
    SlotRing ring = new SlotRing(60);
    assertEquals(SlotRing.Placement.IN_RANGE, ring.placement(NOW, NOW));
    assertEquals(SlotRing.Placement.IN_RANGE, ring.placement(NOW - 59, NOW));
    assertEquals(SlotRing.Placement.LATE, ring.placement(NOW - 60, NOW));
    assertEquals(SlotRing.Placement.IN_RANGE, ring.placement(NOW + SlotRing.AHEAD_MINUTES, NOW));
    assertEquals(SlotRing.Placement.AHEAD, ring.placement(NOW + SlotRing.AHEAD_MINUTES + 1, NOW));
  }

  @Test
  void aSlotIsReusedOnlyForItsOwnMinute() {
    SlotRing ring = new SlotRing(60);
    Aggregate slot = ring.getOrCreate(NOW, NOW, Aggregate::new);
    assertSame(slot, ring.getOrCreate(NOW, NOW, Aggregate::new));
    assertSame(slot, ring.get(NOW));
    assertNull(ring.getOrCreate(NOW - 60, NOW, Aggregate::new), "too late to place");
    // a full turn later the same array place holds another minute
    long later = NOW + 60 + SlotRing.AHEAD_MINUTES + 1;
    Aggregate newer = ring.getOrCreate(later, later, Aggregate::new);
    assertNotNull(newer);
    assertNull(ring.get(NOW), "the old minute is gone once its place is reused");
  }

  @Test
  void betweenListsTheHeldMinutesOfARange() {
    SlotRing ring = new SlotRing(60);
    for (long m = NOW - 9; m <= NOW; m += 3) {
      ring.getOrCreate(m, NOW, Aggregate::new).addEvents(1);
    }
    assertEquals(4, ring.between(NOW - 9, NOW).size());
    assertEquals(2, ring.between(NOW - 3, NOW).size());
    assertEquals(4, ring.between(NOW - 1000, NOW).size(), "a range longer than the ring is clipped to it");
  }

  @Test
  void expireDropsWhatTheRetentionNoLongerCovers() {
    SlotRing ring = new SlotRing(60);
    ring.getOrCreate(NOW - 50, NOW, Aggregate::new);
    ring.getOrCreate(NOW, NOW, Aggregate::new);
    ring.expire(NOW + 20);
    assertNull(ring.get(NOW - 50));
    assertNotNull(ring.get(NOW));
    assertTrue(ring.expire(NOW + 100));
  }
}
