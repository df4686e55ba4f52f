package io.mediaedge.media;

import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.HistoryStore.UploadIntent;
import io.mediaedge.storage.MediaStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the bytes of uploads that were never recorded. Every upload writes an intent row before
 * its first byte goes to S3 and the recording batch removes it, so an intent older than the grace
 * period belongs to an upload that crashed or failed between S3 and Cassandra. If no media row
 * exists for it, its object and any unfinished multipart upload are removed; either way the intent
 * goes. We chose intents over listing the bucket because a listing cannot tell whose an object is
 * without a HEAD per object, and intents cost one small write per upload.
 */
public final class OrphanReconciler extends BucketRounds {
  private static final Logger log = LoggerFactory.getLogger(OrphanReconciler.class);
  private static final int BATCH = 100;

  private final HistoryStore history;
  private final MediaStore store;
  private final Duration grace;

  public OrphanReconciler(Vertx vertx, HistoryStore history, MediaStore store, Duration grace, Duration interval) {
    super(vertx, history.buckets(), interval, log);
    this.history = history;
    this.store = store;
    this.grace = grace;
  }

  @Override
  protected Future<Integer> round(int bucket) {
    return history.staleIntents(bucket, Instant.now().minus(grace), BATCH)
        .compose(intents -> eachOf(intents, this::reconcile, intent -> "Intent " + intent.mediaId()))
        .onSuccess(removed -> {
          if (removed > 0) {
            log.info("Removed the stored bytes of {} upload(s) that were never recorded", removed);
          }
        });
  }

  private Future<Boolean> reconcile(UploadIntent intent) {
    return history.find(intent.owner(), intent.mediaId()).compose(media -> {
      if (media.isPresent()) {
        // Recorded after all: the bytes belong to a real media; only the note is stale.
        return history.removeIntent(intent).map(false);
      }
      return store.abortMultipartUploads(intent.objectKey())
          .compose(aborted -> store.delete(intent.objectKey()))
          .compose(v -> history.removeIntent(intent))
          .map(true);
    });
  }
}
