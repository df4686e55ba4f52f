package io.mediaedge.media;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.HistoryStore.PendingDeletion;
import io.mediaedge.history.MediaRecord;
import io.mediaedge.history.QuotaStore;
import io.mediaedge.storage.MediaStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes deleted media's objects (the original, then its thumbnails) from storage, gives their
 * bytes back to the quota, then marks them DELETED. Idempotent (deleting a missing object
 * succeeds; a quota release is counted once per media) and safe with several instances sweeping
 * at once; a failure leaves the pending row for the next round.
 *
 * <p>A delete writes its pending deletion before its compare-and-set, so a delete stopped anywhere
 * after it is finished here: its DELETE event written if it is missing, the object removed, the
 * quota released. One whose compare-and-set never applied leaves its pending deletion beside an
 * ACTIVE media; that goes after {@link #ABANDONED_AFTER}.
 *
 * <p>The delete request releases the quota itself, right after its compare-and-set; the sweeper
 * does it again because an instance killed between the two never does (found by the fault suite:
 * a user's usage stayed above their media after a SIGKILL mid-delete). A release is remembered for
 * a day ({@code CassandraQuotaStore.SETTLED_TTL}): a deletion swept later than that after its
 * request would count twice.
 */
public final class DeletionSweeper extends BucketRounds {
  private static final Logger log = LoggerFactory.getLogger(DeletionSweeper.class);
  private static final int BATCH = 100;
  /**
   * A pending deletion whose media is still ACTIVE this long after it was written belongs to a
   * delete that failed before its compare-and-set; it goes (a compare-and-set that timed out lands
   * within seconds of Cassandra answering again, long before this).
   */
  static final Duration ABANDONED_AFTER = Duration.ofMinutes(1);

  private final HistoryStore history;
  private final MediaStore store;
  private final QuotaStore quotas;

  public DeletionSweeper(Vertx vertx, HistoryStore history, MediaStore store, QuotaStore quotas, Duration interval) {
    super(vertx, history.buckets(), interval, log);
    this.history = history;
    this.store = store;
    this.quotas = quotas;
  }

  /** The thumbnails the worker made go with the original (their rows stay, like the media row). */
  private Future<Void> deleteThumbnails(HistoryStore.PendingDeletion deletion) {
    return history.thumbnails(deletion.owner(), deletion.mediaId()).compose(rows -> Future.all(rows.stream()
        .filter(row -> row.objectKey().isPresent())
        .map(row -> store.delete(row.objectKey().get()))
        .toList())).mapEmpty();
  }

  @Override
  protected Future<Integer> round(int bucket) {
    return history.pendingDeletions(bucket, BATCH).compose(pending -> eachOf(pending, this::sweep,
        deletion -> "Deletion of " + deletion.objectKey()));
  }

  private Future<Boolean> sweep(PendingDeletion deletion) {
    return history.find(deletion.owner(), deletion.mediaId()).compose(found -> {
      MediaRecord media = found.orElse(null);
      if (media != null && media.status() == MediaRecord.Status.ACTIVE) {
        // Written before its delete's compare-and-set, which failed (or has not landed yet).
        return deletion.requestedAt().isBefore(Instant.now().minus(ABANDONED_AFTER))
            ? history.forgetDeletion(deletion).map(true) : Future.succeededFuture(false);
      }
      return deleteEventOf(media)
          .compose(v -> store.delete(deletion.objectKey()))
          .compose(v -> deleteThumbnails(deletion))
          // the request gave the bytes back already unless it died first; counted once either way
          .compose(v -> media == null ? Future.<Void>succeededFuture()
              : quotas.free(deletion.owner(), deletion.mediaId(), media.size()))
          .compose(v -> history.markDeleted(deletion)).map(true);
    });
  }

  /**
   * A delete stopped right after its compare-and-set (its instance killed, Cassandra gone, and a
   * client that does not retry) wrote no DELETE event: the sweeper writes the one it would have
   * (same id, from the deletion time; the request's origin is not known, only the region).
   */
  private Future<Void> deleteEventOf(MediaRecord media) {
    if (media == null || media.deletedAt() == null) {
      return Future.succeededFuture();
    }
    return history.events(media.owner(), media.mediaId()).compose(events -> events.stream()
        .anyMatch(event -> event.action() == HistoryEvent.Action.DELETE) ? Future.succeededFuture()
        : history.completeDeletion(media, MediaService.deleteEvent(media, media.deletedAt(), 0,
            Origin.regionOnly(media.origin().region()))));
  }
}
