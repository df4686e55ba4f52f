package io.mediaedge.media;

import io.mediaedge.config.EdgeConfig.HistoryConfig;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.events.OutboxRelay;
import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.HistoryStore.MediaPage;
import io.mediaedge.history.MediaRecord;
import io.mediaedge.history.QuotaStore;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to stored media after its upload: who may see it (Cassandra is the source of
 * truth; downloads ask a short-lived cache of ACTIVE rows first), download events, deletion (the
 * object itself is removed later by the sweeper), listings and history. Every event reaches Kafka
 * even if Kafka is down now: a DELETE through the outbox, a DOWNLOAD straight to Kafka and into
 * the outbox only when that send fails.
 */
public final class MediaService {
  private static final Logger log = LoggerFactory.getLogger(MediaService.class);
  public static final int MAX_PAGE = MediaApi.MAX_PAGE;

  private final HistoryStore history;
  private final QuotaStore quotas;
  private final OutboxRelay relay;
  private final HistoryConfig config;
  private final ActiveMediaCache activeRows;

  public MediaService(HistoryStore history, QuotaStore quotas, OutboxRelay relay, HistoryConfig config) {
    this.history = history;
    this.quotas = quotas;
    this.relay = relay;
    this.config = config;
    this.activeRows = new ActiveMediaCache(config.mediaCacheEntries(), config.mediaCacheTtl());
  }

  /**
   * The caller's ACTIVE media for a download; 404 for anything else, so ids cannot be probed. A row
   * read less than {@code history.mediaCacheTtl} ago is not read again.
   */
  public Future<MediaRecord> findActive(String owner, String mediaId) {
    return findActive(owner, mediaId, true);
  }

  /** As {@link #findActive(String, String)}; {@code cached} false always reads Cassandra. */
  public Future<MediaRecord> findActive(String owner, String mediaId, boolean cached) {
    if (!MediaId.isValid(mediaId)) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.error());
    }
    Optional<MediaRecord> kept = cached ? activeRows.get(owner, mediaId) : Optional.empty();
    if (kept.isPresent()) {
      return Future.succeededFuture(kept.get());
    }
    long ticket = activeRows.readTicket();
    return history.find(owner, mediaId).compose(found -> found
        .filter(media -> media.status() == MediaRecord.Status.ACTIVE)
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ErrorCode.NOT_FOUND.error())))
        .onSuccess(media -> activeRows.put(ticket, media));
  }

  /**
   * Records a (sampled) DOWNLOAD event; never fails the download itself. Its two history rows go in
   * one unlogged batch and the event goes straight to Kafka: a range request no longer pays a logged
   * batch, an outbox row and its removal. The outbox takes the event only when Kafka does not.
   */
  public void recordDownload(MediaRecord media, long bytes, long latencyMs, int status, Origin origin) {
    double sampling = config.downloadSampling();
    if (sampling <= 0 || sampling < 1 && ThreadLocalRandom.current().nextDouble() >= sampling) {
      return;
    }
    HistoryEvent event = HistoryEvent.download(MediaId.next(), Instant.now(), media.owner(), media.mediaId(),
        media.contentType(), bytes, media.sha256(), status, latencyMs, origin);
    history.recordEventRows(event)
        .onFailure(e -> log.warn("DOWNLOAD event {} of {} not in its history: {}", event.eventId(), media.mediaId(),
            e.toString()));
    relay.publishOrKeep(history.outboxEntryFor(event));
  }

  /**
   * Marks the media DELETING with its DELETE event and gives its bytes back to the quota; the
   * sweeper removes the object. A second delete finds no ACTIVE media: 404.
   */
  public Future<Void> delete(String owner, String mediaId, long startedNanos, Origin origin) {
    if (!MediaId.isValid(mediaId)) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.error());
    }
    return history.find(owner, mediaId).compose(found -> {
      MediaRecord media = found.orElse(null);
      if (media == null || media.status() != MediaRecord.Status.ACTIVE) {
        // deleted elsewhere: downloads here need not wait for the ttl either
        activeRows.evict(owner, mediaId);
      }
      if (media != null && media.status() == MediaRecord.Status.DELETING && media.deletedAt() != null) {
        // An earlier delete won but may have failed before its event, pending deletion or quota
        // release were written: finish that work (all idempotent), and answer as for a second delete.
        HistoryEvent earlier = deleteEvent(media, media.deletedAt(), elapsedMillis(startedNanos), origin);
        return history.completeDeletion(media, earlier)
            .compose(v -> quotas.free(owner, mediaId, media.size()))
            .compose(v -> Future.failedFuture(ErrorCode.NOT_FOUND.error()));
      }
      if (media == null || media.status() != MediaRecord.Status.ACTIVE) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.error());
      }
      // Millisecond precision: the deletion time is stored in Cassandra and the event id derives from it.
      HistoryEvent event = deleteEvent(media, Instant.now().truncatedTo(ChronoUnit.MILLIS), elapsedMillis(startedNanos),
        origin);
      // Evicted whatever the outcome, before the answer: a download here after the 204 reads Cassandra.
      return history.markDeleting(media, event).eventually(() -> {
        activeRows.evict(owner, mediaId);
        return Future.succeededFuture();
      }).compose(applied -> {
        if (!applied) {
          return Future.failedFuture(ErrorCode.NOT_FOUND.error());
        }
        relay.publishNow(history.outboxEntryFor(event));
        return quotas.free(owner, mediaId, media.size());
      });
    });
  }

  /**
   * The DELETE event of a media deleted at {@code at}; its id is derived, so writing it again (a
   * retried delete, the sweeper finishing one) does not double it.
   */
  static HistoryEvent deleteEvent(MediaRecord media, Instant at, long latencyMs, Origin origin) {
    return HistoryEvent.delete(MediaId.derived(at, "delete/" + media.owner() + "/" + media.mediaId()), at,
        media.owner(), media.mediaId(), media.contentType(), media.size(), media.sha256(), latencyMs, origin);
  }

  public Future<MediaPage> list(String owner, Optional<String> after, int limit) {
    return history.listActive(owner, after, Math.max(1, Math.min(limit, MAX_PAGE)));
  }

  /** What the thumbnails worker recorded for a media found ACTIVE. */
  Future<List<io.mediaedge.history.ThumbnailRecord>> thumbnails(MediaRecord media) {
    return history.thumbnails(media.owner(), media.mediaId());
  }

  /** What the thumbnails worker recorded for several of an owner's media (a listing page). */
  Future<java.util.Map<String, List<io.mediaedge.history.ThumbnailRecord>>> thumbnails(String owner,
      List<String> mediaIds) {
    return history.thumbnails(owner, mediaIds);
  }

  /**
   * The events of one media the caller owns and the thumbnails recorded for it (also after
   * deletion, so its history stays visible).
   */
  public Future<MediaApi.History> history(String owner, String mediaId) {
    if (!MediaId.isValid(mediaId)) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.error());
    }
    return history.find(owner, mediaId).compose(found -> found.isEmpty()
        ? Future.failedFuture(ErrorCode.NOT_FOUND.error())
        : history.events(owner, mediaId).compose(events -> history.thumbnails(owner, mediaId)
            .map(rows -> new MediaApi.History(events, rows.stream().map(row -> new MediaApi.SettledThumbnail(row.size(),
                row.ready(), row.width(), row.height(), row.bytes(), row.reason(), row.madeAt())).toList()))));
  }

  static long elapsedMillis(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
