package io.mediaedge.insights.ingest;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.HistoryEventJson;
import io.mediaedge.eventschema.ThumbnailResult;
import io.mediaedge.eventschema.ThumbnailResultJson;
import io.mediaedge.insights.metrics.InsightsMetrics;
import io.mediaedge.insights.slots.Aggregate;
import io.mediaedge.insights.slots.GlobalSlots;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to each history record and each thumbnail result: read it, drop it if it was seen
 * already, place it in its minute's slot, count it in the metrics. Kafka-free, so the consumer adapter only feeds it
 * records and tells it when they are committed or must be read again.
 *
 * <p>A record that cannot be read is counted by kind, logged once per kind, and skipped: a poison
 * record must never stop the consumer. Owned by the consumer thread.
 */
public final class EventIngest {
  private static final Logger log = LoggerFactory.getLogger(EventIngest.class);

  /** What became of a record. */
  public enum Result { COUNTED, DUPLICATE, MALFORMED, LATE, AHEAD }

  private final EventIdWindow seen;
  private final LocalPartials partials;
  private final InsightsMetrics metrics;
  private final Clock clock;
  private final Set<String> loggedFailures = ConcurrentHashMap.newKeySet();

  /**
   * @param global where this run's committed partials go (and are read back from to add to)
   * @param run this run's name on the partials topic
   */
  public EventIngest(int dedupWindow, GlobalSlots global, String run, InsightsMetrics metrics, Clock clock) {
    this.seen = new EventIdWindow(dedupWindow);
    this.partials = new LocalPartials(global, run);
    this.metrics = metrics;
    this.clock = clock;
  }

  /** @param where the record's place, for the log line of a failure (topic-partition@offset) */
  public Result accept(String value, String where) {
    HistoryEvent event;
    try {
      event = HistoryEventJson.decode(present(value, "history"));
    } catch (RuntimeException e) {
      return malformed(failureKind(e.getMessage()), "history record", e, where);
    }
    return place(event.occurredAt().toEpochMilli(), event.eventId(), slot -> {
      slot.add(event);
      metrics.counted(event);
    });
  }

  /**
   * A thumbnails worker's result, placed in the minute the media settled. Counted once per media
   * and outcome: a redelivered upload's second result is a duplicate, but a media parked and
   * later made after a replay counts as both.
   */
  public Result acceptThumbnail(String value, String where) {
    ThumbnailResult result;
    try {
      result = ThumbnailResultJson.decode(present(value, "thumbnail"));
    } catch (RuntimeException e) {
      return malformed("thumbnail_" + failureKind(e.getMessage()), "thumbnail result", e, where);
    }
    return place(result.settledAt().toEpochMilli(), "thumbnail/" + result.outcome() + "/" + result.mediaId(),
        slot -> {
          slot.add(result);
          metrics.thumbnailCounted(result);
        });
  }

  private Result place(long epochMillis, String dedupKey, Consumer<Aggregate> count) {
    long minute = Math.floorDiv(epochMillis, 60_000L);
    switch (partials.placement(minute, nowMinute())) {
      case LATE -> {
        metrics.dropped("late");
        return Result.LATE;
      }
      case AHEAD -> {
        metrics.dropped("ahead");
        return Result.AHEAD;
      }
      default -> {
        // placed before the dedup check: a late copy must not take a window place from a counted one
      }
    }
    if (!seen.firstSighting(dedupKey)) {
      metrics.duplicate();
      return Result.DUPLICATE;
    }
    count.accept(partials.pending(minute));
    return Result.COUNTED;
  }

  private static String present(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("a " + what + " record has no value");
    }
    return value;
  }

  /** The codec says IllegalArgumentException; anything else it throws is still this record's fault. */
  private Result malformed(String kind, String what, RuntimeException e, String where) {
    metrics.malformed(kind);
    if (loggedFailures.add(kind)) {
      log.warn("Skipping a {} that cannot be read ({}; further ones of this kind are only counted): {} at {}", what,
          kind, e.getMessage(), where);
    }
    return Result.MALFORMED;
  }

  public boolean hasPending() {
    return partials.hasPending();
  }

  /** The cumulative partials to publish now (minute to slot); nothing changes until {@link #committed}. */
  public Map<Long, Aggregate> prepare() {
    return partials.prepare(nowMinute());
  }

  /** {@code published} (from {@link #prepare}) and the offsets of every record accepted so far are committed. */
  public void committed(Map<Long, Aggregate> published) {
    partials.committed(published);
    seen.markCommitted();
  }

  /** The records accepted since the last commit will be read again: forget them. */
  public void rollback() {
    partials.rollback();
    seen.rollback();
  }

  private long nowMinute() {
    return Math.floorDiv(clock.millis(), 60_000L);
  }

  /** A small fixed set of kinds, for a bounded metric label and one log line each. */
  static String failureKind(String message) {
    String text = message == null ? "" : message;
    if (text.contains("no value")) {
      return "empty";
    }
    if (text.contains("not valid JSON") || text.contains("JSON")) {
      return "not_json";
    }
    if (text.contains("has no ")) {
      return "missing_field";
    }
    if (text.contains("schemaVersion")) {
      return "newer_schema";
    }
    if (text.contains("occurredAt")) {
      return "bad_time";
    }
    if (text.contains("action")) {
      return "unknown_action";
    }
    if (text.contains("must be")) {
      return "wrong_type";
    }
    return "invalid";
  }
}
