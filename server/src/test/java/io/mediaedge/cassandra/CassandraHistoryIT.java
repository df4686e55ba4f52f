package io.mediaedge.cassandra;

import io.mediaedge.history.MediaRecord;
import io.mediaedge.history.HistoryStore;
import static io.mediaedge.cassandra.HistoryFixtures.event;
import static io.mediaedge.cassandra.HistoryFixtures.freshOwner;
import static io.mediaedge.cassandra.HistoryFixtures.media;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.HistoryEvent.Action;
import io.mediaedge.eventschema.HistoryEventJson;
import io.mediaedge.history.HistoryStore.MediaPage;
import io.mediaedge.history.HistoryStore.OutboxEntry;
import io.mediaedge.history.HistoryStore.PendingDeletion;
import io.mediaedge.it.TestStack;
import io.mediaedge.media.MediaId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Cassandra history adapter against the shared real Cassandra, in a keyspace of its own. */
class CassandraHistoryIT {
  private static final String KEYSPACE = "it_history";
  private static HistoryModule module;
  private static HistoryStore history;

  @BeforeAll
  static void start() throws Exception {
    module = HistoryFixtures.start(new JsonObject().put("history", new JsonObject().put("keyspace", KEYSPACE)));
    history = module.history();
  }

  @AfterAll
  static void stop() throws Exception {
    if (module != null) {
      module.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(20, TimeUnit.SECONDS);
  }

  @Test
  void migratingAgainChangesNothing() throws Exception {
    MediaRecord media = media(freshOwner());
    await(history.recordUpload(media, event(media, Action.UPLOAD), Optional.empty()));
    await(history.migrate());
    await(history.migrate());
    HistoryModule second = HistoryFixtures.start(new JsonObject().put("history", new JsonObject().put("keyspace", KEYSPACE)));
    try {
      assertEquals(Optional.of(media), await(second.history().find(media.owner(), media.mediaId())));
    } finally {
      await(second.close());
    }
    var cassandra = TestStack.get().dev().cassandra();
    try (CqlSession cql = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
        .withLocalDatacenter(cassandra.localDatacenter()).build()) {
      List<String> versions = new ArrayList<>();
      cql.execute("SELECT version FROM " + KEYSPACE + ".schema_versions").forEach(r -> versions.add(r.getString(0)));
      // Every script once, however often the migration runs.
      assertEquals(SchemaMigrator.SCRIPTS.size(), versions.size());
      assertEquals(java.util.Set.copyOf(SchemaMigrator.SCRIPTS.stream().map(script -> script.substring(0, 4)).toList()),
          java.util.Set.copyOf(versions));
    }
  }

  @Test
  void recordedUploadIsFoundListedAndHasItsEvent() throws Exception {
    MediaRecord media = media(freshOwner());
    HistoryEvent upload = event(media, Action.UPLOAD);
    await(history.recordUpload(media, upload, Optional.empty()));

    assertEquals(Optional.of(media), await(history.find(media.owner(), media.mediaId())));
    assertEquals(Optional.empty(), await(history.find("someone-else", media.mediaId())));
    MediaPage page = await(history.listActive(media.owner(), Optional.empty(), 10));
    assertEquals(List.of(media), page.items());
    assertEquals(Optional.empty(), page.lastMediaId());
    assertEquals(List.of(upload), await(history.events(media.owner(), media.mediaId())));

    HistoryEvent download = event(media, Action.DOWNLOAD);
    await(history.recordEvent(download));
    assertEquals(List.of(upload, download), await(history.events(media.owner(), media.mediaId())));
  }

  @Test
  void listingPagesThroughEveryActiveMediaOnceNewestFirst() throws Exception {
    String owner = freshOwner();
    List<MediaRecord> active = new ArrayList<>();
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < 278; i++) {
      MediaRecord media = media(owner);
      writes.add(history.recordUpload(media, event(media, Action.UPLOAD), Optional.empty()));
      // every tenth one is deleted again: listings must skip it and still fill their pages
      if (i % 10 == 3) {
        await(writes.remove(writes.size() - 1));
        assertTrue(await(history.markDeleting(media, event(media, Action.DELETE))));
      } else {
        active.add(media);
      }
    }
    await(Future.all(writes));
    assertEquals(250, active.size());
    List<String> expected = active.stream().map(MediaRecord::mediaId).sorted(Comparator.reverseOrder()).toList();

    List<String> seen = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    int pages = 0;
    do {
      MediaPage page = await(history.listActive(owner, cursor, 50));
      page.items().forEach(m -> seen.add(m.mediaId()));
      assertTrue(page.items().size() == 50 || page.lastMediaId().isEmpty(), "only the last page is short");
      cursor = page.lastMediaId();
      pages++;
    } while (cursor.isPresent() && pages < 20);

    assertEquals(expected, seen);
    assertEquals(new HashSet<>(seen).size(), seen.size());
    assertTrue(pages <= 6, "5 full pages and at most one empty one, got " + pages);
  }

  @Test
  void onlyTheFirstDeleteWinsAndLeavesAPendingDeletion() throws Exception {
    MediaRecord media = media(freshOwner());
    await(history.recordUpload(media, event(media, Action.UPLOAD), Optional.empty()));
    HistoryEvent delete = event(media, Action.DELETE);

    assertTrue(await(history.markDeleting(media, delete)));
    HistoryEvent losing = event(media, Action.DELETE);
    assertFalse(await(history.markDeleting(media, losing)));

    MediaRecord deleting = await(history.find(media.owner(), media.mediaId())).orElseThrow();
    assertEquals(MediaRecord.Status.DELETING, deleting.status());
    assertEquals(delete.occurredAt(), deleting.deletedAt());
    assertEquals(List.of(), await(history.listActive(media.owner(), Optional.empty(), 10)).items());
    List<HistoryEvent> events = await(history.events(media.owner(), media.mediaId()));
    assertEquals(List.of(Action.UPLOAD, Action.DELETE), events.stream().map(HistoryEvent::action).toList());

    PendingDeletion pending = pendingFor(media);
    assertEquals(media.objectKey(), pending.objectKey());
    // each delete writes the pending deletion before its compare-and-set; the loser's is the same row
    assertTrue(Set.of(delete.occurredAt(), losing.occurredAt()).contains(pending.requestedAt()), pending.toString());

    await(history.markDeleted(pending));
    assertEquals(MediaRecord.Status.DELETED, await(history.find(media.owner(), media.mediaId())).orElseThrow().status());
    assertTrue(pendingDeletions().stream().noneMatch(p -> p.mediaId().equals(media.mediaId())));
    // the sweeper may run twice: harmless
    await(history.markDeleted(pending));
    assertEquals(MediaRecord.Status.DELETED, await(history.find(media.owner(), media.mediaId())).orElseThrow().status());
  }

  @Test
  void outboxHoldsTheExactPayloadUntilRemoved() throws Exception {
    MediaRecord media = media(freshOwner());
    HistoryEvent upload = event(media, Action.UPLOAD);
    await(history.recordUpload(media, upload, Optional.empty()));

    OutboxEntry entry = outboxFor(upload.eventId(), Instant.now().plusSeconds(1)).orElseThrow();
    assertEquals(HistoryEventJson.encode(upload), entry.payload());
    assertEquals(media.owner(), entry.key());
    assertEquals(upload, HistoryEventJson.decode(entry.payload()));
    // too young for a relay that only takes rows older than a minute
    assertTrue(outboxFor(upload.eventId(), Instant.now().minusSeconds(60)).isEmpty());

    await(history.removeOutbox(entry.bucket(), List.of(entry.eventId())));
    assertTrue(outboxFor(upload.eventId(), Instant.now().plusSeconds(1)).isEmpty());
  }

  @Test
  void eventRowsAloneLeaveNoOutboxRowAndAKeptEventHoldsItsPayload() throws Exception {
    MediaRecord media = media(freshOwner());
    HistoryEvent upload = event(media, Action.UPLOAD);
    await(history.recordUpload(media, upload, Optional.empty()));
    HistoryEvent download = event(media, Action.DOWNLOAD);

    await(history.recordEventRows(download));

    assertEquals(List.of(upload, download), await(history.events(media.owner(), media.mediaId())));
    var cassandra = TestStack.get().dev().cassandra();
    try (CqlSession cql = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
        .withLocalDatacenter(cassandra.localDatacenter()).build()) {
      assertEquals(List.of(download.eventId(), upload.eventId()), cql.execute("SELECT event_id FROM " + KEYSPACE
          + ".events_by_user_day WHERE owner = ? AND day = ?", media.owner(),
          download.occurredAt().atZone(ZoneOffset.UTC).toLocalDate()).all().stream()
          .map(row -> row.getString("event_id")).toList(), "the user's day lists it too, newest first");
    }
    assertTrue(outboxFor(download.eventId(), Instant.now().plusSeconds(1)).isEmpty(), "no outbox row");

    OutboxEntry kept = history.outboxEntryFor(download);
    await(history.addOutbox(kept));
    assertEquals(Optional.of(kept), outboxFor(download.eventId(), Instant.now().plusSeconds(1)));
  }

  @Test
  void oneRemovalTakesManyRowsOfOneBucketAndNoOthers() throws Exception {
    int bucket = 5;
    String owner = freshOwner();
    List<OutboxEntry> rows = new ArrayList<>();
    for (int i = 0; i <= HistoryStore.MAX_OUTBOX_REMOVALS; i++) {
      OutboxEntry row = new OutboxEntry(bucket, MediaId.next(), owner, "{}", HistoryFixtures.now());
      rows.add(row);
      await(history.addOutbox(row));
    }
    List<String> ids = rows.stream().map(OutboxEntry::eventId).toList();
    assertThrows(IllegalArgumentException.class, () -> await(history.removeOutbox(bucket, ids)),
        "more ids than one removal may name");

    await(history.removeOutbox(bucket, ids.subList(0, HistoryStore.MAX_OUTBOX_REMOVALS)));

    List<String> left = await(history.outbox(bucket, Instant.now().plusSeconds(1), 10_000)).stream()
        .filter(row -> row.key().equals(owner)).map(OutboxEntry::eventId).toList();
    assertEquals(List.of(ids.get(HistoryStore.MAX_OUTBOX_REMOVALS)), left);
  }

  @Test
  void cassandraDownIsHistoryUnavailableAndRecovers() throws Exception {
    var cassandra = TestStack.get().dev().cassandra();
    MediaRecord media = media(freshOwner());
    cassandra.stop();
    try {
      long t0 = System.nanoTime();
      ApiException e = assertThrows(ApiException.class, () -> await(history.recordUpload(media, event(media, Action.UPLOAD), Optional.empty())));
      assertEquals(ErrorCode.HISTORY_UNAVAILABLE, e.code());
      assertEquals(ErrorCode.HISTORY_UNAVAILABLE.defaultMessage(), e.getMessage());
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "answered quickly");
      assertEquals(ErrorCode.HISTORY_UNAVAILABLE, assertThrows(ApiException.class,
          () -> await(module.quotas().reserve(media.owner(), "u", 1))).code());
    } finally {
      cassandra.start();
    }
    // the driver reconnects on its own; give it a moment
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        await(history.recordUpload(media, event(media, Action.UPLOAD), Optional.empty()));
        break;
      } catch (ApiException notYet) {
        assertTrue(System.nanoTime() < deadline, "history did not recover");
        Thread.sleep(200);
      }
    }
    assertEquals(Optional.of(media), await(history.find(media.owner(), media.mediaId())));
  }

  private Optional<OutboxEntry> outboxFor(String eventId, Instant olderThan) throws Exception {
    for (int bucket = 0; bucket < history.buckets(); bucket++) {
      for (OutboxEntry entry : await(history.outbox(bucket, olderThan, 10_000))) {
        if (entry.eventId().equals(eventId)) {
          assertEquals(bucket, entry.bucket());
          return Optional.of(entry);
        }
      }
    }
    return Optional.empty();
  }

  private PendingDeletion pendingFor(MediaRecord media) throws Exception {
    return pendingDeletions().stream().filter(p -> p.mediaId().equals(media.mediaId())).findFirst().orElseThrow();
  }

  private List<PendingDeletion> pendingDeletions() throws Exception {
    Set<PendingDeletion> all = new HashSet<>();
    for (int bucket = 0; bucket < history.buckets(); bucket++) {
      all.addAll(await(history.pendingDeletions(bucket, 10_000)));
    }
    return List.copyOf(all);
  }
}
