package io.mediaedge.media;

import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.QuotaStore;
import io.mediaedge.storage.MediaStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes deleted media's objects (the original, then its thumbnails) from storage, gives their
 * bytes back to the quota, then marks them DELETED. Idempotent (deleting a missing object
 * succeeds; a quota release is counted once per media) and safe with several instances sweeping
 * at once; a failure leaves the pending row for the next round.
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

  private final HistoryStore history;
  private final MediaStore store;
  private final QuotaStore quotas;

  public DeletionSweeper(Vertx vertx, HistoryStore history, MediaStore store, QuotaStore quotas, Duration interval) {
    super(vertx, history.buckets(), interval, log);
    this.history = history;
    this.store = store;
    this.quotas = quotas;
  }

  /** The deleted media's bytes go back to its owner's quota, once: the request did it already unless it died. */
  private Future<Void> releaseQuota(HistoryStore.PendingDeletion deletion) {
    return history.find(deletion.owner(), deletion.mediaId()).compose(found -> found
        .map(media -> quotas.free(deletion.owner(), deletion.mediaId(), media.size()))
        .orElse(Future.succeededFuture()));
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
    return history.pendingDeletions(bucket, BATCH).compose(pending -> eachOf(pending,
        deletion -> store.delete(deletion.objectKey()).compose(v -> deleteThumbnails(deletion))
            .compose(v -> releaseQuota(deletion))
            .compose(v -> history.markDeleted(deletion)).map(true),
        deletion -> "Deletion of " + deletion.objectKey()));
  }
}
