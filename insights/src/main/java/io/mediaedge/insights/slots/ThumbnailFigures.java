package io.mediaedge.insights.slots;

import io.mediaedge.eventschema.ThumbnailResult;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.ObjLongConsumer;

/**
 * The thumbnail part of a slot, from the thumbnails worker's results: per region the lag from upload
 * to thumbnails of the media it made (a {@link LatencyHistogram}, so percentiles merge exactly), and
 * how many media settled per outcome and reason ({@code MADE}, {@code REFUSED/TOO_MANY_PIXELS},
 * {@code PARKED/SdkClientException}: the failures by reason).
 *
 * <p>Refused and parked media have no thumbnail, so their time to settle is not a thumbnail's lag:
 * they are counted, not timed. Not thread-safe, as {@link Aggregate}.
 */
public final class ThumbnailFigures {
  private final Map<String, LatencyHistogram> lagByRegion = new HashMap<>();
  private final Map<String, long[]> settled = new HashMap<>();

  /** The key a result is counted under: its outcome, and for a failure its reason after a slash. */
  public static String outcomeKey(ThumbnailResult.Outcome outcome, String reason) {
    return outcome == ThumbnailResult.Outcome.MADE || reason.isEmpty() ? outcome.name() : outcome.name() + "/" + reason;
  }

  public void add(ThumbnailResult result) {
    addSettled(Names.canonical(outcomeKey(result.outcome(), result.reason())), 1);
    if (result.outcome() == ThumbnailResult.Outcome.MADE) {
      lag(Names.canonical(result.region())).record(result.lag().toMillis());
    }
  }

  public void addAll(ThumbnailFigures other) {
    other.lagByRegion.forEach((region, histogram) -> lag(region).addAll(histogram));
    other.settled.forEach((key, count) -> addSettled(key, count[0]));
  }

  public void addSettled(String outcomeKey, long count) {
    settled.computeIfAbsent(outcomeKey, k -> new long[1])[0] += count;
  }

  /** One region's lag histogram, created when first asked for. */
  public LatencyHistogram lag(String region) {
    return lagByRegion.computeIfAbsent(region, r -> new LatencyHistogram());
  }

  public void forEachRegionLag(BiConsumer<String, LatencyHistogram> action) {
    lagByRegion.forEach(action);
  }

  public void forEachSettled(ObjLongConsumer<String> action) {
    settled.forEach((key, count) -> action.accept(key, count[0]));
  }

  public int regions() {
    return lagByRegion.size();
  }

  public int outcomeKeys() {
    return settled.size();
  }

  public boolean isEmpty() {
    return settled.isEmpty();
  }

  void trim() {
    lagByRegion.values().forEach(LatencyHistogram::trim);
  }
}
