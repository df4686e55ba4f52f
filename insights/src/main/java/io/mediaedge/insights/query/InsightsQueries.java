package io.mediaedge.insights.query;

import io.mediaedge.eventschema.HistoryEvent.Action;
import io.mediaedge.insights.query.Figures.CountryCount;
import io.mediaedge.insights.query.Figures.LatencyPoint;
import io.mediaedge.insights.query.Figures.LengthBucket;
import io.mediaedge.insights.query.Figures.NetworkHealth;
import io.mediaedge.insights.query.Figures.RegionLatency;
import io.mediaedge.insights.query.Figures.Summary;
import io.mediaedge.insights.query.Figures.ThumbnailOutcome;
import io.mediaedge.insights.query.Figures.Thumbnails;
import io.mediaedge.insights.query.Figures.TypeShare;
import io.mediaedge.insights.slots.Aggregate;
import io.mediaedge.insights.slots.GlobalSlots;
import io.mediaedge.insights.slots.LatencyHistogram;
import io.mediaedge.insights.slots.LengthBuckets;
import io.mediaedge.insights.slots.NetworkSlot;
import io.mediaedge.insights.slots.OutcomeCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The figures over a window, from every instance's partials: what the JSON API serves, and the
 * internal API the dashboard page and ISP detection build on ({@link #aggregate} for everything
 * over a window, {@link #networks} for per-(country, ASN) health against its trailing baseline).
 *
 * <p>Safe from any thread; a query over a day merges 1,440 minutes of every instance, so callers on
 * an event loop run it as blocking work. A window's merge is reused for {@link #REUSE_NANOS}, so
 * a page asking for six panels at once merges once.
 */
public final class InsightsQueries {
  private static final long REUSE_NANOS = 1_000_000_000L;
  private static final int[] NICE_STEPS = {1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440};

  private final GlobalSlots slots;
  private final Map<String, Recent> recent = new ConcurrentHashMap<>();

  private record Recent(long madeNanos, Aggregate aggregate) {}

  public InsightsQueries(GlobalSlots slots) {
    this.slots = slots;
  }

  /** Parses a window, at most the retention long. @throws IllegalArgumentException for the client */
  public Window window(String text) {
    return Window.parse(text, slots.retentionMinutes());
  }

  public int retentionMinutes() {
    return slots.retentionMinutes();
  }

  /** The current minute (epoch minutes): the last of every window. */
  public long nowMinute() {
    return slots.nowMinute();
  }

  /** Everything over the window, all instances merged. Shared: callers must not change it. */
  public Aggregate aggregate(Window window) {
    long now = slots.nowMinute();
    return aggregate(window.firstMinute(now), now);
  }

  /** Everything from {@code fromMinute} to {@code toMinute} (epoch minutes, both included). Shared: do not change. */
  public Aggregate aggregate(long fromMinute, long toMinute) {
    String key = fromMinute + ":" + toMinute;
    long now = System.nanoTime();
    Recent cached = recent.get(key);
    if (cached != null && now - cached.madeNanos() < REUSE_NANOS) {
      return cached.aggregate();
    }
    Aggregate total = new Aggregate();
    for (Aggregate slot : slots.between(fromMinute, toMinute)) {
      total.addAll(slot);
    }
    if (recent.size() > 32) {
      recent.clear();
    }
    recent.put(key, new Recent(now, total));
    return total;
  }

  public Summary summary(Window window) {
    long now = slots.nowMinute();
    Aggregate all = aggregate(window);
    Map<String, Long> byAction = new LinkedHashMap<>();
    long[] errors = {0};
    all.byRegion().forEach((region, counts) -> {
      counts.forEach((outcome, count) -> byAction.merge(outcome.action().name(), count, Long::sum));
      errors[0] += counts.errors();
    });
    long[] uploadBytes = {0};
    all.forEachNetwork((key, network) -> uploadBytes[0] += network.uploadBytes());
    LatencyHistogram uploads = new LatencyHistogram();
    all.forEachRegionLatency((region, byAct) -> {
      if (byAct[Action.UPLOAD.ordinal()] != null) {
        uploads.addAll(byAct[Action.UPLOAD.ordinal()]);
      }
    });
    int[] countries = {0};
    all.byCountry().forEach((country, counts) -> countries[0] += country.isEmpty() ? 0 : 1);
    return new Summary(window.toString(), minuteStart(window.firstMinute(now)), minuteStart(now + 1), all.events(),
        byAction, errors[0], all.events() == 0 ? 0 : (double) errors[0] / all.events(), uploadBytes[0],
        countries[0], all.networkCount(), uploads.valueAtPercentile(50), uploads.valueAtPercentile(90),
        uploads.valueAtPercentile(99), slots.instances());
  }

  /** Requests per country, most first (the world map). */
  public List<CountryCount> countries(Window window) {
    List<CountryCount> countries = new ArrayList<>();
    aggregate(window).byCountry().forEach((country, counts) -> countries.add(new CountryCount(country,
        counts.total(), counts.errors(), actionCount(counts, Action.UPLOAD))));
    countries.sort(Comparator.comparingLong(CountryCount::requests).reversed().thenComparing(CountryCount::country));
    return countries;
  }

  /** The {@code limit} countries with the most requests, most first; unknown ("") left out. */
  public List<CountryCount> topCountries(Window window, int limit) {
    return countries(window).stream().filter(c -> !c.country().isEmpty()).limit(limit).toList();
  }

  /** Requests per content type and their share, most first. */
  public List<TypeShare> contentTypes(Window window) {
    Aggregate all = aggregate(window);
    long total = all.events();
    List<TypeShare> types = new ArrayList<>();
    all.byContentType().forEach((type, counts) -> types.add(new TypeShare(type, counts.total(),
        total == 0 ? 0 : (double) counts.total() / total)));
    types.sort(Comparator.comparingLong(TypeShare::requests).reversed().thenComparing(TypeShare::contentType));
    return types;
  }

  /** The content-length histogram of one action: every bucket, empty ones too, so charts keep their axis. */
  public List<LengthBucket> contentLengths(Window window, Action action) {
    long[] counts = aggregate(window).lengthCountsOrNull(action);
    List<LengthBucket> buckets = new ArrayList<>();
    for (int i = 0; i < LengthBuckets.COUNT; i++) {
      buckets.add(new LengthBucket(LengthBuckets.upperBound(i), counts == null ? 0 : counts[i]));
    }
    return buckets;
  }

  /** A step that gives a chart about 60 points: 1 minute up to an hour, 30 minutes for a day. */
  public static int defaultStep(Window window) {
    int wanted = (window.minutes() + 59) / 60;
    for (int step : NICE_STEPS) {
      if (step >= wanted) {
        return step;
      }
    }
    return NICE_STEPS[NICE_STEPS.length - 1];
  }

  /**
   * p50/p90/p99 of one action's latency per region, one point per {@code stepMinutes} (steps
   * aligned to the window's start; the last one may be still filling). Steps without values are
   * left out of a region's series.
   */
  public List<RegionLatency> latency(Window window, Action action, int stepMinutes) {
    return series(window, stepMinutes, (slot, sink) -> slot.forEachRegionLatency((region, byAction) -> {
      if (byAction[action.ordinal()] != null) {
        sink.accept(region, byAction[action.ordinal()]);
      }
    }));
  }

  /**
   * The thumbnails worker's results over the window: media settled, the lag of those made (over
   * the window; per region, one point per {@code stepMinutes}, as {@link #latency}), and the
   * outcomes by reason, most first.
   */
  public Thumbnails thumbnails(Window window, int stepMinutes) {
    var figures = aggregate(window).thumbnails();
    LatencyHistogram lag = new LatencyHistogram();
    figures.forEachRegionLag((region, histogram) -> lag.addAll(histogram));
    List<ThumbnailOutcome> outcomes = new ArrayList<>();
    long[] settled = {0, 0};
    figures.forEachSettled((key, count) -> {
      int slash = key.indexOf('/');
      String outcome = slash < 0 ? key : key.substring(0, slash);
      outcomes.add(new ThumbnailOutcome(outcome, slash < 0 ? "" : key.substring(slash + 1), count));
      settled[0] += count;
      settled[1] += outcome.equals("MADE") ? count : 0;
    });
    outcomes.sort(Comparator.comparingLong(ThumbnailOutcome::media).reversed()
        .thenComparing(ThumbnailOutcome::outcome).thenComparing(ThumbnailOutcome::reason));
    long first = window.firstMinute(slots.nowMinute());
    return new Thumbnails(window.toString(), settled[0], settled[1], point(minuteStart(first), lag), outcomes,
        stepMinutes, series(window, stepMinutes, (slot, sink) -> slot.thumbnails().forEachRegionLag(sink)));
  }

  /**
   * Per region, one point per step: the percentiles of the histograms {@code histograms} gives of
   * each slot in the step, merged.
   */
  private List<RegionLatency> series(Window window, int stepMinutes,
      BiConsumer<Aggregate, BiConsumer<String, LatencyHistogram>> histograms) {
    long now = slots.nowMinute();
    long first = window.firstMinute(now);
    Map<String, List<LatencyPoint>> series = new TreeMap<>();
    for (long start = first; start <= now; start += stepMinutes) {
      Map<String, LatencyHistogram> step = new TreeMap<>();
      for (Aggregate slot : slots.between(start, Math.min(now, start + stepMinutes - 1))) {
        histograms.accept(slot, (region, h) -> step.computeIfAbsent(region, r -> new LatencyHistogram()).addAll(h));
      }
      Instant time = minuteStart(start);
      step.forEach((region, h) -> series.computeIfAbsent(region, r -> new ArrayList<>()).add(point(time, h)));
    }
    List<RegionLatency> regions = new ArrayList<>();
    series.forEach((region, points) -> regions.add(new RegionLatency(region, points)));
    return regions;
  }

  private static LatencyPoint point(Instant time, LatencyHistogram h) {
    return new LatencyPoint(time, h.totalCount(), h.valueAtPercentile(50), h.valueAtPercentile(90),
        h.valueAtPercentile(99));
  }

  /**
   * Every (country, ASN) seen in the window with at least {@code minRequests} requests, most
   * requests first: its figures over the window and over the {@code baselineMinutes} before it
   * (clipped to what the slots hold).
   */
  public List<NetworkHealth> networks(Window window, int baselineMinutes, long minRequests) {
    long now = slots.nowMinute();
    long first = window.firstMinute(now);
    long oldestHeld = now - slots.retentionMinutes() + 1;
    long baselineFirst = Math.max(first - baselineMinutes, oldestHeld);
    int heldBaseline = (int) Math.max(0, first - baselineFirst);
    Aggregate current = aggregate(window);
    Aggregate baseline = heldBaseline == 0 ? new Aggregate() : aggregate(baselineFirst, first - 1);
    List<NetworkHealth> networks = new ArrayList<>();
    current.forEachNetwork((key, network) -> {
      if (network.outcomes().total() >= minRequests) {
        networks.add(health(key, network, baseline.networkOrNull(key), heldBaseline));
      }
    });
    networks.sort(Comparator.comparingLong((NetworkHealth n) -> n.window().requests()).reversed()
        .thenComparing(NetworkHealth::country).thenComparing(NetworkHealth::asn));
    return networks;
  }

  private static NetworkHealth health(String key, NetworkSlot network, NetworkSlot baseline, int baselineMinutes) {
    int slash = key.indexOf('/');
    return new NetworkHealth(key.substring(0, slash), key.substring(slash + 1), network.isp(),
        NetworkFigures.of(network), NetworkFigures.of(baseline), baselineMinutes);
  }

  private static long actionCount(OutcomeCounts counts, Action action) {
    long[] total = {0};
    counts.forEach((outcome, count) -> total[0] += outcome.action() == action ? count : 0);
    return total[0];
  }

  private static Instant minuteStart(long minute) {
    return Instant.ofEpochMilli(minute * 60_000L);
  }
}
