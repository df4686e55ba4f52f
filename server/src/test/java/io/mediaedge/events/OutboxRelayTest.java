package io.mediaedge.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.MediaRecord;
import io.mediaedge.history.HistoryStore.OutboxEntry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay's rules over fakes of our own ports; the real Kafka path is in KafkaEventPublisherIT. */
class OutboxRelayTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final Duration MIN_AGE = Duration.ofSeconds(5);

  private Vertx vertx;
  private FakeHistoryStore store;
  private FakePublisher publisher;
  private OutboxRelay relay;
  private final Instant[] now = {NOW};

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    store = new FakeHistoryStore(4);
    publisher = new FakePublisher();
    relay = relay(Duration.ofHours(1));
  }

  @AfterEach
  void tearDown() throws Exception {
    relay.stop().await(5, TimeUnit.SECONDS);
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private OutboxRelay relay(Duration interval) {
    return new OutboxRelay(vertx, store, publisher, interval, MIN_AGE, 10,
        ((InstantSource) () -> now[0]).withZone(ZoneOffset.UTC));
  }

  @Test
  void rowsOlderThanMinAgeArePublishedThenRemoved() throws Exception {
    OutboxEntry old1 = store.add(0, "e1", NOW.minusSeconds(60));
    OutboxEntry old2 = store.add(3, "e2", NOW.minusSeconds(6));
    OutboxEntry young = store.add(1, "e3", NOW.minusSeconds(1));

    OutboxRelay.RoundResult result = relay.runRound().await(5, TimeUnit.SECONDS);

    assertEquals(2, result.published());
    assertEquals(0, result.failed());
    assertEquals(Set.of("e1", "e2"), Set.copyOf(publisher.published));
    assertFalse(store.contains(old1));
    assertFalse(store.contains(old2));
    assertTrue(store.contains(young), "a row younger than relayMinAge is left to the upload flow");
  }

  @Test
  void rowIsRemovedOnlyAfterTheBrokerAcknowledged() throws Exception {
    OutboxEntry entry = store.add(0, "e1", NOW.minusSeconds(60));
    Promise<Void> ack = Promise.promise();
    publisher.behaviour = e -> ack.future();

    Future<OutboxRelay.RoundResult> round = relay.runRound();
    waitUntil(() -> publisher.attempts.get() == 1);
    assertTrue(store.contains(entry), "still unacknowledged, so the row must stay");

    ack.complete();
    round.await(5, TimeUnit.SECONDS);
    assertFalse(store.contains(entry));
  }

  @Test
  void failingPublishLeavesTheRowForTheNextRound() throws Exception {
    OutboxEntry failing = store.add(0, "bad", NOW.minusSeconds(60));
    OutboxEntry fine = store.add(0, "good", NOW.minusSeconds(60));
    publisher.behaviour = e -> e.eventId().equals("bad")
        ? Future.failedFuture(new IllegalStateException("broker unreachable"))
        : Future.succeededFuture();

    OutboxRelay.RoundResult first = relay.runRound().await(5, TimeUnit.SECONDS);
    assertEquals(1, first.published());
    assertEquals(1, first.failed());
    assertTrue(store.contains(failing));
    assertFalse(store.contains(fine));

    publisher.behaviour = e -> Future.succeededFuture();
    OutboxRelay.RoundResult second = relay.runRound().await(5, TimeUnit.SECONDS);
    assertEquals(1, second.published());
    assertFalse(store.contains(failing));
  }

  @Test
  void unreadableBucketDoesNotStopTheOthers() throws Exception {
    store.failingBucket = 2;
    OutboxEntry stuck = store.add(2, "e1", NOW.minusSeconds(60));
    OutboxEntry other = store.add(1, "e2", NOW.minusSeconds(60));

    OutboxRelay.RoundResult result = relay.runRound().await(5, TimeUnit.SECONDS);

    assertEquals(1, result.published());
    assertTrue(store.contains(stuck));
    assertFalse(store.contains(other));
  }

  @Test
  void roundStillRunningMakesTheNextTickSkip() throws Exception {
    store.add(0, "e1", NOW.minusSeconds(60));
    Promise<Void> ack = Promise.promise();
    publisher.behaviour = e -> ack.future();

    Future<OutboxRelay.RoundResult> first = relay.runRound();
    waitUntil(() -> publisher.attempts.get() == 1);
    assertTrue(relay.runRound().await(5, TimeUnit.SECONDS).skipped());

    ack.complete();
    assertFalse(first.await(5, TimeUnit.SECONDS).skipped());
    assertFalse(relay.runRound().await(5, TimeUnit.SECONDS).skipped(), "a new round runs once the last one ended");
  }

  @Test
  void periodicTimerNeverRunsTwoRoundsAtOnce() throws Exception {
    store.add(0, "e1", NOW.minusSeconds(60));
    Promise<Void> ack = Promise.promise();
    publisher.behaviour = e -> ack.future();
    OutboxRelay fast = relay(Duration.ofMillis(20));
    try {
      fast.start();
      Thread.sleep(300); // about 15 ticks while the first round waits for its acknowledgement
      assertEquals(1, store.reads.get() / store.buckets(), "only the first tick may read the outbox");
      assertEquals(1, publisher.attempts.get());
      ack.complete();
      waitUntil(() -> !store.contains("e1"));
      waitUntil(() -> store.reads.get() > store.buckets()); // and the ticks resume afterwards
    } finally {
      fast.stop().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void publishNowRemovesTheRowOnceAcknowledged() throws Exception {
    OutboxEntry entry = store.add(0, "e1", NOW);

    assertTrue(relay.publishNow(entry).await(5, TimeUnit.SECONDS));

    assertEquals(List.of("e1"), publisher.published);
    assertFalse(store.contains(entry));
  }

  @Test
  void publishNowNeverFailsAndLeavesTheRowForTheRelay() throws Exception {
    OutboxEntry entry = store.add(0, "e1", NOW);
    publisher.behaviour = e -> Future.failedFuture(new IllegalStateException("broker unreachable"));

    assertFalse(relay.publishNow(entry).await(5, TimeUnit.SECONDS));
    assertTrue(store.contains(entry));

    publisher.behaviour = e -> Future.succeededFuture();
    relay.runRound().await(5, TimeUnit.SECONDS);
    assertTrue(store.contains(entry), "too young for the relay yet");
    now[0] = NOW.plus(MIN_AGE).plusMillis(1);
    relay.runRound().await(5, TimeUnit.SECONDS);
    assertFalse(store.contains(entry), "the relay picks it up once it is old enough");
  }

  @Test
  void relaySkipsAnEventThatPublishNowStillHasInHand() throws Exception {
    OutboxEntry entry = store.add(0, "e1", NOW.minusSeconds(60));
    Promise<Void> ack = Promise.promise();
    publisher.behaviour = e -> ack.future();

    Future<Boolean> now = relay.publishNow(entry);
    relay.runRound().await(5, TimeUnit.SECONDS);
    assertEquals(1, publisher.attempts.get(), "no second send of an event already on its way");

    ack.complete();
    assertTrue(now.await(5, TimeUnit.SECONDS));
    assertFalse(store.contains(entry));
  }

  @Test
  void acknowledgedRowsOfOneBucketGoInOneRemoval() throws Exception {
    for (int i = 0; i < 30; i++) {
      store.add(i % 2, "e" + i, NOW.minusSeconds(60));
    }
    // a round reads at most 10 rows per bucket
    OutboxRelay.RoundResult result = relay.runRound().await(5, TimeUnit.SECONDS);

    assertEquals(20, result.published());
    assertEquals(Set.of("0:10", "1:10"), Set.copyOf(store.removals), "one write per bucket, not one per row");
    assertEquals(10, store.rows.size());
  }

  @Test
  void publishNowsAcknowledgedTogetherShareTheirRemoval() throws Exception {
    List<Future<Boolean>> published = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      published.add(relay.publishNow(store.add(3, "e" + i, NOW)));
    }

    for (Future<Boolean> each : published) {
      assertTrue(each.await(5, TimeUnit.SECONDS));
    }
    assertEquals(List.of("3:5"), store.removals);
    assertEquals(Map.of(), store.rows);
  }

  @Test
  void failedRemovalLeavesTheRowsForTheRelayToSendAgain() throws Exception {
    OutboxEntry entry = store.add(0, "e1", NOW.minusSeconds(60));
    store.failRemovals = true;

    assertEquals(1, relay.runRound().await(5, TimeUnit.SECONDS).failed());
    assertTrue(store.contains(entry));

    store.failRemovals = false;
    assertEquals(1, relay.runRound().await(5, TimeUnit.SECONDS).published());
    assertFalse(store.contains(entry));
    assertEquals(List.of("e1", "e1"), publisher.published, "sent twice: a duplicate consumers drop by eventId");
  }

  @Test
  void publishOrKeepWritesNoOutboxRowWhenKafkaAcknowledges() throws Exception {
    OutboxEntry entry = entry(1, "d1");

    assertTrue(relay.publishOrKeep(entry).await(5, TimeUnit.SECONDS));

    assertEquals(List.of("d1"), publisher.published);
    assertFalse(store.contains(entry));
    assertEquals(List.of(), store.removals, "nothing to remove either");
  }

  @Test
  void publishOrKeepKeepsWhatKafkaRefusedForTheRelay() throws Exception {
    OutboxEntry entry = entry(1, "d1");
    publisher.behaviour = e -> Future.failedFuture(new IllegalStateException("broker unreachable"));

    assertFalse(relay.publishOrKeep(entry).await(5, TimeUnit.SECONDS));
    assertTrue(store.contains(entry), "kept in the outbox");

    publisher.behaviour = e -> Future.succeededFuture();
    now[0] = NOW.plus(MIN_AGE).plusSeconds(1);
    assertEquals(1, relay.runRound().await(5, TimeUnit.SECONDS).published());
    assertEquals(List.of("d1"), publisher.published);
    assertFalse(store.contains(entry));
  }

  @Test
  void whileKafkaFailsEventsAreKeptFirstAndSentDirectlyAgainOnceARelayRoundGotThrough() throws Exception {
    publisher.behaviour = e -> Future.failedFuture(new IllegalStateException("broker unreachable"));
    assertFalse(relay.publishOrKeep(entry(1, "d1")).await(5, TimeUnit.SECONDS));
    publisher.behaviour = e -> Future.succeededFuture();

    assertFalse(relay.publishOrKeep(entry(1, "d2")).await(5, TimeUnit.SECONDS));
    assertEquals(1, publisher.attempts.get(), "kept in the outbox without waiting for Kafka again");
    assertTrue(store.contains("d2"));

    now[0] = NOW.plus(MIN_AGE).plusSeconds(1);
    assertEquals(2, relay.runRound().await(5, TimeUnit.SECONDS).published());
    assertTrue(relay.publishOrKeep(entry(1, "d3")).await(5, TimeUnit.SECONDS));
    assertFalse(store.contains("d3"), "sent directly again");
  }

  @Test
  void publishOrKeepNeverFailsEvenWhenTheOutboxWriteFails() throws Exception {
    publisher.behaviour = e -> Future.failedFuture(new IllegalStateException("broker unreachable"));
    store.failOutboxWrites = true;

    assertFalse(relay.publishOrKeep(entry(1, "d1")).await(5, TimeUnit.SECONDS));
    assertEquals(Map.of(), store.rows);
  }

  @Test
  void drainWaitsForSendsStillOpenAndTheirOutboxWrites() throws Exception {
    Promise<Void> ack = Promise.promise();
    publisher.behaviour = e -> ack.future();
    Future<Boolean> open = relay.publishOrKeep(entry(2, "d1"));

    Future<Void> drained = relay.drain();
    Thread.sleep(100);
    assertFalse(drained.isComplete(), "the send is still open");

    ack.fail(new IllegalStateException("producer closed"));
    drained.await(5, TimeUnit.SECONDS);
    assertTrue(open.isComplete());
    assertTrue(store.contains("d1"), "the refused event was kept before Cassandra may close");
  }

  private static OutboxEntry entry(int bucket, String eventId) {
    return entry(bucket, eventId, NOW);
  }

  private static OutboxEntry entry(int bucket, String eventId, Instant createdAt) {
    return new OutboxEntry(bucket, eventId, "user-" + eventId, "{\"eventId\":\"" + eventId + "\"}", createdAt);
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 5 s");
      }
      Thread.sleep(5);
    }
  }

  /** Records every send; answers with {@link #behaviour} (acknowledged at once by default). */
  private static final class FakePublisher implements EventPublisher {
    final List<String> published = new CopyOnWriteArrayList<>();
    final AtomicInteger attempts = new AtomicInteger();
    volatile Function<OutboxEntry, Future<Void>> behaviour = e -> Future.succeededFuture();

    @Override
    public Future<Void> ensureTopic() {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> publish(OutboxEntry entry) {
      attempts.incrementAndGet();
      return behaviour.apply(entry).onSuccess(v -> published.add(entry.eventId()));
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  /** The outbox part of the HistoryStore port, in memory; the rest is not the relay's business. */
  private static final class FakeHistoryStore implements HistoryStore {
    @Override
    public Future<List<io.mediaedge.history.ThumbnailRecord>> thumbnails(String owner, String mediaId) {
      throw new UnsupportedOperationException("not used by the relay");
    }

    @Override
    public Future<Map<String, List<io.mediaedge.history.ThumbnailRecord>>> thumbnails(String owner,
        List<String> mediaIds) {
      throw new UnsupportedOperationException("not used by the relay");
    }

    private final int buckets;
    final Map<String, OutboxEntry> rows = new ConcurrentHashMap<>();
    final AtomicInteger reads = new AtomicInteger();
    /** Every removal write as "bucket:rows". */
    final List<String> removals = new CopyOnWriteArrayList<>();
    volatile int failingBucket = -1;
    volatile boolean failRemovals;
    volatile boolean failOutboxWrites;

    FakeHistoryStore(int buckets) {
      this.buckets = buckets;
    }

    OutboxEntry add(int bucket, String eventId, Instant createdAt) {
      OutboxEntry entry = entry(bucket, eventId, createdAt);
      rows.put(eventId, entry);
      return entry;
    }

    boolean contains(OutboxEntry entry) {
      return rows.containsKey(entry.eventId());
    }

    boolean contains(String eventId) {
      return rows.containsKey(eventId);
    }

    @Override
    public Future<List<OutboxEntry>> outbox(int bucket, Instant olderThan, int limit) {
      reads.incrementAndGet();
      if (bucket == failingBucket) {
        return Future.failedFuture(new IllegalStateException("Cassandra timeout"));
      }
      List<OutboxEntry> found = new ArrayList<>(rows.values().stream()
          .filter(e -> e.bucket() == bucket && e.createdAt().isBefore(olderThan))
          .sorted(Comparator.comparing(OutboxEntry::createdAt))
          .limit(limit)
          .toList());
      return Future.succeededFuture(found);
    }

    @Override
    public Future<Void> removeOutbox(int bucket, List<String> eventIds) {
      removals.add(bucket + ":" + eventIds.size());
      if (failRemovals) {
        return Future.failedFuture(new IllegalStateException("Cassandra timeout"));
      }
      eventIds.forEach(rows::remove);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> addOutbox(OutboxEntry entry) {
      if (failOutboxWrites) {
        return Future.failedFuture(new IllegalStateException("Cassandra timeout"));
      }
      rows.put(entry.eventId(), entry);
      return Future.succeededFuture();
    }

    @Override
    public int buckets() {
      return buckets;
    }

    @Override
    public Future<Void> migrate() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> recordUpload(MediaRecord media, HistoryEvent event,
        java.util.Optional<io.mediaedge.history.QuotaCharge> charge) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> unrecordUpload(MediaRecord media, HistoryEvent event,
        java.util.Optional<io.mediaedge.history.QuotaCharge> charge) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> recordEvent(HistoryEvent event) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> recordEventRows(HistoryEvent event) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> completeDeletion(MediaRecord media, HistoryEvent event) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> recordIntent(UploadIntent intent) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<List<UploadIntent>> staleIntents(int bucket, Instant olderThan, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> removeIntent(UploadIntent intent) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Optional<MediaRecord>> find(String owner, String mediaId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Boolean> markDeleting(MediaRecord media, HistoryEvent event) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> markDeleted(PendingDeletion deletion) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> forgetDeletion(PendingDeletion deletion) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<MediaPage> listActive(String owner, Optional<String> afterMediaId, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<List<HistoryEvent>> events(String owner, String mediaId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<List<PendingDeletion>> pendingDeletions(int bucket, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }
}
