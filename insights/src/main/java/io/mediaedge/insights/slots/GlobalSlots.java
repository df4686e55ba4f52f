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
 * <p>Written by the partials reader's thread, read by queries on others: the slots put here are
 * fresh objects never changed afterwards.
 */
public final class GlobalSlots {
  private final int retentionMinutes;
  private final Clock clock;
  private final Map<String, SlotRing> byInstance = new ConcurrentHashMap<>();

  public GlobalSlots(int retentionMinutes, Clock clock) {
    this.retentionMinutes = retentionMinutes;
    this.clock = clock;
  }

  /** Sets {@code instance}'s partial for {@code minute}; ignored when outside the retention. */
  public void put(String instance, long minute, Aggregate partial) {
    SlotRing ring = byInstance.computeIfAbsent(instance, i -> new SlotRing(retentionMinutes));
    if (ring.placement(minute, nowMinute()) == SlotRing.Placement.IN_RANGE) {
      ring.put(minute, partial);
    }
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
    byInstance.values().removeIf(ring -> ring.expire(now));
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
