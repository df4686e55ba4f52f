package io.mediaedge.insights.ingest;

import io.mediaedge.insights.slots.Aggregate;
import io.mediaedge.insights.slots.GlobalSlots;
import io.mediaedge.insights.slots.SlotRing;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * This instance's partial slots: what its partitions' events came to, minute by minute. The
 * committed part lives in {@link GlobalSlots} under this run's name (put there as it is committed,
 * so every query sees it and it is held once); what was counted since is pending here, so a
 * publish that fails is undone exactly: the pending part is dropped and its records read again.
 * Owned by the consumer thread.
 */
final class LocalPartials {
  private final GlobalSlots global;
  private final String run;
  private final SlotRing placement;
  private final Map<Long, Aggregate> pending = new HashMap<>();

  LocalPartials(GlobalSlots global, String run) {
    this.global = global;
    this.run = run;
    this.placement = new SlotRing(global.retentionMinutes());
  }

  SlotRing.Placement placement(long minute, long nowMinute) {
    return placement.placement(minute, nowMinute);
  }

  /** Where an event of {@code minute} is counted until the next commit. */
  Aggregate pending(long minute) {
    return pending.computeIfAbsent(minute, m -> new Aggregate());
  }

  boolean hasPending() {
    return !pending.isEmpty();
  }

  /**
   * The cumulative partial of every minute with pending events (committed + pending, a new object:
   * the committed one is shared with readers), to publish; minutes that fell out of the retention
   * meanwhile are left out. Changes nothing yet.
   */
  Map<Long, Aggregate> prepare(long nowMinute) {
    Map<Long, Aggregate> cumulative = new TreeMap<>();
    pending.forEach((minute, delta) -> {
      if (placement(minute, nowMinute) == SlotRing.Placement.IN_RANGE) {
        Aggregate before = global.get(run, minute);
        Aggregate merged = before == null ? new Aggregate() : before.copy();
        merged.addAll(delta);
        merged.trim();
        cumulative.put(minute, merged);
      }
    });
    return cumulative;
  }

  /** What {@link #prepare} returned is published and the offsets committed with it. */
  void committed(Map<Long, Aggregate> published) {
    published.forEach((minute, partial) -> global.put(run, minute, partial));
    pending.clear();
  }

  /** The pending events were not published: forget them (their records will be read again). */
  void rollback() {
    pending.clear();
  }
}
