package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static io.mediaedge.it.HistoryFlowsIT.KIB;
import static io.mediaedge.it.HistoryFlowsIT.actions;
import static io.mediaedge.it.HistoryFlowsIT.client;
import static io.mediaedge.it.HistoryFlowsIT.created;
import static io.mediaedge.it.HistoryFlowsIT.freshUser;
import static io.mediaedge.it.HistoryFlowsIT.history;
import static io.mediaedge.it.HistoryFlowsIT.usage;
import static io.mediaedge.it.UploadFailuresIT.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.HistoryStore.PendingDeletion;
import io.mediaedge.history.MediaRecord;
import io.mediaedge.history.QuotaStore.Usage;
import io.mediaedge.it.HistoryTopic.Received;
import io.mediaedge.it.UploadFailuresIT.Leftovers;
import io.mediaedge.storage.ObjectKeys;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two media-edge instances on their own ports over the same Cassandra, Kafka and S3, both running
 * the outbox relay and the deletion sweeper on short timers: nothing is lost, and nothing is
 * deleted twice in a way anyone can see. Each caches the media rows its downloads read for
 * {@link #MEDIA_CACHE_TTL}: the most a delete on the other instance may go unseen.
 */
class TwoInstancesIT {
  private static final int MEDIA = 30;
  private static final Duration MEDIA_CACHE_TTL = Duration.ofSeconds(3);

  private static TestStack stack;
  private static EdgeServer a;
  private static EdgeServer b;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    JsonObject busy = new JsonObject().put("events", new JsonObject()
        .put("relayInterval", "300ms")
        .put("relayMinAge", "0s")
        .put("sweepInterval", "300ms"))
        .put("history", new JsonObject().put("mediaCacheTtl", MEDIA_CACHE_TTL.toMillis() + "ms"));
    a = stack.startServer(busy);
    b = stack.startServer(busy.copy());
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServers(a, b);
  }

  @Test
  void twoInstancesRelayEveryEventAndSweepEveryDeletionOnce() throws Exception {
    assertTrue(a.httpsPort() != b.httpsPort());
    EdgeClient viaA = client(a, HttpClient.Version.HTTP_2);
    EdgeClient viaB = client(b, HttpClient.Version.HTTP_2);
    List<EdgeClient> instances = List.of(viaA, viaB);
    String user = freshUser("two-instances");
    String token = stack.token(user);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      // uploads alternate between the instances
      Map<String, byte[]> bodies = new LinkedHashMap<>();
      List<Callable<HttpResponse<byte[]>>> uploads = new ArrayList<>();
      List<byte[]> sent = new ArrayList<>();
      for (int i = 0; i < MEDIA; i++) {
        byte[] body = MediaSamples.withHead(MediaSamples.JPEG_HEAD, KIB + i, 500 + i);
        EdgeClient via = instances.get(i % 2);
        sent.add(body);
        uploads.add(() -> via.upload(token, "image/jpeg", body));
      }
      List<Future<HttpResponse<byte[]>>> answers = pool.invokeAll(uploads);
      for (int i = 0; i < MEDIA; i++) {
        bodies.put(json(created(answers.get(i).get())).getString("id"), sent.get(i));
      }
      List<String> ids = new ArrayList<>(bodies.keySet());
      // 0..9: deleted through the instance that did not store them; 10..14: through both at once
      List<String> crossDeleted = ids.subList(0, 10);
      List<String> raced = ids.subList(10, 15);
      List<String> kept = ids.subList(15, MEDIA);
      List<Callable<Integer>> deletes = new ArrayList<>();
      for (int i = 0; i < crossDeleted.size(); i++) {
        EdgeClient via = instances.get((i + 1) % 2);
        String id = crossDeleted.get(i);
        deletes.add(() -> via.delete("/v1/media/" + id, token).statusCode());
      }
      for (String id : raced) {
        deletes.add(() -> viaA.delete("/v1/media/" + id, token).statusCode());
        deletes.add(() -> viaB.delete("/v1/media/" + id, token).statusCode());
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> status : pool.invokeAll(deletes)) {
        statuses.add(status.get());
      }
      assertEquals(List.of(204, 204, 204, 204, 204, 204, 204, 204, 204, 204), statuses.subList(0, 10));
      for (int i = 0; i < raced.size(); i++) {
        Set<Integer> pair = Set.of(statuses.get(10 + 2 * i), statuses.get(11 + 2 * i));
        assertEquals(Set.of(204, 404), pair, "two deletes of one media at once: one wins, the other finds nothing");
      }
      Set<String> deleted = new HashSet<>(crossDeleted);
      deleted.addAll(raced);

      // the quota gave back each deleted media exactly once
      long keptBytes = kept.stream().mapToLong(id -> bodies.get(id).length).sum();
      Usage usage = usage(a, user);
      assertEquals(keptBytes, usage.usedBytes(), "usage after the deletes");
      assertEquals(kept.size(), usage.mediaCount());
      assertEquals(0, usage.reservedBytes());

      // every event reaches Kafka, one event id per media and action however many relays sent it
      Set<String> all = new HashSet<>(ids);
      List<Received> received = HistoryTopic.await(user,
          HistoryTopic.covers("UPLOAD", all).and(HistoryTopic.covers("DELETE", deleted)), Duration.ofSeconds(60));
      HistoryTopic.assertOneEventIdPerMediaAndAction(received, "UPLOAD", all);
      HistoryTopic.assertOneEventIdPerMediaAndAction(received, "DELETE", deleted);
      assertEquals(deleted, HistoryTopic.mediaIds(received, "DELETE"), "DELETE events only for deleted media");
      for (String id : deleted) {
        assertEquals(List.of("UPLOAD", "DELETE"), actions(history(viaB, user, id)), "history of " + id);
      }

      // both sweepers remove every deleted object; the kept ones stay
      Set<String> keptKeys = kept.stream().map(id -> ObjectKeys.mediaKey(user, id)).collect(Collectors.toSet());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!Leftovers.objects(user).equals(keptKeys)) {
        assertTrue(System.nanoTime() < deadline, "objects still there: " + minus(Leftovers.objects(user), keptKeys));
        Thread.sleep(200);
      }
      // rounds by both at once over what is left are harmless
      io.vertx.core.Future.all(a.sweeper().runRound(), b.sweeper().runRound(), a.sweeper().runRound())
          .await(30, TimeUnit.SECONDS);
      HistoryStore store = a.history().history();
      for (String id : deleted) {
        MediaRecord media = store.find(user, id).await(10, TimeUnit.SECONDS).orElseThrow();
        assertEquals(MediaRecord.Status.DELETED, media.status(), "status of " + id);
      }
      List<PendingDeletion> pending = new ArrayList<>();
      for (int bucket = 0; bucket < store.buckets(); bucket++) {
        store.pendingDeletions(bucket, 10_000).await(10, TimeUnit.SECONDS).stream()
            .filter(p -> p.owner().equals(user)).forEach(pending::add);
      }
      assertEquals(List.of(), pending, "pending deletions left");
      assertEquals(keptKeys, Leftovers.objects(user), "kept objects survive both sweepers");
      for (String id : kept) {
        assertArrayEquals(bodies.get(id), viaA.get("/v1/media/" + id, token).body());
        assertArrayEquals(bodies.get(id), viaB.get("/v1/media/" + id, token).body());
      }
      for (String id : deleted) {
        assertError(404, "NOT_FOUND", viaA.get("/v1/media/" + id, token));
        assertError(404, "NOT_FOUND", viaB.delete("/v1/media/" + id, token));
      }
      assertEquals(new HashSet<>(kept), new HashSet<>(HistoryFlowsIT.listAll(viaA, user, 7)), "listing via A");
      assertEquals(new HashSet<>(kept), new HashSet<>(HistoryFlowsIT.listAll(viaB, user, 7)), "listing via B");
      assertEquals(keptBytes, usage(b, user).usedBytes(), "usage after the sweeps");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void deleteStopsDownloadsOnItsInstanceAtOnceAndOnTheOtherWithinTheCacheTtl() throws Exception {
    EdgeClient viaA = client(a, HttpClient.Version.HTTP_2);
    EdgeClient viaB = client(b, HttpClient.Version.HTTP_2);
    String user = freshUser("cached-ownership");
    String token = stack.token(user);
    byte[] body = MediaSamples.withHead(MediaSamples.JPEG_HEAD, 64 * KIB, 9);
    String id = json(created(viaA.upload(token, "image/jpeg", body))).getString("id");
    String path = "/v1/media/" + id;

    // a new upload is downloadable from the other instance at once: misses are never cached
    long cachedOnB = System.nanoTime();
    assertArrayEquals(body, viaB.get(path, token).body());
    assertArrayEquals(body, viaA.get(path, token).body());
    assertError(404, "NOT_FOUND", viaB.get(path, stack.token(freshUser("stranger"))));

    assertEquals(204, viaA.delete(path, token).statusCode());
    long deleted = System.nanoTime();
    assertError(404, "NOT_FOUND", viaA.get(path, token));
    assertError(404, "NOT_FOUND", viaA.get(path, token, "Range", "bytes=0-1023"));
    HttpResponse<byte[]> range = viaB.get(path, token, "Range", "bytes=0-1023");
    if (System.nanoTime() - cachedOnB < MEDIA_CACHE_TTL.toNanos()) {
      // B read the row less than a ttl ago, so it has not asked Cassandra again: the documented
      // staleness. Unless the sweeper (every 300 ms here) has removed the bytes already: then
      // nobody can serve them, and S3's answer is B's.
      if (range.statusCode() == 404) {
        assertTrue(stack.objects().stream().noneMatch(o -> o.key().endsWith(id)),
            "B answered 404 within the ttl while the object was still stored");
      } else {
        assertEquals(206, range.statusCode(), "B still serves from its cached row within the ttl");
        assertArrayEquals(java.util.Arrays.copyOf(body, 1024), range.body());
      }
    }

    HttpResponse<byte[]> onB = viaB.get(path, token);
    while (onB.statusCode() == 200) {
      assertTrue(System.nanoTime() - cachedOnB < MEDIA_CACHE_TTL.plusSeconds(1).toNanos(),
          "B still serves the deleted media past its cache ttl");
      Thread.sleep(100);
      onB = viaB.get(path, token);
    }
    assertError(404, "NOT_FOUND", onB);
    assertTrue(System.nanoTime() - deleted < MEDIA_CACHE_TTL.plusSeconds(1).toNanos(), "within the ttl");
    assertError(404, "NOT_FOUND", viaB.get(path, token, "Range", "bytes=0-1023"));
    assertError(404, "NOT_FOUND", viaB.get(path, token));
  }

  private static Set<String> minus(Set<String> from, Set<String> taken) {
    Set<String> out = new HashSet<>(from);
    out.removeAll(taken);
    return out;
  }
}
