package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static io.mediaedge.it.HistoryFlowsIT.KIB;
import static io.mediaedge.it.TusProtocolIT.MIB;
import static io.mediaedge.it.HistoryFlowsIT.client;
import static io.mediaedge.it.HistoryFlowsIT.created;
import static io.mediaedge.it.HistoryFlowsIT.freshUser;
import static io.mediaedge.it.HistoryFlowsIT.usage;
import static io.mediaedge.it.UploadFailuresIT.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.mediaedge.devstack.CassandraServer;
import io.mediaedge.devstack.KafkaServer;
import io.mediaedge.history.QuotaStore.Usage;
import io.mediaedge.it.HistoryTopic.Received;
import io.mediaedge.it.UploadFailuresIT.Leftovers;
import io.mediaedge.storage.ObjectKeys;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka or Cassandra going away under a running media-edge. Both servers are shared with every
 * other test class, so each test starts them again in {@code finally}, whatever happens.
 */
class DependencyOutageIT {
  /** Short, so publishes made while the broker is down fail and their rows wait for the relay. */
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
  /** Media downloaded (one range each) while Kafka is down. */
  private static final int DOWNLOADED = 10;

  private static TestStack stack;
  /** Relays every 500 ms with no minimum age, so recovered events show up quickly. */
  private static EdgeServer fastRelay;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    fastRelay = stack.startServer(new JsonObject().put("events", new JsonObject()
        .put("relayInterval", "500ms")
        .put("relayMinAge", "0s")
        .put("deliveryTimeout", DELIVERY_TIMEOUT.toMillis() + "ms")));
  }

  @AfterAll
  static void stop() throws Exception {
    stack.dev().kafka().start();
    stack.dev().cassandra().start();
    if (fastRelay != null) {
      stack.stopServer(fastRelay);
    }
  }

  @Test
  void kafkaDownUploadsSucceedAndEveryEventArrivesAfterRecovery() throws Exception {
    KafkaServer kafka = stack.dev().kafka();
    EdgeClient client = client(fastRelay, HttpClient.Version.HTTP_2);
    String user = freshUser("kafka-down");
    String token = stack.token(user);
    // The producer has connected and knows the topic before the broker goes. Cassandra may have
    // just come back from another test's outage, and this server's driver reconnects on its own
    // schedule: wait for a first upload to be recorded.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    HttpResponse<byte[]> first = client.upload(token, "image/jpeg", MediaSamples.jpeg(KIB));
    while (first.statusCode() == 503 && System.nanoTime() < deadline) {
      Thread.sleep(500);
      first = client.upload(token, "image/jpeg", MediaSamples.jpeg(KIB));
    }
    String warmUp = json(created(first)).getString("id");
    HistoryTopic.await(user, HistoryFlowsIT.has("UPLOAD", warmUp), HistoryFlowsIT.PATIENCE);

    Set<String> ids = new java.util.HashSet<>();
    Set<String> downloaded = new java.util.HashSet<>();
    ExecutorService pool = Executors.newFixedThreadPool(5);
    kafka.stop();
    try {
      List<Callable<HttpResponse<byte[]>>> uploads = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        byte[] body = MediaSamples.withHead(MediaSamples.JPEG_HEAD, 2 * KIB, 1000 + i);
        uploads.add(() -> client.upload(token, "image/jpeg", body));
      }
      for (Future<HttpResponse<byte[]>> done : pool.invokeAll(uploads)) {
        ids.add(json(created(done.get())).getString("id"));
      }
      // DOWNLOAD events go straight to Kafka: refused, they must land in the outbox instead
      for (String id : ids.stream().limit(DOWNLOADED).toList()) {
        assertEquals(206, client.get("/v1/media/" + id, token, "Range", "bytes=0-99").statusCode());
        downloaded.add(id);
      }
      // longer than the delivery timeout: the immediate publishes have failed, the outbox holds the events
      Thread.sleep(DELIVERY_TIMEOUT.toMillis() + 1_000);
    } finally {
      pool.shutdownNow();
      kafka.start();
    }
    assertEquals(50, ids.size());

    List<Received> received = HistoryTopic.await(user, HistoryTopic.covers("UPLOAD", ids)
        .and(HistoryTopic.covers("DOWNLOAD", downloaded)), Duration.ofSeconds(60));
    HistoryTopic.assertOneEventIdPerMediaAndAction(received, "UPLOAD", ids);
    HistoryTopic.assertOneEventIdPerMediaAndAction(received, "DOWNLOAD", downloaded);
    for (String id : downloaded) {
      assertEquals(List.of("UPLOAD", "DOWNLOAD"), HistoryFlowsIT.actions(HistoryFlowsIT.history(client, user, id)),
          "the history rows were written while Kafka was down");
    }
    for (Received r : received) {
      if (!ids.contains(r.mediaId())) {
        continue;
      }
      assertEquals(user, r.event().getString("userId"));
      // a DOWNLOAD counts the bytes of its range
      assertEquals("DOWNLOAD".equals(r.action()) ? 100 : 2 * KIB, r.event().getLong("contentLength"), r.action());
    }
  }

  @Test
  void cassandraDownUploadsAnswer503QuicklyLeaveNothingAndRecover() throws Exception {
    CassandraServer cassandra = stack.dev().cassandra();
    EdgeServer server = stack.server();
    EdgeClient h2 = EdgeClient.http2(stack);
    EdgeClient h1 = EdgeClient.http11(stack);
    String user = freshUser("cassandra-down");
    String token = stack.token(user);
    byte[] before = MediaSamples.withHead(MediaSamples.PNG_HEAD, 4 * KIB, 3);
    String beforeId = json(created(h2.upload(token, "image/png", before))).getString("id");
    String beforeKey = ObjectKeys.mediaKey(user, beforeId);

    // An upload that has reserved its quota and is streaming when Cassandra goes: its body is
    // held back until then, so its Cassandra writes are the ones that fail.
    int inFlightSize = 256 * KIB;
    byte[] inFlightBody = MediaSamples.withHead(MediaSamples.PNG_HEAD, inFlightSize, 4);
    HeldBackBody heldBody = new HeldBackBody(inFlightBody, 16 * KIB);
    HttpRequest held = h1.request("/v1/media", token).header("Content-Type", "image/png")
        .POST(HttpRequest.BodyPublishers.fromPublisher(heldBody, inFlightSize))
        .build();
    CompletableFuture<HttpResponse<byte[]>> inFlight = CompletableFuture.supplyAsync(() -> h1.send(held));
    HistoryFlowsIT.poll(() -> usage(server, user), u -> u.reservedBytes() == inFlightSize, Duration.ofSeconds(20));

    cassandra.stop();
    try {
      heldBody.release();
      HttpResponse<byte[]> failed = inFlight.get(ANSWER_WITHIN.toSeconds(), TimeUnit.SECONDS);
      assertError(503, "HISTORY_UNAVAILABLE", failed);
      awaitObjects(user, Set.of(beforeKey));

      long t0 = System.nanoTime();
      HttpResponse<byte[]> refused = h2.upload(token, "image/png", MediaSamples.withHead(MediaSamples.PNG_HEAD,
          8 * KIB, 5));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertError(503, "HISTORY_UNAVAILABLE", refused);
      assertTrue(took.compareTo(ANSWER_WITHIN) < 0, "503 took " + took);
      assertEquals("2", refused.headers().firstValue("Retry-After").orElse(null), "a 503 says when to retry");
      HttpResponse<byte[]> refusedChunked = h1.uploadStreaming(token, "image/png",
          MediaSamples.trickle(MediaSamples.withHead(MediaSamples.PNG_HEAD, 8 * KIB, 6), KIB));
      assertError(503, "HISTORY_UNAVAILABLE", refusedChunked);
      assertError(503, "HISTORY_UNAVAILABLE", h2.get("/v1/media/" + beforeId, token));
      assertError(503, "HISTORY_UNAVAILABLE", h2.get("/v1/media?limit=10", token));

      HttpResponse<byte[]> health = h2.get("/healthz", null);
      assertEquals(200, health.statusCode(), "liveness while Cassandra is down");
      assertEquals(Set.of(beforeKey), Leftovers.objects(user), "no object left by the refused uploads");
      assertEquals(Set.of(), Leftovers.multipartUploads(user));
    } finally {
      heldBody.release();
      cassandra.start();
    }

    // the driver finds the node again within its reconnection delay
    byte[] after = MediaSamples.withHead(MediaSamples.PNG_HEAD, 4 * KIB, 7);
    HttpResponse<byte[]> recovered = HistoryFlowsIT.poll(() -> h2.upload(token, "image/png", after),
        r -> r.statusCode() != 503, Duration.ofSeconds(60));
    String afterId = json(created(recovered)).getString("id");
    assertArrayEquals(before, h2.get("/v1/media/" + beforeId, token).body());
    assertArrayEquals(after, h2.get("/v1/media/" + afterId, token).body());
    assertEquals(Set.of(beforeKey, ObjectKeys.mediaKey(user, afterId)), Leftovers.objects(user));
    Usage usage = usage(server, user);
    assertEquals(8 * KIB, usage.usedBytes(), "only the two stored media count");
    assertEquals(2, usage.mediaCount());
    // the failed upload's reservation is given back once Cassandra answers again
    HistoryFlowsIT.poll(() -> usage(server, user).reservedBytes(), reserved -> reserved == 0, Duration.ofSeconds(60));
  }

  /**
   * Found by the fault suite: Cassandra frozen (SIGSTOP, so the recording batch is sent and no
   * answer comes) while an upload is recorded. The client gets 503 when the driver gives up; the
   * batch lands when Cassandra wakes; the upload must still end with no row, no object, no event
   * row and its quota unchanged (before the fix the object went at once and the late batch left an
   * ACTIVE row without it, charged to nobody's count).
   */
  @Test
  void anUploadRecordedWhileCassandraIsFrozenIsUndoneWhenItWakes() throws Exception {
    CassandraServer cassandra = stack.dev().cassandra();
    EdgeServer server = stack.server();
    EdgeClient h1 = EdgeClient.http11(stack);
    String user = freshUser("cassandra-frozen");
    String token = stack.token(user);
    byte[] before = MediaSamples.withHead(MediaSamples.PNG_HEAD, 4 * KIB, 8);
    String beforeId = json(created(h1.upload(token, "image/png", before))).getString("id");
    String beforeKey = ObjectKeys.mediaKey(user, beforeId);

    int size = 64 * KIB;
    HeldBackBody heldBody = new HeldBackBody(MediaSamples.withHead(MediaSamples.PNG_HEAD, size, 9), 16 * KIB);
    HttpRequest held = h1.request("/v1/media", token).header("Content-Type", "image/png")
        .POST(HttpRequest.BodyPublishers.fromPublisher(heldBody, size)).build();
    CompletableFuture<HttpResponse<byte[]>> inFlight = CompletableFuture.supplyAsync(() -> h1.send(held));
    HistoryFlowsIT.poll(() -> usage(server, user), u -> u.reservedBytes() > 0 || Leftovers.intents(user).size() == 1,
        Duration.ofSeconds(20));
    signal("STOP", cassandra.pid());
    HttpResponse<byte[]> failed;
    try {
      heldBody.release();
      // the driver gives up after history.requestTimeout (5 s); the batch waits in Cassandra's socket
      failed = inFlight.get(30, TimeUnit.SECONDS);
      assertError(503, "HISTORY_UNAVAILABLE", failed);
      Thread.sleep(1_000);
    } finally {
      heldBody.release();
      signal("CONT", cassandra.pid());
    }
    // awake: the late batch lands, the undo (a later write) wins, then the object and the intent go
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!(Leftovers.objects(user).equals(Set.of(beforeKey)) && mediaRows(user).equals(Set.of(beforeId))
        && Leftovers.intents(user).isEmpty())) {
      assertTrue(System.nanoTime() < deadline, "left behind: objects " + Leftovers.objects(user) + ", rows "
          + mediaRows(user) + ", intents " + Leftovers.intents(user));
      Thread.sleep(250);
    }
    Usage usage = usage(server, user);
    assertEquals(4 * KIB, usage.usedBytes(), "only the stored media counts");
    assertEquals(1, usage.mediaCount());
    assertEquals(200, h1.get("/v1/media/" + beforeId, token).statusCode());
  }

  /**
   * Found by the fault suite: a PATCH cut while Cassandra is frozen stores its tail in S3, then
   * its commit (the state naming that tail) times out; the commit may land when Cassandra wakes, or
   * never. Either the new tail or the old one is then named by no state. The client resumes from
   * wherever HEAD says and finishes; once the upload is finished no tail of it may be left (before
   * the fix one stayed for good).
   */
  @Test
  void aPatchCommitMeetingAFrozenCassandraLeavesNoTailOnceTheUploadEnds() throws Exception {
    CassandraServer cassandra = stack.dev().cassandra();
    EdgeServer server = stack.server();
    EdgeClient h1 = EdgeClient.http11(stack);
    String user = freshUser("tus-frozen");
    String token = stack.token(user);
    byte[] file = MediaSamples.mp4(2 * MIB);
    String location = TusUploads.create(h1, token, file.length, "video/mp4");
    String id = location.substring(location.lastIndexOf('/') + 1);
    int first = 300 * KIB;
    int cutAfter = 200 * KIB;
    assertEquals(204, TusUploads.patch(h1, location, token, 0, Arrays.copyOf(file, first)).statusCode());
    String cutTail = ObjectKeys.tailKey(user, id, first + cutAfter);
    try {
      try (RawHttp cut = RawHttp.plain(server.httpPort())) {
        cut.send("PATCH " + URI.create(location).getPath() + " HTTP/1.1\r\nHost: localhost\r\n"
            + "Authorization: Bearer " + token + "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: " + first + "\r\n"
            + "Content-Type: application/offset+octet-stream\r\nContent-Length: " + MIB + "\r\n\r\n");
        cut.send(file, first, cutAfter);
        // the lease is taken and the bytes are in the server's part buffer; then Cassandra stops
        Thread.sleep(1_000);
        signal("STOP", cassandra.pid());
      }
      // the cut PATCH stores its tail; its commit waits for the frozen Cassandra until the driver gives up
      HistoryFlowsIT.poll(() -> Leftovers.objects(user), keys -> keys.contains(cutTail), Duration.ofSeconds(20));
      Thread.sleep(7_000);
    } finally {
      signal("CONT", cassandra.pid());
    }
    long offset = -1;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (offset < 0) {
      HttpResponse<byte[]> head = TusUploads.head(h1, location, token);
      if (head.statusCode() == 200) {
        offset = Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
      } else {
        assertTrue(System.nanoTime() < deadline, "HEAD still answers " + head.statusCode());
        Thread.sleep(500);
      }
    }
    assertTrue(offset == first || offset == first + cutAfter, "resumes where a commit left it: " + offset);
    assertEquals(204, TusUploads.patch(h1, location, token, offset, Arrays.copyOfRange(file, (int) offset,
        file.length)).statusCode());
    assertArrayEquals(file, h1.get("/v1/media/" + id, token).body());
    HistoryFlowsIT.poll(() -> Leftovers.objects(user), keys -> keys.equals(Set.of(ObjectKeys.mediaKey(user, id))),
        Duration.ofSeconds(30));
    assertTrue(Leftovers.multipartUploads(user).isEmpty(), "open: " + Leftovers.multipartUploads(user));
    assertEquals(file.length, usage(server, user).usedBytes());
  }

  private static Set<String> mediaRows(String user) {
    var cassandra = stack.dev().cassandra();
    try (com.datastax.oss.driver.api.core.CqlSession cql = com.datastax.oss.driver.api.core.CqlSession.builder()
        .addContactPoint(new java.net.InetSocketAddress(cassandra.host(), cassandra.port()))
        .withLocalDatacenter(cassandra.localDatacenter()).build()) {
      Set<String> ids = new java.util.TreeSet<>();
      cql.execute("SELECT media_id FROM " + stack.server().config().history().keyspace()
          + ".media_by_owner WHERE owner = ?", user).forEach(row -> ids.add(row.getString(0)));
      return ids;
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor());
  }

  private static void awaitObjects(String user, Set<String> expected) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos();
    while (!Leftovers.objects(user).equals(expected)) {
      if (System.nanoTime() > deadline) {
        assertEquals(expected, Leftovers.objects(user), "objects of " + user);
      }
      Thread.sleep(100);
    }
  }
}
