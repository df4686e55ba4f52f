package io.mediaedge.insights.slots;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One-minute slots of {@link Aggregate}s for the last {@code retentionMinutes} minutes, in a fixed
 * array indexed by minute: memory is bounded by the retention however long it runs, and a slot
 * that falls out of the retention is simply reused.
 *
 * <p>A minute is placeable when it is within the retention and at most {@link #AHEAD_MINUTES}
 * ahead of now (clock skew between the edge and us); older events are late, newer ones ahead.
 * Every access holds the ring's lock, so readers on other threads see whole slots; a slot given to
 * {@link #put} must not change afterwards if other threads read it.
 */
public final class SlotRing {
  /** How far ahead of our clock an event may be and still be placed. */
  public static final int AHEAD_MINUTES = 5;

  public enum Placement { IN_RANGE, LATE, AHEAD }

  private final int retentionMinutes;
  private final Aggregate[] slots;
  private final long[] minutes;

  public SlotRing(int retentionMinutes) {
    if (retentionMinutes < 1) {
      throw new IllegalArgumentException("retention must be at least one minute");
    }
    this.retentionMinutes = retentionMinutes;
    int capacity = retentionMinutes + AHEAD_MINUTES + 1;
    this.slots = new Aggregate[capacity];
    this.minutes = new long[capacity];
  }

  public int retentionMinutes() {
    return retentionMinutes;
  }

  public Placement placement(long minute, long nowMinute) {
    if (minute <= nowMinute - retentionMinutes) {
      return Placement.LATE;
    }
    return minute > nowMinute + AHEAD_MINUTES ? Placement.AHEAD : Placement.IN_RANGE;
  }

  /** The slot of {@code minute}, or null when it holds none (or an expired one). */
  public synchronized Aggregate get(long minute) {
    int index = index(minute);
    Aggregate slot = slots[index];
    return slot != null && minutes[index] == minute ? slot : null;
  }

  /**
   * The slot of {@code minute}, made by {@code empty} when there is none yet; null when the
   * minute cannot be placed now. An older minute's slot in the same place is dropped.
   */
  public synchronized Aggregate getOrCreate(long minute, long nowMinute, Supplier<Aggregate> empty) {
    if (placement(minute, nowMinute) != Placement.IN_RANGE) {
      return null;
    }
    Aggregate slot = get(minute);
    if (slot == null) {
      slot = empty.get();
      put(minute, slot);
    }
    return slot;
  }

  /** Sets the slot of {@code minute}, replacing what was there. */
  public synchronized void put(long minute, Aggregate slot) {
    int index = index(minute);
    minutes[index] = minute;
    slots[index] = slot;
  }

  public synchronized void remove(long minute) {
    int index = index(minute);
    if (minutes[index] == minute) {
      slots[index] = null;
    }
  }

  /** The slots from {@code fromMinute} to {@code toMinute}, both included, that exist. */
  public synchronized List<Aggregate> between(long fromMinute, long toMinute) {
    List<Aggregate> found = new ArrayList<>();
    long from = Math.max(fromMinute, toMinute - slots.length + 1);
    for (long minute = from; minute <= toMinute; minute++) {
      Aggregate slot = get(minute);
      if (slot != null) {
        found.add(slot);
      }
    }
    return found;
  }

  /** Drops the slots the retention no longer covers; true when none is left. */
  public synchronized boolean expire(long nowMinute) {
    boolean empty = true;
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] != null) {
        if (placement(minutes[i], nowMinute) == Placement.LATE) {
          slots[i] = null;
        } else {
          empty = false;
        }
      }
    }
    return empty;
  }

  private int index(long minute) {
    return (int) Math.floorMod(minute, (long) slots.length);
  }
}
