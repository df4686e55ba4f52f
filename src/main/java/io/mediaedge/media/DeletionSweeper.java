package io.mediaedge.media;

import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.HistoryStore.PendingDeletion;
import io.mediaedge.storage.MediaStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes deleted media's objects from storage, then marks them DELETED. Idempotent (deleting a
 * missing object succeeds) and safe with several instances sweeping at once; a failure leaves the
 * pending row for the next round. Rounds never overlap.
 */
public final class DeletionSweeper {
  private static final Logger log = LoggerFactory.getLogger(DeletionSweeper.class);
  private static final int BATCH = 100;

  private final Vertx vertx;
  private final HistoryStore history;
  private final MediaStore store;
  private final Duration interval;
  private final AtomicBoolean running = new AtomicBoolean();
  private long timer = -1;

  public DeletionSweeper(Vertx vertx, HistoryStore history, MediaStore store, Duration interval) {
    this.vertx = vertx;
    this.history = history;
    this.store = store;
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

  /** One pass over every bucket; completes with the number of objects removed. */
  public Future<Integer> runRound() {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(0);
    }
    Future<Integer> round = Future.succeededFuture(0);
    for (int bucket = 0; bucket < history.buckets(); bucket++) {
      int b = bucket;
      round = round.compose(count -> sweep(b).map(n -> count + n));
    }
    return round.onComplete(ar -> {
      running.set(false);
      if (ar.failed()) {
        log.warn("Deletion sweep stopped early: {}", ar.cause().toString());
      }
    });
  }

  private Future<Integer> sweep(int bucket) {
    return history.pendingDeletions(bucket, BATCH).compose(pending -> {
      List<Future<Boolean>> removals = new ArrayList<>();
      for (PendingDeletion deletion : pending) {
        removals.add(store.delete(deletion.objectKey())
            .compose(v -> history.markDeleted(deletion))
            .map(true)
            .otherwise(e -> {
              log.debug("Deletion of {} will be retried: {}", deletion.objectKey(), e.toString());
              return false;
            }));
      }
      return Future.join(removals).map(all -> (int) removals.stream().filter(f -> f.result()).count());
    });
  }
}
