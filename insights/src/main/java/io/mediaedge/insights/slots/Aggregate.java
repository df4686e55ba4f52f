package io.mediaedge.insights.slots;

import io.mediaedge.eventschema.Advisory;
import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.HistoryEvent.Action;
import io.mediaedge.eventschema.ThumbnailResult;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The figures of a span of events, mergeable: one minute of one instance in the ring, one minute
 * of every instance, or a whole window in a query. Counts per outcome by country, PoP, region and
 * content type; per (country, ASN) the {@link NetworkSlot}; latency histograms per region and
 * action; content-length buckets per action; the thumbnails worker's results ({@link ThumbnailFigures}).
 * {@code events} counts every history event once (thumbnail results are not history events).
 *
 * <p>Not thread-safe: an aggregate is either owned by one thread (the consumer's), or published to
 * readers and never changed again.
 */
public final class Aggregate {
  private static final int ACTIONS = Action.values().length;

  private long events;
  private final KeyedCounts byCountry = new KeyedCounts();
  private final KeyedCounts byPop = new KeyedCounts();
  private final KeyedCounts byRegion = new KeyedCounts();
  private final KeyedCounts byContentType = new KeyedCounts();
  /** Keyed by {@link Advisory#networkKey} ({@code country/asn}). */
  private final Map<String, NetworkSlot> networks = new HashMap<>();
  /** Per region, one histogram per action (by ordinal), created when used. */
  private final Map<String, LatencyHistogram[]> latencyByRegion = new HashMap<>();
  /** Per action (by ordinal), {@link LengthBuckets#COUNT} counts, created when used. */
  private final long[][] lengths = new long[ACTIONS][];
  private final ThumbnailFigures thumbnails = new ThumbnailFigures();

  /** Counts one event. Names are shared through {@link Names}. */
  public void add(HistoryEvent event) {
    var origin = event.origin();
    Outcome outcome = Outcome.of(event.action(), event.status());
    String country = Names.canonical(origin.country());
    events++;
    byCountry.add(country, outcome, 1);
    byPop.add(Names.canonical(origin.pop()), outcome, 1);
    String region = Names.canonical(origin.region());
    byRegion.add(region, outcome, 1);
    byContentType.add(Names.canonical(event.contentType()), outcome, 1);
    network(country, Names.canonical(origin.asn()))
        .record(outcome, event.latencyMs(), event.contentLength(), Names.canonical(origin.isp()));
    regionLatency(region, event.action()).record(event.latencyMs());
    lengthCounts(event.action())[LengthBuckets.indexOf(event.contentLength())]++;
  }

  /** Counts one media the thumbnails worker settled (in the minute it settled). */
  public void add(ThumbnailResult result) {
    thumbnails.add(result);
  }

  public void addAll(Aggregate other) {
    events += other.events;
    thumbnails.addAll(other.thumbnails);
    byCountry.addAll(other.byCountry);
    byPop.addAll(other.byPop);
    byRegion.addAll(other.byRegion);
    byContentType.addAll(other.byContentType);
    other.networks.forEach((key, theirs) -> {
      NetworkSlot ours = networks.get(key);
      if (ours == null) {
        networks.put(key, theirs.copy());
      } else {
        ours.addAll(theirs);
      }
    });
    other.latencyByRegion.forEach((region, theirs) -> {
      for (Action action : Action.values()) {
        if (theirs[action.ordinal()] != null) {
          regionLatency(region, action).addAll(theirs[action.ordinal()]);
        }
      }
    });
    for (int a = 0; a < ACTIONS; a++) {
      if (other.lengths[a] != null) {
        long[] ours = lengthCounts(Action.values()[a]);
        for (int i = 0; i < LengthBuckets.COUNT; i++) {
          ours[i] += other.lengths[a][i];
        }
      }
    }
  }

  /**
   * Gives back the spare room of every array once the aggregate will not grow any more (a
   * published partial, a decoded one): a day of slots is held this way.
   */
  public void trim() {
    for (KeyedCounts table : new KeyedCounts[] {byCountry, byPop, byRegion, byContentType}) {
      table.trim();
    }
    networks.values().forEach(NetworkSlot::trim);
    thumbnails.trim();
    latencyByRegion.values().forEach(histograms -> {
      for (LatencyHistogram histogram : histograms) {
        if (histogram != null) {
          histogram.trim();
        }
      }
    });
  }

  public Aggregate copy() {
    Aggregate copy = new Aggregate();
    copy.addAll(this);
    return copy;
  }

  /** The (country, ASN) entry, created when first asked for. */
  public NetworkSlot network(String country, String asn) {
    return networks.computeIfAbsent(Names.canonical(Advisory.networkKey(country, asn)), k -> new NetworkSlot(""));
  }

  /** One region's latency histogram for one action, created when first asked for. */
  public LatencyHistogram regionLatency(String region, Action action) {
    LatencyHistogram[] histograms = latencyByRegion.computeIfAbsent(region, r -> new LatencyHistogram[ACTIONS]);
    LatencyHistogram histogram = histograms[action.ordinal()];
    if (histogram == null) {
      histogram = new LatencyHistogram();
      histograms[action.ordinal()] = histogram;
    }
    return histogram;
  }

  /** One action's content-length bucket counts (indexed as {@link LengthBuckets}), created when first asked for. */
  public long[] lengthCounts(Action action) {
    long[] counts = lengths[action.ordinal()];
    if (counts == null) {
      counts = new long[LengthBuckets.COUNT];
      lengths[action.ordinal()] = counts;
    }
    return counts;
  }

  /** One action's content-length bucket counts, or null when it had none. */
  public long[] lengthCountsOrNull(Action action) {
    return lengths[action.ordinal()];
  }

  public void addEvents(long count) {
    events += count;
  }

  public long events() {
    return events;
  }

  /** The thumbnails worker's results: lag per region, media settled per outcome and reason. */
  public ThumbnailFigures thumbnails() {
    return thumbnails;
  }

  public KeyedCounts byCountry() {
    return byCountry;
  }

  public KeyedCounts byPop() {
    return byPop;
  }

  public KeyedCounts byRegion() {
    return byRegion;
  }

  public KeyedCounts byContentType() {
    return byContentType;
  }

  /** Every (country, ASN): {@code country/asn} and its figures. */
  public void forEachNetwork(BiConsumer<String, NetworkSlot> action) {
    networks.forEach(action);
  }

  public NetworkSlot networkOrNull(String networkKey) {
    return networks.get(networkKey);
  }

  public int networkCount() {
    return networks.size();
  }

  /** Every region's histograms, indexed by action ordinal (entries may be null). */
  public void forEachRegionLatency(BiConsumer<String, LatencyHistogram[]> action) {
    latencyByRegion.forEach(action);
  }
}
