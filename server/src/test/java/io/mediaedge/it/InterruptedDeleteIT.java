package io.mediaedge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.MediaRecord;
import io.mediaedge.storage.ObjectKeys;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Deletes stopped halfway: finished by the next delete of the same media, or by the sweeper from
 * the pending deletion a delete writes before its compare-and-set.
 */
class InterruptedDeleteIT {

  @Test
  void repeatedDeleteFinishesADeleteThatStoppedHalfway() throws Exception {
    TestStack stack = TestStack.get();
    EdgeClient client = EdgeClient.http11(stack);
    String owner = "half-delete-" + UUID.randomUUID();
    HttpResponse<byte[]> created = client.upload(stack.token(owner), "image/jpeg", MediaSamples.jpeg(4000));
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    String id = EdgeClient.json(created).getString("id");
    String key = ObjectKeys.mediaKey(owner, id);

    // What a crash right after the compare-and-set leaves: DELETING, and nothing else.
    cql(cql -> cql.execute("UPDATE " + keyspace(stack) + ".media_by_owner SET status = 'DELETING', deleted_at = ?"
        + " WHERE owner = ? AND media_id = ?", Instant.now().truncatedTo(ChronoUnit.MILLIS), owner, id));
    HistoryStore history = stack.server().history().history();
    assertTrue(pendingFor(history, owner).isEmpty());

    assertEquals(404, client.delete("/v1/media/" + id, stack.token(owner)).statusCode());
    List<HistoryEvent> events = history.events(owner, id).await(10, TimeUnit.SECONDS);
    assertEquals(1, events.stream().filter(e -> e.action() == HistoryEvent.Action.DELETE).count());

    // Once more: the same DELETE event is rewritten, not doubled.
    assertEquals(404, client.delete("/v1/media/" + id, stack.token(owner)).statusCode());
    assertEquals(1, history.events(owner, id).await(10, TimeUnit.SECONDS).stream()
        .filter(e -> e.action() == HistoryEvent.Action.DELETE).count());

    sweepUntil(stack, () -> stack.objects().stream().noneMatch(o -> o.key().equals(key)),
        "the object of the half-done delete was never swept");
    sweepUntil(stack, () -> pendingFor(history, owner).isEmpty(), "the pending deletion was never cleared");
  }

  /**
   * Found by the fault suite: an instance killed right after a delete's compare-and-set (DELETING,
   * its event and pending deletion written) never gave the bytes back to the quota, and nobody
   * deletes the media again. The sweeper does, once, when it removes the object.
   */
  @Test
  void theSweeperGivesBackTheQuotaOfADeleteWhoseInstanceDiedBeforeItDid() throws Exception {
    TestStack stack = TestStack.get();
    EdgeClient client = EdgeClient.http11(stack);
    String owner = "killed-delete-" + UUID.randomUUID();
    HttpResponse<byte[]> created = client.upload(stack.token(owner), "image/jpeg", MediaSamples.jpeg(6000));
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    String id = EdgeClient.json(created).getString("id");
    HistoryStore history = stack.server().history().history();
    var media = history.find(owner, id).await(10, TimeUnit.SECONDS).orElseThrow();
    // what the request's first write leaves; the quota release that follows it never happens
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    HistoryEvent event = HistoryEvent.delete(UUID.randomUUID().toString(), at, owner, id, media.contentType(),
        media.size(), media.sha256(), 1, io.mediaedge.eventschema.Origin.regionOnly("test"));
    assertTrue(history.markDeleting(media, event).await(10, TimeUnit.SECONDS));
    // and one deleted the usual way, whose request gave its bytes back already
    HttpResponse<byte[]> other = client.upload(stack.token(owner), "image/jpeg", MediaSamples.jpeg(4000));
    assertEquals(204, client.delete("/v1/media/" + EdgeClient.json(other).getString("id"), stack.token(owner))
        .statusCode());
    assertEquals(6000, HistoryFlowsIT.usage(stack.server(), owner).usedBytes());

    sweepUntil(stack, () -> pendingFor(history, owner).isEmpty(), "the pending deletion was never swept");
    var usage = HistoryFlowsIT.usage(stack.server(), owner);
    // both swept: the first's bytes given back by the sweeper, the second's not a second time
    assertEquals(0, usage.usedBytes(), "the deleted media's bytes are the user's again, once");
    assertEquals(0, usage.mediaCount());
  }

  /**
   * Found by the fault suite (cassandra-kill and edge-kill: a user's usage one media above their
   * media, for good): a delete stopped right after its compare-and-set, whose client does not try
   * again, left the media DELETING with no event, no pending deletion and its bytes still charged.
   * The pending deletion is now written first; what such a delete leaves (DELETING and the pending
   * deletion, nothing else) is finished by the sweeper: DELETE event, object, quota.
   */
  @Test
  void theSweeperFinishesADeleteStoppedRightAfterItsCompareAndSet() throws Exception {
    TestStack stack = TestStack.get();
    EdgeClient client = EdgeClient.http11(stack);
    String owner = "stopped-delete-" + UUID.randomUUID();
    HttpResponse<byte[]> created = client.upload(stack.token(owner), "image/jpeg", MediaSamples.jpeg(5000));
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    String id = EdgeClient.json(created).getString("id");
    String key = ObjectKeys.mediaKey(owner, id);
    HistoryStore history = stack.server().history().history();
    assertEquals(5000, HistoryFlowsIT.usage(stack.server(), owner).usedBytes());
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    cql(cql -> {
      cql.execute("INSERT INTO " + keyspace(stack) + ".pending_deletions (bucket, owner, media_id, object_key,"
          + " requested_at) VALUES (?, ?, ?, ?, ?)", history.bucketOf(id), owner, id, key, at);
      cql.execute("UPDATE " + keyspace(stack) + ".media_by_owner SET status = 'DELETING', deleted_at = ?"
          + " WHERE owner = ? AND media_id = ?", at, owner, id);
    });
    // (the server's own periodic sweep may get there first)
    sweepUntil(stack, () -> pendingFor(history, owner).isEmpty()
        && stack.objects().stream().noneMatch(o -> o.key().equals(key)), "the stopped delete was never swept");
    assertEquals(1, history.events(owner, id).await(10, TimeUnit.SECONDS).stream()
        .filter(e -> e.action() == HistoryEvent.Action.DELETE).count(), "the DELETE event is written");
    assertEquals(0, HistoryFlowsIT.usage(stack.server(), owner).usedBytes());
    assertEquals(MediaRecord.Status.DELETED,
        history.find(owner, id).await(10, TimeUnit.SECONDS).orElseThrow().status());
  }

  /**
   * A delete that failed before its compare-and-set leaves only the pending deletion it wrote
   * first, beside an ACTIVE media: the sweeper leaves the media alone and drops the row once it is
   * a minute old.
   */
  @Test
  void aPendingDeletionBesideAnActiveMediaIsDroppedAndTheMediaKept() throws Exception {
    TestStack stack = TestStack.get();
    EdgeClient client = EdgeClient.http11(stack);
    String owner = "failed-delete-" + UUID.randomUUID();
    HttpResponse<byte[]> created = client.upload(stack.token(owner), "image/jpeg", MediaSamples.jpeg(5000));
    String id = EdgeClient.json(created).getString("id");
    String key = ObjectKeys.mediaKey(owner, id);
    HistoryStore history = stack.server().history().history();
    cql(cql -> cql.execute("INSERT INTO " + keyspace(stack) + ".pending_deletions (bucket, owner, media_id, object_key,"
        + " requested_at) VALUES (?, ?, ?, ?, ?)", history.bucketOf(id), owner, id, key,
        Instant.now().minus(2, ChronoUnit.MINUTES)));

    sweepUntil(stack, () -> pendingFor(history, owner).isEmpty(),
        "the abandoned pending deletion was never dropped");
    assertEquals(200, client.get("/v1/media/" + id, stack.token(owner)).statusCode(), "the media is kept");
    assertEquals(5000, HistoryFlowsIT.usage(stack.server(), owner).usedBytes());
  }

  private static String keyspace(TestStack stack) {
    return stack.server().config().history().keyspace();
  }

  private static void cql(java.util.function.Consumer<CqlSession> work) {
    var cassandra = TestStack.get().dev().cassandra();
    try (CqlSession cql = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
        .withLocalDatacenter(cassandra.localDatacenter()).build()) {
      work.accept(cql);
    }
  }

  /** The server's own periodic sweep may be mid-round (then runRound is skipped): poll. */
  private static void sweepUntil(TestStack stack, java.util.concurrent.Callable<Boolean> done, String failure)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.call()) {
      assertTrue(System.nanoTime() < deadline, failure);
      stack.server().sweeper().runRound().await(30, TimeUnit.SECONDS);
      Thread.sleep(200);
    }
  }

  private static List<HistoryStore.PendingDeletion> pendingFor(HistoryStore history, String owner) throws Exception {
    List<HistoryStore.PendingDeletion> found = new java.util.ArrayList<>();
    for (int bucket = 0; bucket < history.buckets(); bucket++) {
      for (var pending : history.pendingDeletions(bucket, 10_000).await(10, TimeUnit.SECONDS)) {
        if (pending.owner().equals(owner)) {
          found.add(pending);
        }
      }
    }
    return found;
  }
}
