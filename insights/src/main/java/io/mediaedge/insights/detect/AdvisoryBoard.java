package io.mediaedge.insights.detect;

import io.mediaedge.eventschema.Advisory;
import io.mediaedge.eventschema.Advisory.Signal;
import io.mediaedge.insights.config.DetectionConfig;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What detection has decided, for the API: the networks raised now and the recent decisions
 * (RAISED, CLEARED; newest first, at most {@code recentAdvisories}). The detection thread replaces
 * an immutable snapshot after each evaluation, so readers on event loops never wait.
 */
public final class AdvisoryBoard {
  private final DetectionConfig config;
  private final Deque<Advisory> recent = new ArrayDeque<>();
  private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of(), List.of(), null, false);

  /** The advisory shown on a network's row of the ISP table: its flag now, or its recent clearing. */
  public record RowAdvisory(Advisory.State state, List<Signal> signals, Instant since, String id) {}

  /**
   * @param evaluatedAt the last evaluation's tick (null before the first)
   * @param publishing whether this instance publishes to the topic (it owns partition 0 of the
   *     history topic); every instance decides alike
   */
  public record Snapshot(List<FlagView> active, Map<String, FlagView> activeByNetwork, List<Advisory> recent,
      Instant evaluatedAt, boolean publishing) {}

  public AdvisoryBoard(DetectionConfig config) {
    this.config = config;
  }

  public DetectionConfig config() {
    return config;
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  /**
   * A network's advisory for a row of a window starting at {@code windowStart}: RAISED while it is
   * flagged; CLEARED when its flag was cleared within the window; else none.
   */
  public Optional<RowAdvisory> forNetwork(String country, String asn, Instant windowStart) {
    Snapshot now = snapshot;
    String key = Advisory.networkKey(country, asn);
    FlagView flag = now.activeByNetwork().get(key);
    if (flag != null) {
      return Optional.of(new RowAdvisory(Advisory.State.RAISED, flag.signals(), flag.since(), flag.id()));
    }
    for (Advisory decision : now.recent()) {
      if (decision.issuedAt().isBefore(windowStart)) {
        break;
      }
      if (decision.key().equals(key)) {
        return decision.state() == Advisory.State.CLEARED
            ? Optional.of(new RowAdvisory(decision.state(), decision.signals(), decision.issuedAt(),
                decision.advisoryId()))
            : Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** After an evaluation: the flags raised now and the decisions it made (detection thread only). */
  synchronized void update(List<FlagView> active, List<Advisory> decisions, Instant evaluatedAt, boolean publishing) {
    for (Advisory decision : decisions) {
      recent.addFirst(decision);
      if (recent.size() > config.recentAdvisories()) {
        recent.removeLast();
      }
    }
    List<FlagView> sorted = new ArrayList<>(active);
    sorted.sort(Comparator.comparing(FlagView::since).reversed().thenComparing(FlagView::country)
        .thenComparing(FlagView::asn));
    Map<String, FlagView> byNetwork = new HashMap<>();
    sorted.forEach(flag -> byNetwork.put(Advisory.networkKey(flag.country(), flag.asn()), flag));
    snapshot = new Snapshot(List.copyOf(sorted), Map.copyOf(byNetwork), List.copyOf(recent), evaluatedAt, publishing);
  }
}
