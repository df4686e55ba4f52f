package io.mediaedge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.history.HistoryStore;
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
 * A delete whose compare-and-set won but whose second write (event, pending deletion) never
 * happened is finished by the next delete of the same media, so its object is still swept.
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
    var cassandra = stack.dev().cassandra();
    String keyspace = stack.server().config().history().keyspace();
    try (CqlSession cql = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
        .withLocalDatacenter(cassandra.localDatacenter()).build()) {
      cql.execute("UPDATE " + keyspace + ".media_by_owner SET status = 'DELETING', deleted_at = ? WHERE owner = ?"
          + " AND media_id = ?", Instant.now().truncatedTo(ChronoUnit.MILLIS), owner, id);
    }
    HistoryStore history = stack.server().history().history();
    assertTrue(pendingFor(history, owner).isEmpty());

    assertEquals(404, client.delete("/v1/media/" + id, stack.token(owner)).statusCode());
    List<HistoryEvent> events = history.events(owner, id).await(10, TimeUnit.SECONDS);
    assertEquals(1, events.stream().filter(e -> e.action() == HistoryEvent.Action.DELETE).count());

    // Once more: the same DELETE event is rewritten, not doubled.
    assertEquals(404, client.delete("/v1/media/" + id, stack.token(owner)).statusCode());
    assertEquals(1, history.events(owner, id).await(10, TimeUnit.SECONDS).stream()
        .filter(e -> e.action() == HistoryEvent.Action.DELETE).count());

    // The server's own periodic sweep may be mid-round (then runRound is skipped): poll.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (stack.objects().stream().anyMatch(o -> o.key().equals(key))) {
      assertTrue(System.nanoTime() < deadline, "the object of the half-done delete was never swept");
      stack.server().sweeper().runRound().await(30, TimeUnit.SECONDS);
      Thread.sleep(200);
    }
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!pendingFor(history, owner).isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the pending deletion was never cleared");
      Thread.sleep(200);
    }
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

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!pendingFor(history, owner).isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the pending deletion was never swept");
      stack.server().sweeper().runRound().await(30, TimeUnit.SECONDS);
      Thread.sleep(200);
    }
    var usage = HistoryFlowsIT.usage(stack.server(), owner);
    // both swept: the first's bytes given back by the sweeper, the second's not a second time
    assertEquals(0, usage.usedBytes(), "the deleted media's bytes are the user's again, once");
    assertEquals(0, usage.mediaCount());
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
