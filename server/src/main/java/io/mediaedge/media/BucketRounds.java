package io.mediaedge.media;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * A background job that walks every bucket of a partitioned table once per interval. Rounds never
 * overlap: a tick that finds the previous round still running is skipped. A bucket that fails ends
 * the round early; its rows stay for the next one.
 */
public abstract class BucketRounds {
  private final Vertx vertx;
  private final int buckets;
  private final Duration interval;
  private final Logger log;
  private final AtomicBoolean running = new AtomicBoolean();
  /** Set on shutdown: a round under way ends after its current bucket, before the stores close. */
  private volatile boolean stopped;
  private long timer = -1;

  protected BucketRounds(Vertx vertx, int buckets, Duration interval, Logger log) {
    this.vertx = vertx;
    this.buckets = buckets;
    this.interval = interval;
    this.log = log;
  }

  /** Handles one bucket; completes with how many items it finished. */
  protected abstract Future<Integer> round(int bucket);

  public void start() {
    stopped = false;
    timer = vertx.setPeriodic(interval.toMillis(), id -> runRound());
  }

  public void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /**
   * Runs {@code step} on every item of a bucket at once; an item whose step fails (logged at debug
   * with {@code describe}) stays for the next round. Completes with how many steps finished.
   */
  protected <T> Future<Integer> eachOf(List<T> items, Function<T, Future<Boolean>> step, Function<T, String> describe) {
    List<Future<Boolean>> results = new ArrayList<>(items.size());
    for (T item : items) {
      results.add(step.apply(item).otherwise(e -> {
        log.debug("{} stays for the next round: {}", describe.apply(item), e.toString());
        return false;
      }));
    }
    return Future.join(results).map(all -> (int) results.stream().filter(Future::result).count());
  }

  /** One pass over every bucket; completes with the number of items finished (0 when skipped). */
  public Future<Integer> runRound() {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(0);
    }
    Future<Integer> round = Future.succeededFuture(0);
    for (int bucket = 0; bucket < buckets; bucket++) {
      int b = bucket;
      round = round.compose(count -> stopped ? Future.succeededFuture(count) : round(b).map(n -> count + n));
    }
    return round.onComplete(ar -> {
      running.set(false);
      if (ar.failed()) {
        log.warn("{} stopped early: {}", getClass().getSimpleName(), ar.cause().toString());
      }
    });
  }
}
