package io.mediaedge.insights.metrics;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.ThumbnailResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this instance counted, for Prometheus: per instance by design (each counts its own
 * partitions' events), so sums over instances are the global figures. Labels are bounded (country,
 * region, action, status, content type; never an ASN or a user), and each seed panel is one query
 * (README, "Insights").
 */
public final class InsightsMetrics {
  /** Latency buckets (seconds): from a cached download to a long upload. */
  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300)};
  /** Thumbnail-lag buckets: from a photo made at once to a backlog of an hour. */
  private static final Duration[] THUMBNAIL_LAG_BUCKETS = {
      Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(2), Duration.ofMinutes(5),
      Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1)};
  /** Content-length buckets (bytes): powers of 4 from 1 KiB to 4 GiB. */
  private static final double[] LENGTH_BUCKETS = lengthBuckets();

  private final PrometheusMeterRegistry registry;
  private final BoundedLabels countries = new BoundedLabels("[A-Z]{2}", 300);
  private final BoundedLabels regions = new BoundedLabels("[A-Za-z0-9._-]{1,40}", 64);
  private final BoundedLabels statuses = new BoundedLabels("[A-Za-z0-9_]{1,48}", 128);
  private final BoundedLabels contentTypes = new BoundedLabels("[a-z0-9.+-]{1,40}/[a-zA-Z0-9.+-]{1,60}", 128);
  private final Map<String, Counter> events = new ConcurrentHashMap<>();
  private final Map<String, Counter> typeEvents = new ConcurrentHashMap<>();
  private final Map<String, Counter> uploadBytes = new ConcurrentHashMap<>();
  private final Map<String, Timer> latency = new ConcurrentHashMap<>();
  private final Map<String, Timer> countryUploadLatency = new ConcurrentHashMap<>();
  private final Map<String, DistributionSummary> lengths = new ConcurrentHashMap<>();
  private final Map<String, Counter> thumbnailsSettled = new ConcurrentHashMap<>();
  private final Map<String, Timer> thumbnailLag = new ConcurrentHashMap<>();
  private final Map<String, Counter> malformed = new ConcurrentHashMap<>();
  private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
  private final Counter duplicates;
  private final Counter published;
  private final Counter publishFailures;
  private final AtomicLong lastEventMillis = new AtomicLong();
  private final AtomicLong lag = new AtomicLong();

  public InsightsMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    duplicates = Counter.builder("insights.duplicates.dropped")
        .description("Events dropped because their eventId was seen within the dedup window").register(registry);
    published = Counter.builder("insights.partials.published")
        .description("Partial-slot publications committed with their offsets").register(registry);
    publishFailures = Counter.builder("insights.partials.publish.failures")
        .description("Partial-slot publications that failed and were rolled back").register(registry);
    Gauge.builder("insights.last.event.timestamp", lastEventMillis, v -> v.get() / 1000.0)
        .description("occurredAt of the newest event counted, seconds since the epoch").baseUnit("seconds")
        .register(registry);
    Gauge.builder("insights.consumer.lag", lag, AtomicLong::get)
        .description("History-topic records not read yet on this instance's partitions").baseUnit("records")
        .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** One event counted (not a duplicate, placed in a slot). */
  public void counted(HistoryEvent event) {
    String action = event.action().name();
    String status = statuses.of(event.status());
    String country = countries.of(event.origin().country());
    String region = regions.of(event.origin().region());
    String type = contentTypes.of(event.contentType());
    events.computeIfAbsent(action + '|' + status + '|' + country + '|' + region, k -> Counter.builder("insights.events")
        .description("History events counted").tag("action", action).tag("status", status)
        .tag("country", country).tag("region", region).register(registry)).increment();
    typeEvents.computeIfAbsent(action + '|' + type, k -> Counter.builder("insights.content.type.events")
        .description("History events counted, by content type").tag("action", action).tag("content_type", type)
        .register(registry)).increment();
    latency.computeIfAbsent(action + '|' + region, k -> Timer.builder("insights.latency")
        .description("Request latency as the edge measured it").tag("action", action).tag("region", region)
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry))
        .record(Duration.ofMillis(Math.max(0, event.latencyMs())));
    lengths.computeIfAbsent(action, k -> DistributionSummary.builder("insights.content.length")
        .description("Content length of counted events").baseUnit("bytes").tag("action", action)
        .serviceLevelObjectives(LENGTH_BUCKETS).register(registry))
        .record(Math.max(0, event.contentLength()));
    if (event.action() == HistoryEvent.Action.UPLOAD) {
      // p99 per country for the alert rules; uploads only, so the buckets stay countries x 13
      countryUploadLatency.computeIfAbsent(country, k -> Timer.builder("insights.country.upload.latency")
          .description("Upload latency as the edge measured it, by client country").tag("country", country)
          .serviceLevelObjectives(LATENCY_BUCKETS).register(registry))
          .record(Duration.ofMillis(Math.max(0, event.latencyMs())));
      uploadBytes.computeIfAbsent(country + '|' + region, k -> Counter.builder("insights.upload.bytes")
          .description("Bytes of recorded uploads").baseUnit("bytes").tag("country", country).tag("region", region)
          .register(registry)).increment(Math.max(0, event.contentLength()));
    }
    lastEventMillis.accumulateAndGet(event.occurredAt().toEpochMilli(), Math::max);
  }

  /** One thumbnail result counted: settled by outcome and reason, and a made one's lag. */
  public void thumbnailCounted(ThumbnailResult result) {
    String outcome = result.outcome().name();
    String reason = statuses.of(result.reason());
    String region = regions.of(result.region());
    thumbnailsSettled.computeIfAbsent(outcome + '|' + reason + '|' + region, k -> Counter.builder(
        "insights.thumbnails.settled").description("Media the thumbnails worker settled: made, refused or parked")
        .tag("outcome", outcome).tag("reason", reason).tag("region", region).register(registry)).increment();
    if (result.outcome() == ThumbnailResult.Outcome.MADE) {
      thumbnailLag.computeIfAbsent(region, k -> Timer.builder("insights.thumbnail.lag")
          .description("From upload to thumbnails made").tag("region", region)
          .serviceLevelObjectives(THUMBNAIL_LAG_BUCKETS).register(registry)).record(result.lag());
    }
  }

  public void duplicate() {
    duplicates.increment();
  }

  /** A record that is not a history event this reader understands, by kind of failure. */
  public void malformed(String reason) {
    malformed.computeIfAbsent(reason, r -> Counter.builder("insights.malformed.events")
        .description("Records skipped because they could not be read").tag("reason", r).register(registry))
        .increment();
  }

  /** An event outside the slots: {@code late} (older than the retention) or {@code ahead} (clock skew). */
  public void dropped(String reason) {
    dropped.computeIfAbsent(reason, r -> Counter.builder("insights.dropped.events")
        .description("Events not placed in a slot").tag("reason", r).register(registry)).increment();
  }

  public void published() {
    published.increment();
  }

  public void publishFailed() {
    publishFailures.increment();
  }

  public void lag(long records) {
    lag.set(records);
  }

  private static double[] lengthBuckets() {
    double[] buckets = new double[12];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = Math.pow(4, i) * 1024;
    }
    return buckets;
  }
}
