package io.mediaedge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.HistoryStore.UploadIntent;
import io.mediaedge.it.UploadFailuresIT.Leftovers;
import io.mediaedge.storage.ObjectKeys;
import io.mediaedge.media.MediaId;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;

/** Uploads that reached S3 but were never recorded are found through their intents and removed. */
class OrphanReconcilerIT {
  private static TestStack stack;
  private static EdgeServer server;
  private static HistoryStore history;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    // Grace zero: every intent not removed by a recording counts as orphaned at once.
    server = stack.startServer(new JsonObject().put("events", new JsonObject().put("orphanGrace", "0s")));
    history = server.history().history();
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServer(server);
  }

  @Test
  void objectOfAnUploadThatCrashedBeforeRecordingIsRemoved() throws Exception {
    String owner = "orphan-" + UUID.randomUUID();
    String id = MediaId.next();
    String key = ObjectKeys.mediaKey(owner, id);
    await(history.recordIntent(history.intentFor(owner, id, key)));
    stack.s3().putObject(r -> r.bucket(DevStack.BUCKET).key(key), AsyncRequestBody.fromString("bytes")).join();
    String otherKey = ObjectKeys.mediaKey(owner, MediaId.next());
    String partialId = MediaId.next();
    String partialKey = ObjectKeys.mediaKey(owner, partialId);
    await(history.recordIntent(history.intentFor(owner, partialId, partialKey)));
    stack.s3().createMultipartUpload(r -> r.bucket(DevStack.BUCKET).key(partialKey)).join();
    stack.s3().putObject(r -> r.bucket(DevStack.BUCKET).key(otherKey), AsyncRequestBody.fromString("kept")).join();

    assertTrue(await(server.reconciler().runRound()) >= 2);

    List<String> keys = stack.objects().stream().map(o -> o.key()).toList();
    assertFalse(keys.contains(key), "orphaned object removed");
    assertTrue(keys.contains(otherKey), "an object without an intent is not touched");
    assertTrue(stack.multipartUploads().stream().noneMatch(u -> u.key().equals(partialKey)),
        "orphaned multipart upload aborted");
    assertTrue(intents(owner).isEmpty(), "intents removed");
  }

  @Test
  void recordedUploadLeavesNoIntentAndKeepsItsObject() throws Exception {
    String owner = "recorded-" + UUID.randomUUID();
    EdgeClient client = new EdgeClient(TestStack.https(server), stack.dev().tls().caCert(),
        java.net.http.HttpClient.Version.HTTP_1_1);
    HttpResponse<byte[]> created = client.upload(stack.token(owner), "image/jpeg", MediaSamples.jpeg(3000));
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    assertTrue(intents(owner).isEmpty(), "the recording batch removed the intent");

    await(server.reconciler().runRound());
    String path = created.headers().firstValue("Location").orElseThrow();
    assertEquals(200, client.get(path, stack.token(owner)).statusCode());
  }

  /** Its cleanup confirmed (nothing reached S3), a failed upload removes its own intent. */
  @Test
  void refusedUploadRemovesItsIntentWithoutTheReconciler() throws Exception {
    String owner = "refused-" + UUID.randomUUID();
    EdgeClient client = new EdgeClient(TestStack.https(server), stack.dev().tls().caCert(),
        java.net.http.HttpClient.Version.HTTP_1_1);
    HttpResponse<byte[]> refused = client.upload(stack.token(owner), "image/png", MediaSamples.jpeg(3000));
    assertEquals(415, refused.statusCode());

    // The intent goes right after the answer; no reconciler round runs here.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!intents(owner).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(intents(owner).isEmpty(), "the failed upload's intent is still there");
    assertTrue(stack.objects().stream().noneMatch(o -> o.key().startsWith(ObjectKeys.mediaKey(owner, ""))));
  }

  /**
   * Found by the fault suite: an upload kept waiting longer than the orphan grace (there, S3 frozen
   * 20 s against a 10 s grace) had its bytes taken by the reconciler while it ran, then answered
   * 201 for media whose download was 404. A running upload renews its intent, so this one, held
   * twice the grace in the middle of its multipart upload, ends 201 with all its bytes.
   */
  @Test
  void anUploadHeldLongerThanTheGraceKeepsItsBytes() throws Exception {
    EdgeServer shortGrace = stack.startServer(new JsonObject()
        .put("events", new JsonObject().put("orphanGrace", "3s").put("orphanCheckInterval", "200ms"))
        .put("storage", new JsonObject().put("singlePutThreshold", "1MiB").put("partSize", "5MiB")));
    try {
      String owner = "held-" + UUID.randomUUID();
      EdgeClient client = new EdgeClient(TestStack.https(shortGrace), stack.dev().tls().caCert(),
          java.net.http.HttpClient.Version.HTTP_1_1);
      byte[] bytes = MediaSamples.withHead(MediaSamples.PNG_HEAD, 12 << 20, 7);
      HeldBackBody held = new HeldBackBody(bytes, 6 << 20);
      CompletableFuture<HttpResponse<byte[]>> answer = CompletableFuture
          .supplyAsync(() -> client.send(client.request("/v1/media", stack.token(owner))
              .header("Content-Type", "image/png")
              .POST(HttpRequest.BodyPublishers.fromPublisher(held, bytes.length)).build()));
      try {
        HistoryFlowsIT.poll(() -> Leftovers.multipartUploads(owner), open -> !open.isEmpty(),
            Duration.ofSeconds(20));
        Thread.sleep(6_000);
        assertFalse(Leftovers.multipartUploads(owner).isEmpty(),
            "the reconciler took the running upload's multipart upload");
      } finally {
        held.release();
      }
      HttpResponse<byte[]> created = answer.get(60, TimeUnit.SECONDS);
      assertEquals(201, created.statusCode(), () -> new String(created.body()));
      String path = created.headers().firstValue("Location").orElseThrow();
      assertArrayEquals(bytes, client.get(path, stack.token(owner)).body());
    } finally {
      stack.stopServer(shortGrace);
    }
  }

  private static List<UploadIntent> intents(String owner) throws Exception {
    List<UploadIntent> found = new ArrayList<>();
    for (int bucket = 0; bucket < history.buckets(); bucket++) {
      for (UploadIntent intent : await(history.staleIntents(bucket, Instant.now().plusSeconds(60), 10_000))) {
        if (intent.owner().equals(owner)) {
          found.add(intent);
        }
      }
    }
    return found;
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.await(30, TimeUnit.SECONDS);
  }
}
