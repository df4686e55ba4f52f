package io.mediaedge.it;

import static io.mediaedge.it.UploadFailuresIT.KIB;
import static io.mediaedge.it.UploadFailuresIT.MIB;
import static io.mediaedge.it.UploadFailuresIT.assertError;
import static io.mediaedge.it.UploadFailuresIT.freshUser;
import static io.mediaedge.it.UploadFailuresIT.head;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.mediaedge.devstack.S3Server;
import io.mediaedge.it.UploadFailuresIT.Leftovers;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * S3 going away: an upload in flight is answered with a storage error in bounded time, the server
 * stays up while S3 is down, and uploads work again once S3 is back. S3 is shared with every other
 * test class, so each test brings it back up whatever happens.
 */
class StorageOutageIT {
  /** Time allowed from S3 dying to the client's answer. */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);
  private static final Set<String> STORAGE_ERRORS = Set.of("STORAGE_UNAVAILABLE", "STORAGE_TIMEOUT");

  private static TestStack stack;
  private static S3Server s3;
  private static EdgeClient h2;
  /** Known lengths over 1 MiB go as streamed multipart uploads. */
  private static EdgeServer smallThreshold;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    s3 = stack.dev().s3();
    h2 = EdgeClient.http2(stack);
    smallThreshold = stack.startServer(new JsonObject().put("storage", new JsonObject()
        .put("singlePutThreshold", "1MiB")));
  }

  @AfterEach
  void s3IsBackForTheNextTest() {
    s3.start();
  }

  @AfterAll
  static void stop() throws Exception {
    s3.start();
    if (smallThreshold != null) {
      stack.stopServer(smallThreshold);
    }
  }

  @Test
  void storageStoppingUnderAStreamedPutAnswers503AndUploadsWorkAfterRecovery() throws Exception {
    cutStorageMidUpload(stack.server(), "Content-Length: " + 30 * MIB);
  }

  @Test
  void storageStoppingUnderAMultipartUploadAnswers503AndUploadsWorkAfterRecovery() throws Exception {
    cutStorageMidUpload(smallThreshold, "Content-Length: " + 30 * MIB);
  }

  @Test
  void storageStoppingUnderAChunkedUploadAnswers503AndUploadsWorkAfterRecovery() throws Exception {
    cutStorageMidUpload(stack.server(), "Transfer-Encoding: chunked");
  }

  /**
   * Sends 5 MiB of a 30 MiB body, stops S3 while the client holds back, then lets the client go
   * on: the answer must be a storage error, in bounded time, leaving nothing behind.
   */
  private void cutStorageMidUpload(EdgeServer server, String framing) throws Exception {
    String user = freshUser();
    byte[] body = MediaSamples.mp4(30 * MIB);
    boolean chunked = framing.startsWith("Transfer-Encoding");
    try (RawHttp conn = RawHttp.plain(server.httpPort())) {
      conn.send(head(user, "video/mp4", framing));
      for (int offset = 0; offset < 5 * MIB; offset += 64 * KIB) {
        if (chunked) {
          conn.sendChunk(body, offset, 64 * KIB);
        } else {
          conn.send(body, offset, 64 * KIB);
        }
      }
      Thread.sleep(300); // let what was sent reach S3
      assertTrue(server.streaming().budget().inUse() > 0, "the upload is in progress when S3 stops");
      s3.stop();
      long stopped = System.nanoTime();
      byte[] rest = Arrays.copyOfRange(body, 5 * MIB, body.length);
      conn.sendAsync(rest, 64 * KIB, chunked);
      RawResponse response = conn.response(ANSWER_WITHIN);
      Duration took = Duration.ofNanos(System.nanoTime() - stopped);
      assertTrue(response.status() == 503 || response.status() == 504, response::text);
      assertTrue(STORAGE_ERRORS.contains(response.json().getString("error")), response::text);
      assertTrue(took.compareTo(ANSWER_WITHIN) < 0, "answered " + took + " after S3 stopped");

      assertEquals(200, h2.get("/healthz", null).statusCode(), "the server stays up while S3 is down");
    } finally {
      s3.start();
    }
    Leftovers.awaitNone(user, server);
    uploadSucceeds(server);
  }

  @Test
  void storageDownBeforeTheUploadAnswers503Quickly() throws Exception {
    String user = freshUser();
    String token = stack.token(user);
    EdgeClient h1 = EdgeClient.http11(stack);
    s3.stop();
    try {
      long started = System.nanoTime();
      assertError(503, "STORAGE_UNAVAILABLE", h2.upload(token, "image/jpeg", MediaSamples.jpeg(100 * KIB)));
      assertError(503, "STORAGE_UNAVAILABLE", h1.uploadStreaming(token, "image/jpeg",
          MediaSamples.trickle(MediaSamples.jpeg(100 * KIB), 16 * KIB)));
      try (RawHttp conn = RawHttp.plain(smallThreshold.httpPort())) {
        // Over HTTP/1.1 by hand: the refusal comes before this multipart-sized body is sent.
        byte[] body = MediaSamples.mp4(3 * MIB);
        conn.send(head(user, "video/mp4", "Content-Length: " + body.length));
        conn.sendAsync(body, 64 * KIB, false);
        RawResponse response = conn.response(Duration.ofSeconds(10));
        assertEquals(503, response.status(), response::text);
        assertEquals("STORAGE_UNAVAILABLE", response.json().getString("error"));
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "three refusals took " + took);
      assertEquals(200, h2.get("/healthz", null).statusCode());
    } finally {
      s3.start();
    }
    Leftovers.assertNone(user);
    uploadSucceeds(stack.server());
    uploadSucceeds(smallThreshold);
  }

  private static void uploadSucceeds(EdgeServer server) {
    String user = freshUser();
    EdgeClient client = new EdgeClient(TestStack.https(server), stack.dev().tls().caCert(), HttpClient.Version.HTTP_2);
    byte[] body = MediaSamples.mp4(3 * MIB);
    HttpResponse<byte[]> created = client.upload(stack.token(user), "video/mp4", body);
    assertEquals(201, created.statusCode(), () -> "after S3 came back: " + new String(created.body()));
    assertEquals(MediaSamples.sha256(body), EdgeClient.json(created).getString("sha256"));
    assertEquals(1, Leftovers.objects(user).size());
  }
}
