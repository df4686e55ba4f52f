package io.mediaedge.insights.ingest;

import io.mediaedge.insights.slots.Aggregate;
import io.mediaedge.insights.slots.SlotRing;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * This instance's partial slots: what its partitions' events came to, minute by minute. Kept as
 * the slots already published and committed, plus what was counted since (pending), so that a
 * publish that fails can be undone exactly: the pending part is dropped and its events are read
 * again. Owned by the consumer thread.
 */
final class LocalPartials {
  private final SlotRing committed;
  private final Map<Long, Aggregate> pending = new HashMap<>();

  LocalPartials(int retentionMinutes) {
    this.committed = new SlotRing(retentionMinutes);
  }

  SlotRing.Placement placement(long minute, long nowMinute) {
    return committed.placement(minute, nowMinute);
  }

  /** Where an event of {@code minute} is counted until the next commit. */
  Aggregate pending(long minute) {
    return pending.computeIfAbsent(minute, m -> new Aggregate());
  }

  boolean hasPending() {
    return !pending.isEmpty();
  }

  /**
   * The cumulative partial of every minute with pending events (committed + pending), to publish;
   * minutes that fell out of the retention meanwhile are left out. Changes nothing yet.
   */
  Map<Long, Aggregate> prepare(long nowMinute) {
    Map<Long, Aggregate> cumulative = new TreeMap<>();
    pending.forEach((minute, delta) -> {
      if (committed.placement(minute, nowMinute) == SlotRing.Placement.IN_RANGE) {
        Aggregate before = committed.get(minute);
        Aggregate merged = before == null ? new Aggregate() : before.copy();
        merged.addAll(delta);
        cumulative.put(minute, merged);
      }
    });
    return cumulative;
  }

  /** What {@link #prepare} returned is published and the offsets committed with it. */
  void committed(Map<Long, Aggregate> published) {
    published.forEach(committed::put);
    pending.clear();
  }

  /** The pending events were not published: forget them (their records will be read again). */
  void rollback() {
    pending.clear();
  }
}
