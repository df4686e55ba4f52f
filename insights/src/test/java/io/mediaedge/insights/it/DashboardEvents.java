package io.mediaedge.insights.it;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.eventschema.SteeringReport;
import io.mediaedge.eventschema.SteeringReportJson;
import io.mediaedge.eventschema.ThumbnailResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Known traffic for the page's tests: uploads, downloads and failed uploads from networks in
 * countries whose map names differ from their common ones (KR is "Korea", CD "Dem. Rep. Congo"),
 * three regions, four content types and sizes from bytes to gigabytes.
 */
final class DashboardEvents {
  /** country, ASN, ISP, region */
  static final String[][] NETWORKS = {
      {"US", "7922", "Comcast Cable", "us"}, {"BR", "28573", "Claro NXT", "us"}, {"NG", "29465", "MTN Nigeria", "eu"},
      {"DE", "3320", "Deutsche Telekom", "eu"}, {"GB", "2856", "British Telecommunications", "eu"},
      {"IN", "55836", "Reliance Jio Infocomm", "ap"}, {"JP", "4713", "NTT Communications", "ap"},
      {"KR", "9318", "SK Broadband", "ap"}, {"CD", "37020", "Vodacom Congo", "eu"}, {"RU", "12389", "Rostelecom", "eu"},
      {"CZ", "5610", "O2 Czech Republic", "eu"}, {"AU", "1221", "Telstra", "ap"}};
  static final String[] TYPES = {"image/jpeg", "video/mp4", "audio/mp4", "application/pdf"};
  static final long[] LENGTHS = {700, 48_000, 3_000_000, 250_000_000, 2_100_000_000L};

  private DashboardEvents() {}

  /**
   * Creates the steering report topic of {@code historyTopic} (as {@link InsightsStack#config}
   * names it) and reports that region {@code region} steers the network {@code NETWORKS[3]} (DE):
   * what a media-edge that follows advisories sends.
   */
  static void steeringReport(InsightsStack stack, String historyTopic, String region) throws Exception {
    String topic = stack.createNamedTopic(historyTopic + ".steering", 1);
    String[] network = NETWORKS[3];
    Instant now = Instant.now();
    SteeringReport report = new SteeringReport(region, "e2e-1", now, 300, "upload-alt.example.com", false, 20,
        List.of(new SteeringReport.Steered(network[0], network[1], network[2], "advisory-e2e", now.minusSeconds(30),
            now.plus(Duration.ofMinutes(10)))));
    stack.sendRaw(topic, report.key(), null, SteeringReportJson.encode(report));
    stack.flush();
  }

  /**
   * {@code count} events spread over the last {@code spreadSeconds} before {@code now}: network i
   * gets a share that falls with i (weights 12 down to 1); every 9th is a failed upload, every 4th
   * a download.
   */
  static List<HistoryEvent> batch(Instant now, int count, int spreadSeconds) {
    List<HistoryEvent> events = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      String[] network = NETWORKS[network(k)];
      Origin origin = new Origin(network[3], "POP", network[0], "", network[1], network[2], "", Map.of());
      Instant at = now.minusSeconds(k % spreadSeconds);
      long latency = 40 + (k * 7919L) % (network[0].equals("NG") ? 20_000 : 3_000);
      String type = TYPES[k % TYPES.length];
      long length = LENGTHS[k % LENGTHS.length];
      String id = UUID.randomUUID().toString();
      if (k % 9 == 4) {
        events.add(HistoryEvent.failed(id, at, "user-" + k, null, type, length, "UPLOAD_INCOMPLETE", latency, origin));
      } else if (k % 4 == 3) {
        events.add(HistoryEvent.download(id, at, "user-" + k, UUID.randomUUID().toString(), type, length, "00",
            200, latency / 4, origin));
      } else {
        events.add(HistoryEvent.upload(id, at, "user-" + k, UUID.randomUUID().toString(), type, length, "00",
            latency, origin));
      }
    }
    return events;
  }

  /** The reasons {@link #thumbnailResults} gives media without thumbnails, by outcome. */
  static final String[][] THUMBNAIL_FAILURES = {
      {"REFUSED", "TOO_MANY_PIXELS"}, {"REFUSED", "UNREADABLE"}, {"PARKED", "SdkClientException"}};

  /**
   * {@code count} thumbnail results settled over the last {@code spreadSeconds} before {@code now},
   * for media uploaded through the three regions: every 7th refused as TOO_MANY_PIXELS, every
   * 11th (not 7th) refused as UNREADABLE, every 13th (neither) parked, the rest made with lags of 0.3
   * to 40 s.
   */
  static List<ThumbnailResult> thumbnailResults(Instant now, int count, int spreadSeconds) {
    List<ThumbnailResult> results = new ArrayList<>();
    String[] regions = {"us", "eu", "ap"};
    for (int k = 0; k < count; k++) {
      Instant settled = now.minusSeconds(k % spreadSeconds);
      long lagMs = 300 + (k * 7919L) % 40_000;
      String[] failure = k % 7 == 0 ? THUMBNAIL_FAILURES[0] : k % 11 == 0 ? THUMBNAIL_FAILURES[1]
          : k % 13 == 0 ? THUMBNAIL_FAILURES[2] : null;
      ThumbnailResult.Outcome outcome = failure == null ? ThumbnailResult.Outcome.MADE
          : ThumbnailResult.Outcome.valueOf(failure[0]);
      results.add(new ThumbnailResult(UUID.randomUUID().toString(), "user-" + k, TYPES[k % 2],
          settled.minusMillis(lagMs), settled, outcome, failure == null ? "" : failure[1],
          failure == null ? List.of(200, 800) : List.of(), regions[k % regions.length]));
    }
    return results;
  }

  /** Network i has weight {@code NETWORKS.length - i}; every 78 events hold each ticket once. */
  private static int network(int k) {
    int total = NETWORKS.length * (NETWORKS.length + 1) / 2;
    int ticket = (k * 31) % total;
    for (int i = 0; i < NETWORKS.length; i++) {
      ticket -= NETWORKS.length - i;
      if (ticket < 0) {
        return i;
      }
    }
    throw new AssertionError("the weights add up to " + total);
  }
}
