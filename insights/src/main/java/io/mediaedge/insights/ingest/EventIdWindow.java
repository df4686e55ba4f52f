package io.mediaedge.insights.ingest;

/**
 * The event ids seen most recently, to drop the duplicates at-least-once delivery brings (a relay
 * that published an event twice). Bounded: the last {@code capacity} ids, as 64-bit hashes in an
 * insertion-ordered ring (8 bytes an id) plus an open-addressing table at most half full (16 to 32
 * bytes an id, {@link #bytesPerId}): 1,000,000 ids take 25 MB.
 *
 * <p>Two ids with the same 64-bit hash would be taken for one; with a million ids in the window
 * the odds are about 1 in 18 trillion per event. Ids seen since the last {@link #markCommitted}
 * can be forgotten again ({@link #rollback}), for when the events they came with were not counted
 * after all.
 */
final class EventIdWindow {
  private static final long EMPTY = 0;

  private final int capacity;
  private final long[] order;
  private final long[] table;
  private final int mask;
  /** How many ids were ever added (minus those rolled back): the next position in {@link #order}. */
  private long added;
  private long committedMark;

  EventIdWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
    this.order = new long[capacity];
    int tableSize = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
    this.table = new long[tableSize];
    this.mask = tableSize - 1;
  }

  /** Heap bytes per remembered id at this capacity (the ring and the table, at most half full). */
  double bytesPerId() {
    return (order.length + table.length) * 8.0 / capacity;
  }

  /** True the first time an id is seen within the window; false for a duplicate. */
  boolean firstSighting(String eventId) {
    long hash = hash(eventId);
    if (contains(hash)) {
      return false;
    }
    int position = (int) (added % capacity);
    if (added >= capacity) {
      remove(order[position]);
    }
    order[position] = hash;
    insert(hash);
    added++;
    return true;
  }

  /** The ids seen so far belong to counted events: a rollback keeps them. */
  void markCommitted() {
    committedMark = added;
  }

  /**
   * Forgets the ids seen since the last {@link #markCommitted}, newest first. Ids those had pushed
   * out of a full window are not brought back (they were the oldest).
   */
  void rollback() {
    long floor = Math.max(committedMark, added - capacity);
    while (added > floor) {
      added--;
      remove(order[(int) (added % capacity)]);
    }
    committedMark = added;
  }

  int size() {
    return (int) Math.min(added, capacity);
  }

  private boolean contains(long hash) {
    for (int i = slot(hash); table[i] != EMPTY; i = (i + 1) & mask) {
      if (table[i] == hash) {
        return true;
      }
    }
    return false;
  }

  private void insert(long hash) {
    int i = slot(hash);
    while (table[i] != EMPTY) {
      i = (i + 1) & mask;
    }
    table[i] = hash;
  }

  /** Linear-probing delete: later entries of the run move back so no lookup stops early. */
  private void remove(long hash) {
    int i = slot(hash);
    while (table[i] != hash) {
      if (table[i] == EMPTY) {
        return;
      }
      i = (i + 1) & mask;
    }
    int gap = i;
    for (int j = (gap + 1) & mask; table[j] != EMPTY; j = (j + 1) & mask) {
      int home = slot(table[j]);
      // j's entry may fill the gap unless its home lies cyclically in (gap, j]
      boolean homeBetween = gap <= j ? (home > gap && home <= j) : (home > gap || home <= j);
      if (!homeBetween) {
        table[gap] = table[j];
        gap = j;
      }
    }
    table[gap] = EMPTY;
  }

  private int slot(long hash) {
    return (int) (hash ^ (hash >>> 32)) & mask;
  }

  /** FNV-1a over the characters, then a 64-bit finalizer to spread the bits; never {@link #EMPTY}. */
  static long hash(String id) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h ^= id.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h == EMPTY ? 1 : h;
  }
}
