package io.mediaedge.insights.slots;

import java.util.Arrays;
import java.util.function.ObjLongConsumer;

/**
 * Counts by {@link Outcome} for one key (a country, a PoP…) of one slot. A key sees a handful of
 * outcomes, so two short parallel arrays cost far less than a map; this is most of a slot's
 * memory at realistic cardinality.
 */
public final class OutcomeCounts {
  private Outcome[] outcomes = new Outcome[2];
  private long[] counts = new long[2];
  private int size;

  public void add(Outcome outcome, long count) {
    for (int i = 0; i < size; i++) {
      if (outcomes[i].equals(outcome)) {
        counts[i] += count;
        return;
      }
    }
    if (size == outcomes.length) {
      outcomes = Arrays.copyOf(outcomes, Math.max(2, size * 2));
      counts = Arrays.copyOf(counts, outcomes.length);
    }
    outcomes[size] = outcome;
    counts[size++] = count;
  }

  public void addAll(OutcomeCounts other) {
    for (int i = 0; i < other.size; i++) {
      add(other.outcomes[i], other.counts[i]);
    }
  }

  /** Gives back the spare room of the arrays once no more outcomes are expected (a closed slot). */
  public void trim() {
    if (outcomes.length > size) {
      outcomes = Arrays.copyOf(outcomes, size);
      counts = Arrays.copyOf(counts, size);
    }
  }

  public OutcomeCounts copy() {
    OutcomeCounts copy = new OutcomeCounts();
    copy.addAll(this);
    return copy;
  }

  public long total() {
    long total = 0;
    for (int i = 0; i < size; i++) {
      total += counts[i];
    }
    return total;
  }

  public long errors() {
    long errors = 0;
    for (int i = 0; i < size; i++) {
      if (outcomes[i].isError()) {
        errors += counts[i];
      }
    }
    return errors;
  }

  public long count(Outcome outcome) {
    for (int i = 0; i < size; i++) {
      if (outcomes[i].equals(outcome)) {
        return counts[i];
      }
    }
    return 0;
  }

  public void forEach(ObjLongConsumer<Outcome> action) {
    for (int i = 0; i < size; i++) {
      action.accept(outcomes[i], counts[i]);
    }
  }

  public int size() {
    return size;
  }
}
