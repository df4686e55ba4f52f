package io.mediaedge.insights.query;

import io.mediaedge.insights.query.Figures.NetworkComparison;
import io.mediaedge.insights.slots.Aggregate;
import io.mediaedge.insights.slots.LatencyHistogram;
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
 * rest of a country (or of the world) is its total, summed once, less the network: each network
 * costs what its own figures hold, neither a merge of the others nor a copy of the total. Not
 * thread-safe: one detection thread calls it.
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
    Map<String, NetworkSum> countries = new HashMap<>();
    NetworkSum world = new NetworkSum();
    current.forEachNetwork((key, network) -> {
      countries.computeIfAbsent(country(key), c -> new NetworkSum()).add(network);
      world.add(network);
    });
    List<NetworkComparison> compared = new ArrayList<>();
    current.forEachNetwork((key, network) -> {
      if (network.outcomes().total() < minRequests) {
        return;
      }
      String country = country(key);
      compared.add(new NetworkComparison(country, key.substring(country.length() + 1), network.isp(),
          NetworkFigures.of(network), NetworkFigures.of(before.networkOrNull(key)),
          countries.get(country).without(network), world.without(network)));
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

  /** Networks summed (a country's, the world's), to read the rest without any one of them. */
  private static final class NetworkSum {
    private final NetworkSlot sum = new NetworkSlot("");
    private LatencyHistogram.Cumulative latency;

    void add(NetworkSlot network) {
      sum.addAll(network);
      latency = null;
    }

    /** The figures of every network added but {@code part}, one of them. */
    NetworkFigures without(NetworkSlot part) {
      if (latency == null) {
        latency = sum.uploadLatency().cumulative();
      }
      return NetworkFigures.without(sum, latency, part);
    }
  }
}
