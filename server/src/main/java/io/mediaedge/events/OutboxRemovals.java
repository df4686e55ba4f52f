package io.mediaedge.events;

import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.HistoryStore.OutboxEntry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Removes the outbox rows Kafka acknowledged in groups: the rows of one bucket share a partition,
 * so every {@link #DELAY} costs one write per bucket with acknowledged rows instead of one DELETE
 * per event. A row whose removal fails stays, and the relay sends it again: a duplicate by
 * {@code eventId}, which consumers drop.
 */
final class OutboxRemovals {
  /** How long an acknowledged row waits for others of its bucket: short next to relayMinAge. */
  static final Duration DELAY = Duration.ofMillis(50);

  private record Waiting(String eventId, Promise<Void> removed) {}

  private final Vertx vertx;
  private final HistoryStore store;
  private final long delayMillis;
  /** Rows waiting for the next flush, by bucket; guarded by this. */
  private Map<Integer, List<Waiting>> waiting = new HashMap<>();
  /** Whether a flush is on the timer; guarded by this. */
  private boolean scheduled;

  OutboxRemovals(Vertx vertx, HistoryStore store, Duration delay) {
    this.vertx = vertx;
    this.store = store;
    this.delayMillis = Math.max(1, delay.toMillis());
  }

  /** Completes once the row is removed, within about {@link #DELAY}; fails when the removal failed. */
  Future<Void> remove(OutboxEntry entry) {
    Promise<Void> removed = Promise.promise();
    boolean schedule;
    synchronized (this) {
      waiting.computeIfAbsent(entry.bucket(), bucket -> new ArrayList<>()).add(new Waiting(entry.eventId(), removed));
      schedule = !scheduled;
      scheduled = true;
    }
    if (schedule) {
      vertx.setTimer(delayMillis, id -> flush());
    }
    return removed.future();
  }

  /** Removes every row waiting now; completes when those writes have. Shutdown calls it too. */
  Future<Void> flush() {
    Map<Integer, List<Waiting>> due;
    synchronized (this) {
      due = waiting;
      waiting = new HashMap<>();
      scheduled = false;
    }
    List<Future<Void>> writes = new ArrayList<>();
    due.forEach((bucket, rows) -> {
      for (int first = 0; first < rows.size(); first += HistoryStore.MAX_OUTBOX_REMOVALS) {
        writes.add(removeAll(bucket, rows.subList(first, Math.min(rows.size(), first + HistoryStore.MAX_OUTBOX_REMOVALS))));
      }
    });
    return Future.join(writes).otherwiseEmpty().mapEmpty();
  }

  private Future<Void> removeAll(int bucket, List<Waiting> rows) {
    Future<Void> write;
    try {
      write = store.removeOutbox(bucket, rows.stream().map(Waiting::eventId).toList());
    } catch (RuntimeException e) {
      write = Future.failedFuture(e);
    }
    return write.onComplete(done -> rows.forEach(row -> row.removed().handle(done)));
  }
}
