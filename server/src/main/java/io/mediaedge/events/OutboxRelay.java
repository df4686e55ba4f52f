package io.mediaedge.events;

import io.mediaedge.config.EdgeConfig.EventsConfig;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.HistoryStore.OutboxEntry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves events from the Cassandra outbox to Kafka: a row is removed only after the broker
 * acknowledged it, so a crash or an outage at any point leaves the row for a later round.
 * Acknowledged rows are removed a bucket at a time ({@link OutboxRemovals}). Events that need no
 * outbox row unless Kafka fails them (DOWNLOADs) go through {@link #publishOrKeep}.
 *
 * <p>Delivery is at least once, even with one instance: a send the broker wrote but whose
 * acknowledgement was lost (a stalled broker, {@code deliveryTimeout} passed) leaves its row, and
 * the relay sends it again. Several instances may also relay the same row at the same time, and a
 * publish may succeed while the removal fails; consumers dedupe on the stable {@code eventId}.
 * {@code relayMinAge} keeps the relay off rows the upload flow is still publishing itself.
 */
public final class OutboxRelay {

  /** Rows read per bucket and round: bounds memory and how much one round re-sends after an outage. */
  public static final int DEFAULT_BATCH_SIZE = 100;

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  /** What one round did; {@code skipped} when the previous round was still running. */
  public record RoundResult(int published, int failed, boolean skipped) {
    static final RoundResult SKIPPED = new RoundResult(0, 0, true);
  }

  private final Vertx vertx;
  private final HistoryStore store;
  private final EventPublisher publisher;
  private final Duration interval;
  private final Duration minAge;
  private final int batchSize;
  private final Clock clock;

  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicReference<Future<RoundResult>> currentRound = new AtomicReference<>();
  /** Events this instance is publishing right now through {@link #publishNow}: no need to send them twice. */
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  /** publishNow failures since the last round, reported in that round's single log line. */
  private final AtomicLong immediateFailures = new AtomicLong();
  /**
   * Set by a failed send, cleared by an acknowledged one: while Kafka fails, publishOrKeep writes
   * the outbox row first, so an instance that dies during an outage loses no event it answered for.
   */
  private final AtomicBoolean kafkaFailing = new AtomicBoolean();
  /** publishOrKeep calls not settled yet: shutdown waits for them before Cassandra closes. */
  private final Set<Future<Boolean>> directSends = ConcurrentHashMap.newKeySet();
  private final OutboxRemovals removals;
  private volatile long timerId = -1;

  public OutboxRelay(Vertx vertx, HistoryStore store, EventPublisher publisher, EventsConfig config) {
    this(vertx, store, publisher, config.relayInterval(), config.relayMinAge(), DEFAULT_BATCH_SIZE,
        Clock.systemUTC());
  }

  public OutboxRelay(Vertx vertx, HistoryStore store, EventPublisher publisher, Duration interval,
      Duration minAge, int batchSize, Clock clock) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    this.vertx = vertx;
    this.store = store;
    this.publisher = publisher;
    this.interval = interval;
    this.minAge = minAge;
    this.batchSize = batchSize;
    this.clock = clock;
    this.removals = new OutboxRemovals(vertx, store, OutboxRemovals.DELAY);
  }

  /** Runs a round every {@code relayInterval}; a tick that finds a round still running is skipped. */
  public synchronized void start() {
    if (timerId < 0) {
      timerId = vertx.setPeriodic(interval.toMillis(), id -> runRound());
    }
  }

  /** Stops the timer and completes once the round in progress (if any) has finished. */
  public Future<Void> stop() {
    synchronized (this) {
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
        timerId = -1;
      }
    }
    Future<RoundResult> round = currentRound.get();
    return round == null ? Future.succeededFuture() : round.<Void>mapEmpty().otherwiseEmpty();
  }

  /**
   * Publishes one event right away (the upload flow calls it after answering) and removes its
   * outbox row on success. Never fails: on any error the row simply waits for the relay.
   *
   * @return true when the event was acknowledged and its row removed
   */
  public Future<Boolean> publishNow(OutboxEntry entry) {
    if (!inFlight.add(entry.eventId())) {
      return Future.succeededFuture(false);
    }
    return publishAndRemove(entry)
        .map(true)
        .otherwise(error -> {
          immediateFailures.incrementAndGet();
          log.debug("Event {} not published now; the relay will retry it", entry.eventId(), error);
          return false;
        })
        .onComplete(done -> inFlight.remove(entry.eventId()));
  }

  /**
   * Publishes an event that has no outbox row straight to Kafka, and writes its row only when that
   * send fails, for a later round to send; while sends are failing, the row is written at once
   * instead. Never fails; true when Kafka acknowledged. Lost only when Kafka and the outbox write
   * both fail, or the instance dies before either settled.
   */
  public Future<Boolean> publishOrKeep(OutboxEntry entry) {
    Future<Boolean> sent = kafkaFailing.get()
        ? Future.failedFuture(new IllegalStateException("Kafka is failing"))
        : publish(entry).map(true);
    Future<Boolean> settled = sent.recover(sendError -> {
      immediateFailures.incrementAndGet();
      return store.addOutbox(entry).map(false);
    }).otherwise(keepError -> {
      log.warn("Event {} lost: Kafka did not take it and the outbox write failed: {}", entry.eventId(),
          keepError.toString());
      return false;
    });
    directSends.add(settled);
    settled.onComplete(done -> directSends.remove(settled));
    return settled;
  }

  /**
   * After the publisher closed (which settles every send): waits for {@link #publishOrKeep}'s
   * outbox writes and removes the rows acknowledged so far, so Cassandra may close next.
   */
  public Future<Void> drain() {
    return Future.join(List.copyOf(directSends)).otherwiseEmpty().compose(v -> removals.flush());
  }

  /** One round over every bucket; runs directly in tests, on the timer otherwise. */
  public Future<RoundResult> runRound() {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(RoundResult.SKIPPED);
    }
    Promise<RoundResult> done = Promise.promise();
    currentRound.set(done.future());
    Future<RoundResult> round;
    try {
      round = relayAllBuckets();
    } catch (RuntimeException e) {
      round = Future.failedFuture(e);
    }
    round.onComplete(result -> {
      running.set(false);
      if (result.failed()) {
        log.warn("Outbox relay round failed; rows stay for the next round", result.cause());
      }
      done.handle(result);
    });
    return done.future();
  }

  /**
   * All buckets side by side, so a broker outage costs one delivery timeout per round rather than
   * one per bucket; each bucket reads one bounded batch.
   */
  private Future<RoundResult> relayAllBuckets() {
    Instant olderThan = clock.instant().minus(minAge);
    Tally tally = new Tally();
    List<Future<Void>> buckets = new ArrayList<>();
    for (int bucket = 0; bucket < store.buckets(); bucket++) {
      int b = bucket;
      buckets.add(store.outbox(b, olderThan, batchSize)
          .compose(entries -> relay(entries, tally))
          .recover(readError -> {
            tally.failedRead(b, readError);
            return Future.succeededFuture();
          }));
    }
    return Future.join(buckets).map(all -> tally.report(immediateFailures.getAndSet(0)));
  }

  private Future<Void> relay(List<OutboxEntry> entries, Tally tally) {
    List<Future<Void>> sends = new ArrayList<>();
    for (OutboxEntry entry : entries) {
      // publishNow has it in hand; sending it again would only make a duplicate
      if (!inFlight.contains(entry.eventId())) {
        sends.add(publishAndRemove(entry).onComplete(tally::count));
      }
    }
    return Future.join(sends).otherwiseEmpty().mapEmpty();
  }

  private Future<Void> publishAndRemove(OutboxEntry entry) {
    return publish(entry).compose(acknowledged -> removals.remove(entry));
  }

  private Future<Void> publish(OutboxEntry entry) {
    Future<Void> sent;
    try {
      sent = publisher.publish(entry);
    } catch (RuntimeException e) {
      // e.g. a publisher already closed at shutdown: still a failed Future, never a throw
      sent = Future.failedFuture(e);
    }
    return sent.onComplete(done -> kafkaFailing.set(done.failed()));
  }

  private static String describe(Throwable error) {
    StringBuilder text = new StringBuilder(error.toString());
    for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      text.append(" <- ").append(cause);
    }
    return text.toString();
  }

  /** Counts of one round; callbacks may complete on different threads, hence synchronized. */
  private static final class Tally {
    private int published;
    private int failed;
    private Throwable firstCause;
    private final List<Integer> unreadBuckets = new ArrayList<>();

    synchronized void count(AsyncResult<?> send) {
      if (send.succeeded()) {
        published++;
      } else {
        failed++;
        firstCause = firstCause == null ? send.cause() : firstCause;
      }
    }

    synchronized void failedRead(int bucket, Throwable error) {
      unreadBuckets.add(bucket);
      firstCause = firstCause == null ? error : firstCause;
    }

    synchronized RoundResult report(long immediateFailures) {
      if (failed > 0 || !unreadBuckets.isEmpty() || immediateFailures > 0) {
        // one line per round, whatever the number of rows: an outage must not flood the log
        log.warn("Outbox relay: {} of {} events not relayed this round, buckets {} unreadable, {} immediate "
            + "publishes failed since the last round; they stay in the outbox. First cause: {}", failed,
            published + failed, unreadBuckets, immediateFailures, firstCause == null ? "-" : describe(firstCause));
      }
      return new RoundResult(published, failed, false);
    }
  }
}
