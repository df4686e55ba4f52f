package io.mediaedge.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The order the suite's systems take their turns in. Wherever a scenario repeats, each round
 * starts with a different system, so load from elsewhere falls on all alike and none always goes
 * first (or last).
 */
final class SuiteRounds {
  private SuiteRounds() {}

  /** One system's turn in one round. */
  record Turn(int round, String system) {}

  /** Every round's systems, each round in {@link #rotated} order. */
  static List<Turn> turns(List<String> systems, int repetitions) {
    List<Turn> turns = new ArrayList<>();
    for (int rep = 0; rep < repetitions; rep++) {
      for (String system : rotated(systems, rep)) {
        turns.add(new Turn(rep, system));
      }
    }
    return turns;
  }

  /** Round {@code rep} starts with a different system, so none always goes first (or last). */
  static List<String> rotated(List<String> systems, int rep) {
    List<String> order = new ArrayList<>(systems);
    Collections.rotate(order, -(rep % order.size()));
    return order;
  }
}
