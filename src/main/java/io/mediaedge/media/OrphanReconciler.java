package io.mediaedge.media;

import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.HistoryStore.UploadIntent;
import io.mediaedge.storage.MediaStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
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
public final class OrphanReconciler {
  private static final Logger log = LoggerFactory.getLogger(OrphanReconciler.class);
  private static final int BATCH = 100;

  private final Vertx vertx;
  private final HistoryStore history;
  private final MediaStore store;
  private final Duration grace;
  private final Duration interval;
  private final AtomicBoolean running = new AtomicBoolean();
  private long timer = -1;

  public OrphanReconciler(Vertx vertx, HistoryStore history, MediaStore store, Duration grace, Duration interval) {
    this.vertx = vertx;
    this.history = history;
    this.store = store;
    this.grace = grace;
    this.interval = interval;
  }

  public void start() {
    timer = vertx.setPeriodic(interval.toMillis(), id -> runRound());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** One pass over every bucket; completes with the number of orphaned uploads cleaned up. */
  public Future<Integer> runRound() {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(0);
    }
    Instant cutoff = Instant.now().minus(grace);
    Future<Integer> round = Future.succeededFuture(0);
    for (int bucket = 0; bucket < history.buckets(); bucket++) {
      int b = bucket;
      round = round.compose(count -> reconcile(b, cutoff).map(n -> count + n));
    }
    return round.onComplete(ar -> {
      running.set(false);
      if (ar.failed()) {
        log.warn("Orphan reconciliation stopped early: {}", ar.cause().toString());
      } else if (ar.result() > 0) {
        log.info("Removed the stored bytes of {} upload(s) that were never recorded", ar.result());
      }
    });
  }

  private Future<Integer> reconcile(int bucket, Instant cutoff) {
    return history.staleIntents(bucket, cutoff, BATCH).compose(intents -> {
      List<Future<Boolean>> results = new ArrayList<>();
      for (UploadIntent intent : intents) {
        results.add(reconcile(intent).otherwise(e -> {
          log.debug("Intent {} stays for the next round: {}", intent.mediaId(), e.toString());
          return false;
        }));
      }
      return Future.join(results).map(all -> (int) results.stream().filter(Future::result).count());
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
