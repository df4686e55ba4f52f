package io.mediaedge.insights.slots;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/** Outcome counts per value of one dimension (country, PoP, region, content type) of a slot. */
public final class KeyedCounts {
  private final Map<String, OutcomeCounts> byKey = new HashMap<>();

  public void add(String key, Outcome outcome, long count) {
    byKey.computeIfAbsent(key, k -> new OutcomeCounts()).add(outcome, count);
  }

  public void addAll(KeyedCounts other) {
    other.byKey.forEach((key, counts) -> byKey.computeIfAbsent(key, k -> new OutcomeCounts()).addAll(counts));
  }

  public KeyedCounts copy() {
    KeyedCounts copy = new KeyedCounts();
    copy.addAll(this);
    return copy;
  }

  public void trim() {
    byKey.values().forEach(OutcomeCounts::trim);
  }

  public OutcomeCounts get(String key) {
    return byKey.get(key);
  }

  public void forEach(BiConsumer<String, OutcomeCounts> action) {
    byKey.forEach(action);
  }

  public int size() {
    return byKey.size();
  }
}
