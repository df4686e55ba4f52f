package io.mediaedge.insights.query;

import io.mediaedge.insights.query.Figures.NetworkComparison;
import io.mediaedge.insights.slots.Aggregate;
import io.mediaedge.insights.slots.NetworkSlot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every (country, ASN) of a window set against its own trailing baseline and against the rest of
 * its country: what ISP-trouble detection judges, every few seconds.
 *
 * <p>The baseline (up to a day before the window) is by far the biggest merge: a day of 1,500
 * networks a minute takes seconds. So it is merged again only every {@code baselineRefresh}; in
 * between it keeps the span it was merged over, which then ends a little before the window
 * starts: a gap of minutes in a day-long baseline changes nothing, and the two never overlap. The
 * rest of a country is its total less the network, so a country of a thousand networks costs a
 * thousand subtractions, not a million merges. Not thread-safe: one detection thread calls it.
 */
public final class NetworkComparisons {
  private final InsightsQueries queries;
  private final long baselineRefreshNanos;
  private int baselineMinutes = -1;
  private long baselineTo = -1;
  private long baselineMadeNanos;
  private Aggregate baseline;

  public NetworkComparisons(InsightsQueries queries, Duration baselineRefresh) {
    this.queries = queries;
    this.baselineRefreshNanos = baselineRefresh.toNanos();
  }

  /**
   * Every network with at least {@code minRequests} requests in the window (fewer cannot be
   * judged); the rest of its country counts every other network, however small.
   *
   * @param baselineMinutes how far before the window the baseline reaches (clipped to the slots)
   */
  public List<NetworkComparison> compare(Window window, int baselineMinutes, long minRequests) {
    long now = queries.nowMinute();
    long first = window.firstMinute(now);
    Aggregate current = queries.aggregate(first, now);
    Aggregate before = baseline(baselineMinutes, first, now - queries.retentionMinutes() + 1);
    Map<String, NetworkSlot> countries = new HashMap<>();
    NetworkSlot world = new NetworkSlot("");
    current.forEachNetwork((key, network) -> {
      countries.computeIfAbsent(country(key), c -> new NetworkSlot("")).addAll(network);
      world.addAll(network);
    });
    List<NetworkComparison> compared = new ArrayList<>();
    current.forEachNetwork((key, network) -> {
      if (network.outcomes().total() < minRequests) {
        return;
      }
      String country = country(key);
      NetworkSlot rest = countries.get(country).copy();
      rest.removeAll(network);
      NetworkSlot others = world.copy();
      others.removeAll(network);
      compared.add(new NetworkComparison(country, key.substring(country.length() + 1), network.isp(),
          NetworkFigures.of(network), NetworkFigures.of(before.networkOrNull(key)), NetworkFigures.of(rest),
          NetworkFigures.of(others)));
    });
    return compared;
  }

  /** The baseline for a window starting at {@code first}: the one held, unless it is due again. */
  private Aggregate baseline(int minutes, long first, long oldestHeld) {
    long now = System.nanoTime();
    // a window that moved back (the clock did) would overlap the held baseline
    if (baseline == null || minutes != baselineMinutes || baselineTo >= first
        || now - baselineMadeNanos >= baselineRefreshNanos) {
      long from = Math.max(first - minutes, oldestHeld);
      baseline = from > first - 1 ? new Aggregate() : queries.aggregate(from, first - 1);
      baselineMinutes = minutes;
      baselineTo = first - 1;
      baselineMadeNanos = now;
    }
    return baseline;
  }

  private static String country(String networkKey) {
    return networkKey.substring(0, networkKey.indexOf('/'));
  }
}
