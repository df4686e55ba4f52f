package io.mediaedge.insights.slots;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every instance's partial slots, as read from the partials topic: the one truth each instance
 * answers from. An instance's partial for a minute replaces its previous one (they are
 * cumulative), and a window's figures are the sum of all instances' partials over its minutes.
 *
 * <p>Written by the partials reader's thread (other instances' partials) and by the consumer's
 * (this instance's own, as it commits them: the same objects serve as its committed state, so they
 * are held once), read by queries on any thread: the slots put here are never changed afterwards.
 */
public final class GlobalSlots {
  private final int retentionMinutes;
  private final Clock clock;
  private final Map<String, SlotRing> byInstance = new ConcurrentHashMap<>();

  public GlobalSlots(int retentionMinutes, Clock clock) {
    this.retentionMinutes = retentionMinutes;
    this.clock = clock;
  }

  /**
   * Sets {@code instance}'s partial for {@code minute}; ignored when outside the retention. Atomic
   * with {@link #expire}, so a run's ring is never dropped while a partial is being put in it.
   */
  public void put(String instance, long minute, Aggregate partial) {
    long now = nowMinute();
    byInstance.compute(instance, (name, ring) -> {
      SlotRing held = ring != null ? ring : new SlotRing(retentionMinutes);
      if (held.placement(minute, now) == SlotRing.Placement.IN_RANGE) {
        held.put(minute, partial);
      }
      return held;
    });
  }

  /** {@code instance}'s partial for {@code minute}, or null. Shared: never change it. */
  public Aggregate get(String instance, long minute) {
    SlotRing ring = byInstance.get(instance);
    return ring == null ? null : ring.get(minute);
  }

  public void remove(String instance, long minute) {
    SlotRing ring = byInstance.get(instance);
    if (ring != null) {
      ring.remove(minute);
    }
  }

  /** Every instance's slots from {@code fromMinute} to {@code toMinute}, both included. */
  public List<Aggregate> between(long fromMinute, long toMinute) {
    List<Aggregate> found = new ArrayList<>();
    for (SlotRing ring : byInstance.values()) {
      found.addAll(ring.between(fromMinute, toMinute));
    }
    return found;
  }

  /** Drops expired slots, and instances (past runs) that have none left. */
  public void expire() {
    long now = nowMinute();
    for (String instance : byInstance.keySet()) {
      byInstance.computeIfPresent(instance, (name, ring) -> ring.expire(now) ? null : ring);
    }
  }

  /** The instances (runs) whose partials are held. */
  public int instances() {
    return byInstance.size();
  }

  public int retentionMinutes() {
    return retentionMinutes;
  }

  public long nowMinute() {
    return Math.floorDiv(clock.millis(), 60_000L);
  }

  public Clock clock() {
    return clock;
  }
}
