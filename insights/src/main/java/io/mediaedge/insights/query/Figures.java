package io.mediaedge.insights.query;

import io.mediaedge.eventschema.Advisory;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the queries answer: one record per panel or table, ready to render. */
public final class Figures {
  private Figures() {}

  /**
   * A window's headline figures.
   *
   * @param from the start of the window's first minute
   * @param to the end of its last minute (the current one, still filling)
   * @param uploadP50Ms and the other percentiles: successful uploads' latency over the window
   * @param runs how many instance runs contributed partials (all instances, past and present)
   */
  public record Summary(String window, Instant from, Instant to, long events, Map<String, Long> byAction,
      long errors, double errorRate, long uploadBytes, int countries, int networks, long uploadP50Ms,
      long uploadP90Ms, long uploadP99Ms, int runs) {}

  /** Requests from one country (ISO 3166 alpha-2, "" when unknown). */
  public record CountryCount(String country, long requests, long errors, long uploads) {}

  /** One content type's requests and share of all requests. */
  public record TypeShare(String contentType, long requests, double share) {}

  /** One content-length bucket: lengths up to {@code le} bytes (-1: unbounded) above the previous bucket. */
  public record LengthBucket(long le, long count) {}

  /** One step of a latency series: its start, how many values, and their percentiles (ms). */
  public record LatencyPoint(Instant time, long count, long p50Ms, long p90Ms, long p99Ms) {}

  /** A region's latency over time, one point per step. */
  public record RegionLatency(String region, List<LatencyPoint> points) {}

  /**
   * What the thumbnails worker settled over a window: how many media, made or not, the lag from
   * upload to thumbnails of those made (over the window, and per region over time), and the media
   * without thumbnails by outcome and reason, most first.
   */
  public record Thumbnails(String window, long settled, long made, LatencyPoint lag, List<ThumbnailOutcome> outcomes,
      int stepMinutes, List<RegionLatency> lagByRegion) {}

  /** Media settled one way: {@code MADE}, or {@code REFUSED}/{@code PARKED} with the reason. */
  public record ThumbnailOutcome(String outcome, String reason, long media) {}

  /**
   * One (country, ASN): its figures over the window and over its trailing baseline (the
   * {@code baselineMinutes} before the window; fewer when the slots do not reach that far back).
   */
  public record NetworkHealth(String country, String asn, String isp, NetworkFigures window,
      NetworkFigures baseline, int baselineMinutes) {}

  /**
   * One (country, ASN) as detection judges it: its figures over the window, over its trailing
   * baseline, and the rest of its country's and of the world's (every other network, summed) over
   * the same window.
   */
  public record NetworkComparison(String country, String asn, String isp, NetworkFigures window,
      NetworkFigures baseline, NetworkFigures restOfCountry, NetworkFigures restOfWorld) {

    /** Without the rest of the world (unknown, or not wanted in a comparison). */
    public NetworkComparison(String country, String asn, String isp, NetworkFigures window, NetworkFigures baseline,
        NetworkFigures restOfCountry) {
      this(country, asn, isp, window, baseline, restOfCountry, NetworkFigures.NONE);
    }

    /** {@code country/asn}, the advisory topic's key. */
    public String key() {
      return Advisory.networkKey(country, asn);
    }
  }
}
