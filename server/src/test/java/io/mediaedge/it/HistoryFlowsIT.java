package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static io.mediaedge.it.UploadFailuresIT.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.mediaedge.history.QuotaStore.Usage;
import io.mediaedge.it.HistoryTopic.Received;
import io.mediaedge.it.UploadFailuresIT.Leftovers;
import io.mediaedge.storage.ObjectKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The issue-3 flows end to end, through real sockets against the real Cassandra, Kafka and S3
 * servers: an upload's row and event, downloads, deletion and the sweeper, the quota under
 * concurrency, and paged listings. Outages are in {@link DependencyOutageIT}, two instances in
 * {@link TwoInstancesIT}.
 */
class HistoryFlowsIT {
  static final int KIB = 1 << 10;
  static final int MIB = 1 << 20;
  static final Duration PATIENCE = Duration.ofSeconds(30);

  private static TestStack stack;
  private static EdgeClient h2;

  @BeforeAll
  static void start() {
    stack = TestStack.get();
    h2 = EdgeClient.http2(stack);
  }

  @Test
  void uploadIsRecordedAndItsEventReachesKafkaWithEveryField() throws Exception {
    String user = freshUser("flows");
    byte[] body = MediaSamples.withHead(MediaSamples.JPEG_HEAD, 10 * KIB, 7);
    HttpResponse<byte[]> created = h2.upload(stack.token(user), "image/jpeg", body);
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    String id = json(created).getString("id");

    List<Received> received = HistoryTopic.await(user, has("UPLOAD", id), PATIENCE);
    Received upload = only(received, "UPLOAD", id);
    JsonObject event = upload.event();
    assertTrue(event.getString("eventId").matches("[0-9a-f-]{36}"), event::encode);
    assertEquals(event.getString("eventId"), upload.headerEventId(), "the eventId header");
    assertEquals(user, upload.key(), "the record key is the user id");
    assertEquals(1, event.getInteger("schemaVersion"));
    assertEquals("UPLOAD", event.getString("action"));
    assertEquals(user, event.getString("userId"));
    assertEquals(id, event.getString("mediaId"));
    assertEquals("image/jpeg", event.getString("contentType"));
    assertEquals(10 * KIB, event.getLong("contentLength"));
    assertEquals(MediaSamples.sha256(body), event.getString("sha256"));
    assertEquals("201", event.getString("status"));
    assertEquals(stack.server().config().server().region(), event.getString("region"));
    Instant occurred = Instant.parse(event.getString("occurredAt"));
    assertTrue(Duration.between(occurred, Instant.now()).abs().compareTo(Duration.ofMinutes(1)) < 0, "occurredAt");

    JsonArray history = history(h2, user, id);
    assertEquals(1, history.size(), history::encode);
    assertEquals(event.getString("eventId"), history.getJsonObject(0).getString("eventId"));
    assertEquals(event, history.getJsonObject(0), "the history lists the very event sent to Kafka");
    assertEquals(404, h2.get("/v1/media/" + id + "/history", stack.token(freshUser("stranger"))).statusCode(),
        "someone else's media history is not found");

    HttpResponse<byte[]> download = h2.get("/v1/media/" + id, stack.token(user));
    assertEquals(200, download.statusCode());
    assertArrayEquals(body, download.body());
    // the DOWNLOAD event is recorded after the response has been sent
    JsonArray withDownload = poll(() -> history(h2, user, id), events -> events.size() == 2, PATIENCE);
    assertEquals(List.of("UPLOAD", "DOWNLOAD"), actions(withDownload));
    JsonObject downloadEvent = withDownload.getJsonObject(1);
    assertEquals("200", downloadEvent.getString("status"));
    assertEquals(10 * KIB, downloadEvent.getLong("contentLength"));
    assertEquals(user, downloadEvent.getString("userId"));
    assertEquals(id, downloadEvent.getString("mediaId"));
    Received inKafka = only(HistoryTopic.await(user, has("DOWNLOAD", id), PATIENCE), "DOWNLOAD", id);
    assertEquals(downloadEvent.getString("eventId"), inKafka.eventId());
  }

  @Test
  void deleteAnswers204AndTheSweeperRemovesTheObjectAndTheQuotaGoesDown() throws Exception {
    String user = freshUser("flows");
    String token = stack.token(user);
    byte[] kept = MediaSamples.withHead(MediaSamples.PNG_HEAD, 3 * KIB, 1);
    byte[] doomed = MediaSamples.withHead(MediaSamples.PNG_HEAD, 64 * KIB, 2);
    String keptId = json(created(h2.upload(token, "image/png", kept))).getString("id");
    String id = json(created(h2.upload(token, "image/png", doomed))).getString("id");
    String key = ObjectKeys.mediaKey(user, id);
    assertEquals(Set.of(key, ObjectKeys.mediaKey(user, keptId)), Leftovers.objects(user));
    Usage before = usage(stack.server(), user);
    assertEquals(67 * KIB, before.usedBytes());
    assertEquals(2, before.mediaCount());

    HttpResponse<byte[]> deleted = h2.delete("/v1/media/" + id, token);
    assertEquals(204, deleted.statusCode(), () -> new String(deleted.body()));
    assertError(404, "NOT_FOUND", h2.get("/v1/media/" + id, token));
    assertError(404, "NOT_FOUND", h2.delete("/v1/media/" + id, token));
    Usage after = usage(stack.server(), user);
    assertEquals(3 * KIB, after.usedBytes(), "the deleted bytes are given back at once");
    assertEquals(1, after.mediaCount());
    assertEquals(List.of(keptId), listAll(h2, user, 50), "the listing no longer shows it");

    JsonArray history = history(h2, user, id);
    assertEquals(List.of("UPLOAD", "DELETE"), actions(history), "the history stays visible after deletion");
    assertEquals("204", history.getJsonObject(1).getString("status"));
    String deleteEventId = history.getJsonObject(1).getString("eventId");
    Received inKafka = only(HistoryTopic.await(user, has("DELETE", id), PATIENCE), "DELETE", id);
    assertEquals(deleteEventId, inKafka.eventId());

    // The periodic sweep may be mid-round (then runRound is skipped): run rounds until it is gone.
    EdgeServer server = stack.server();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (Leftovers.objects(user).contains(key)) {
      assertTrue(System.nanoTime() < deadline, "the sweeper did not remove " + key);
      server.sweeper().runRound().await(30, TimeUnit.SECONDS);
    }
    assertEquals(Set.of(ObjectKeys.mediaKey(user, keptId)), Leftovers.objects(user), "only the deleted object went");
    assertArrayEquals(kept, h2.get("/v1/media/" + keptId, token).body());
    assertError(404, "NOT_FOUND", h2.delete("/v1/media/" + id, token));
    assertEquals(List.of("UPLOAD", "DELETE"), actions(history(h2, user, id)), "the second delete added no event");
    assertEquals(3 * KIB, usage(server, user).usedBytes(), "freed once");
  }

  @Test
  void concurrentUploadsByOneUserNeverTogetherPassTheQuota() throws Exception {
    long quota = 20L * MIB;
    int size = 2 * MIB;
    int uploads = 20;
    EdgeServer small = stack.startServer(new JsonObject().put("quota", new JsonObject().put("defaultBytes", "20MiB")));
    ExecutorService pool = Executors.newFixedThreadPool(uploads);
    try {
      EdgeClient client = client(small, HttpClient.Version.HTTP_1_1);
      String user = freshUser("quota");
      String token = stack.token(user);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
      for (int i = 0; i < uploads; i++) {
        byte[] body = MediaSamples.withHead(MediaSamples.MP4_HEAD, size, 100 + i);
        answers.add(pool.submit(() -> {
          go.await();
          return client.upload(token, "video/mp4", body);
        }));
      }
      go.countDown();
      long stored = 0;
      int accepted = 0;
      for (Future<HttpResponse<byte[]>> answer : answers) {
        HttpResponse<byte[]> response = answer.get(2, TimeUnit.MINUTES);
        if (response.statusCode() == 201) {
          accepted++;
          stored += json(response).getLong("size");
        } else {
          assertError(413, "QUOTA_EXCEEDED", response);
        }
      }
      assertTrue(stored <= quota, "accepted " + stored + " bytes past a quota of " + quota);
      // reservations are exact for a known length, so exactly as many as fit are accepted
      assertEquals(quota / size, accepted, "accepted uploads");

      Usage usage = usage(small, user);
      assertEquals(stored, usage.usedBytes(), "usage equals the stored sizes");
      assertEquals(accepted, usage.mediaCount());
      assertEquals(0, usage.reservedBytes(), "no reservation left behind");
      assertEquals(quota, usage.limitBytes());
      assertEquals(accepted, Leftovers.objects(user).size(), "objects in S3");
      assertEquals(Set.of(), Leftovers.multipartUploads(user));
      assertEquals(accepted, listAll(client, user, 50).size(), "media listed");
    } finally {
      pool.shutdownNow();
      stack.stopServer(small);
    }
  }

  @Test
  void listingPagesThroughEveryMediaExactlyOnceNewestFirst() throws Exception {
    String user = freshUser("listing");
    String token = stack.token(user);
    int total = 250;
    int parallel = 8;
    // Batches run one after another, so every id of a later batch is newer than every id of an earlier one.
    Map<String, Integer> batchOf = new HashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      for (int first = 0, batch = 0; first < total; first += parallel, batch++) {
        List<Callable<HttpResponse<byte[]>>> calls = new ArrayList<>();
        for (int i = first; i < Math.min(total, first + parallel); i++) {
          byte[] body = MediaSamples.withHead(MediaSamples.JPEG_HEAD, 512, i);
          calls.add(() -> h2.upload(token, "image/jpeg", body));
        }
        for (Future<HttpResponse<byte[]>> done : pool.invokeAll(calls)) {
          batchOf.put(json(created(done.get())).getString("id"), batch);
        }
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> listed = new ArrayList<>();
    List<String> cursors = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<byte[]> page = h2.get("/v1/media?limit=50" + (cursor == null ? "" : "&cursor=" + cursor), token);
      assertEquals(200, page.statusCode(), () -> new String(page.body()));
      JsonObject body = json(page);
      JsonArray items = body.getJsonArray("items");
      assertEquals(50, items.size(), "every page is full: " + listed.size() + " listed so far");
      for (int i = 0; i < items.size(); i++) {
        JsonObject item = items.getJsonObject(i);
        assertEquals("image/jpeg", item.getString("contentType"));
        assertEquals(512, item.getLong("size"));
        listed.add(item.getString("id"));
      }
      cursor = body.getString("nextCursor");
      if (cursor != null) {
        cursors.add(cursor);
      }
      assertTrue(listed.size() <= total, "the listing does not end");
    } while (cursor != null);
    assertEquals(total, listed.size(), "items listed");
    assertEquals(batchOf.keySet(), new HashSet<>(listed), "every media exactly once");
    assertEquals(4, cursors.size(), "a cursor after every page but the last");
    for (int i = 1; i < listed.size(); i++) {
      assertTrue(listed.get(i - 1).compareTo(listed.get(i)) > 0, "ids descend at " + i);
      assertTrue(batchOf.get(listed.get(i - 1)) >= batchOf.get(listed.get(i)), "newest first at " + i);
    }

    String valid = cursors.get(0);
    int middle = valid.length() / 2;
    String tampered = valid.substring(0, middle) + (valid.charAt(middle) == 'A' ? 'B' : 'A')
        + valid.substring(middle + 1);
    assertError(400, "INVALID_CURSOR", h2.get("/v1/media?limit=50&cursor=" + tampered, token));
    assertError(400, "INVALID_CURSOR", h2.get("/v1/media?cursor=not-a-cursor", token));
    assertError(400, "INVALID_CURSOR", h2.get("/v1/media?limit=50&cursor=" + valid,
        stack.token(freshUser("listing"))));
    for (String limit : List.of("0", "1000", "-1", "ten")) {
      assertError(400, "BAD_REQUEST", h2.get("/v1/media?limit=" + limit, token));
    }
    // the cursor stays valid for its owner
    HttpResponse<byte[]> second = h2.get("/v1/media?limit=50&cursor=" + valid, token);
    assertEquals(listed.get(50), json(second).getJsonArray("items").getJsonObject(0).getString("id"));
  }

  // ---- helpers, shared with the other history test classes ----

  static String freshUser(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  static EdgeClient client(EdgeServer server, HttpClient.Version version) {
    return new EdgeClient(TestStack.https(server), TestStack.get().dev().tls().caCert(), version);
  }

  static HttpResponse<byte[]> created(HttpResponse<byte[]> response) {
    assertEquals(201, response.statusCode(), () -> new String(response.body()));
    return response;
  }

  static Usage usage(EdgeServer server, String user) throws Exception {
    return server.history().quotas().usage(user).await(20, TimeUnit.SECONDS);
  }

  static JsonArray history(EdgeClient client, String user, String id) {
    HttpResponse<byte[]> response = client.get("/v1/media/" + id + "/history", TestStack.get().token(user));
    assertEquals(200, response.statusCode(), () -> new String(response.body()));
    JsonObject body = json(response);
    assertEquals(id, body.getString("mediaId"));
    return body.getJsonArray("events");
  }

  static List<String> actions(JsonArray events) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      out.add(events.getJsonObject(i).getString("action"));
    }
    return out;
  }

  /** Every id the user's listing shows, following cursors to the end. */
  static List<String> listAll(EdgeClient client, String user, int limit) {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<byte[]> page = client.get("/v1/media?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor),
          TestStack.get().token(user));
      assertEquals(200, page.statusCode(), () -> new String(page.body()));
      JsonObject body = json(page);
      body.getJsonArray("items").forEach(item -> ids.add(((JsonObject) item).getString("id")));
      cursor = body.getString("nextCursor");
    } while (cursor != null);
    return ids;
  }

  static Predicate<List<Received>> has(String action, String mediaId) {
    return HistoryTopic.covers(action, Set.of(mediaId));
  }

  /** The one event (duplicates of it allowed) of {@code action} for {@code mediaId}. */
  static Received only(List<Received> received, String action, String mediaId) {
    HistoryTopic.assertOneEventIdPerMediaAndAction(received, action, Set.of(mediaId));
    return received.stream().filter(r -> action.equals(r.action()) && mediaId.equals(r.mediaId()))
        .findFirst().orElseThrow();
  }

  static <T> T poll(Callable<T> read, Predicate<T> done, Duration patience) throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    T value = read.call();
    while (!done.test(value)) {
      assertTrue(System.nanoTime() < deadline, "gave up waiting; last seen: " + value);
      Thread.sleep(100);
      value = read.call();
    }
    return value;
  }
}
