package io.mediaedge.media;

import io.mediaedge.history.HistoryStore;
import io.mediaedge.storage.MediaStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes deleted media's objects (the original, then its thumbnails) from storage, then marks
 * them DELETED. Idempotent (deleting a missing object succeeds) and safe with several instances
 * sweeping at once; a failure leaves the pending row for the next round.
 */
public final class DeletionSweeper extends BucketRounds {
  private static final Logger log = LoggerFactory.getLogger(DeletionSweeper.class);
  private static final int BATCH = 100;

  private final HistoryStore history;
  private final MediaStore store;

  public DeletionSweeper(Vertx vertx, HistoryStore history, MediaStore store, Duration interval) {
    super(vertx, history.buckets(), interval, log);
    this.history = history;
    this.store = store;
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
            .compose(v -> history.markDeleted(deletion)).map(true),
        deletion -> "Deletion of " + deletion.objectKey()));
  }
}
