package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static io.mediaedge.it.HistoryFlowsIT.client;
import static io.mediaedge.it.HistoryFlowsIT.freshUser;
import static io.mediaedge.it.UploadFailuresIT.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.mediaedge.EdgeServer;
import io.mediaedge.storage.ObjectKeys;
import io.mediaedge.media.MediaId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A media-edge with {@code history.enabled: false} over the shared S3: a pure authenticated
 * streaming edge. Uploads, downloads (ranges, conditional requests), HEAD and delete work on the
 * objects alone; listings, histories and tus answer 501; nothing is written to Cassandra. Its
 * Cassandra and Kafka addresses point where nothing listens, so any attempt to use them would fail
 * its start or its requests.
 */
class HistoryOffIT {
  private static final int MIB = 1 << 20;
  private static final String NOWHERE = "127.0.0.1:1";

  private static TestStack stack;
  private static EdgeServer off;
  private static EdgeClient h2;
  private static EdgeClient h1;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    off = stack.startServer(new JsonObject()
        .put("history", new JsonObject().put("enabled", false).put("contactPoints", new JsonArray().add(NOWHERE)))
        .put("events", new JsonObject().put("bootstrapServers", new JsonArray().add(NOWHERE)))
        .put("resumable", new JsonObject().put("corsAllowedOrigins", new JsonArray().add("*"))));
    h2 = client(off, HttpClient.Version.HTTP_2);
    h1 = client(off, HttpClient.Version.HTTP_1_1);
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServer(off);
  }

  @Test
  void uploadAnswersTheUsualMediaJsonAndTheBytesComeBackIdentical() {
    String user = freshUser("history-off");
    byte[] body = MediaSamples.jpeg(300 * 1024);
    HttpResponse<byte[]> created = h2.upload(stack.token(user), "image/jpeg", body);
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    JsonObject media = json(created);
    assertEquals(java.util.Set.of("id", "size", "contentType", "sha256", "createdAt", "location"), media.fieldNames());
    assertEquals(body.length, media.getLong("size"));
    assertEquals("image/jpeg", media.getString("contentType"));
    assertEquals(MediaSamples.sha256(body), media.getString("sha256"));
    String path = "/v1/media/" + media.getString("id");
    assertEquals(path, created.headers().firstValue("Location").orElseThrow());
    assertEquals(path, media.getString("location"));

    HttpResponse<byte[]> back = h2.get(path, stack.token(user));
    assertEquals(200, back.statusCode());
    assertArrayEquals(body, back.body());
    assertEquals(media.getString("sha256"), MediaSamples.sha256(back.body()));
    assertEquals("image/jpeg", back.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(String.valueOf(body.length), back.headers().firstValue("Content-Length").orElseThrow());
    assertEquals("private", back.headers().firstValue("Cache-Control").orElseThrow());
    assertEquals("bytes", back.headers().firstValue("Accept-Ranges").orElseThrow());
    assertTrue(back.headers().firstValue("ETag").orElseThrow().matches("\"[^\"]+\""));
    assertTrue(back.headers().firstValue("Last-Modified").isPresent());
  }

  @Test
  void aChunkedUploadGoesInPartsAndComesBackIdentical() {
    String user = freshUser("history-off-chunked");
    byte[] body = MediaSamples.mp4(9 * MIB + 5);
    HttpResponse<byte[]> created = h1.uploadStreaming(stack.token(user), "video/mp4",
        MediaSamples.trickle(body, 64 * 1024));
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    assertEquals(MediaSamples.sha256(body), json(created).getString("sha256"));
    HttpResponse<byte[]> back = h1.get(MediaRoundTripIT.location(created), stack.token(user));
    assertEquals(200, back.statusCode());
    assertArrayEquals(body, back.body());
  }

  @Test
  void uploadsAreCheckedAsWithHistoryOn() {
    String token = stack.token(freshUser("history-off-refused"));
    assertError(415, "UNSUPPORTED_MEDIA_TYPE", h1.upload(token, "application/pdf", MediaSamples.jpeg(1000)));
    assertError(415, "MEDIA_TYPE_MISMATCH", h1.upload(token, "video/mp4", MediaSamples.jpeg(1000)));
    assertError(400, "DIGEST_MISMATCH", h1.send(h1.request("/v1/media", token).header("Content-Type", "image/jpeg")
        .header("Content-Digest", "sha-256=:" + "A".repeat(43) + "=:")
        .POST(HttpRequest.BodyPublishers.ofByteArray(MediaSamples.jpeg(1000))).build()));
    assertError(401, "UNAUTHORIZED", h1.upload(null, "image/jpeg", MediaSamples.jpeg(1000)));
  }

  @Test
  void rangesAndConditionalRequestsWorkOnTheObject() {
    String user = freshUser("history-off-ranges");
    byte[] body = MediaSamples.jpeg(1000);
    String path = MediaRoundTripIT.location(h2.upload(stack.token(user), "image/jpeg", body));
    String token = stack.token(user);

    HttpResponse<byte[]> middle = h2.get(path, token, "Range", "bytes=100-199");
    assertEquals(206, middle.statusCode());
    assertEquals("bytes 100-199/1000", middle.headers().firstValue("Content-Range").orElseThrow());
    assertArrayEquals(Arrays.copyOfRange(body, 100, 200), middle.body());
    assertArrayEquals(Arrays.copyOfRange(body, 990, 1000), h2.get(path, token, "Range", "bytes=-10").body());
    HttpResponse<byte[]> beyond = h2.get(path, token, "Range", "bytes=1000-1005");
    assertError(416, "RANGE_NOT_SATISFIABLE", beyond);
    assertEquals("bytes */1000", beyond.headers().firstValue("Content-Range").orElseThrow());

    HttpResponse<byte[]> whole = h2.get(path, token);
    String etag = whole.headers().firstValue("ETag").orElseThrow();
    String lastModified = whole.headers().firstValue("Last-Modified").orElseThrow();
    assertEquals(304, h2.get(path, token, "If-None-Match", etag).statusCode());
    assertEquals(200, h2.get(path, token, "If-None-Match", "\"other\"").statusCode());
    assertEquals(304, h2.get(path, token, "If-Modified-Since", lastModified).statusCode());
    assertEquals(206, h2.get(path, token, "Range", "bytes=0-9", "If-Range", etag).statusCode());
    assertEquals(200, h2.get(path, token, "Range", "bytes=0-9", "If-Range", "\"other\"").statusCode());
  }

  @Test
  void headDescribesTheObjectWithoutItsBody() {
    String user = freshUser("history-off-head");
    String path = MediaRoundTripIT.location(h2.upload(stack.token(user), "image/jpeg", MediaSamples.jpeg(4321)));
    HttpResponse<byte[]> head = h1.send(h1.request(path, stack.token(user))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(200, head.statusCode());
    assertEquals("4321", head.headers().firstValue("Content-Length").orElseThrow());
    assertEquals("image/jpeg", head.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(head.headers().firstValue("ETag").isPresent());
    assertEquals(0, head.body().length);
  }

  @Test
  void anotherUsersIdIsNotFoundAndCannotBeDeleted() {
    String owner = freshUser("history-off-owner");
    String path = MediaRoundTripIT.location(h2.upload(stack.token(owner), "image/jpeg", MediaSamples.jpeg(2000)));
    String intruder = stack.token(freshUser("history-off-intruder"));
    assertError(404, "NOT_FOUND", h2.get(path, intruder));
    assertError(404, "NOT_FOUND", h2.delete(path, intruder));
    assertEquals(200, h2.get(path, stack.token(owner)).statusCode());
    assertError(404, "NOT_FOUND", h2.get("/v1/media/not-an-id", stack.token(owner)));
    assertError(404, "NOT_FOUND", h2.get("/v1/media/" + MediaId.next(), stack.token(owner)));
  }

  @Test
  void deleteRemovesTheObjectAtOnceThenNotFound() {
    String user = freshUser("history-off-delete");
    HttpResponse<byte[]> created = h2.upload(stack.token(user), "image/jpeg", MediaSamples.jpeg(2000));
    String path = MediaRoundTripIT.location(created);
    String key = ObjectKeys.mediaKey(user, json(created).getString("id"));
    assertTrue(stack.objects().stream().anyMatch(o -> o.key().equals(key)));

    assertEquals(204, h2.delete(path, stack.token(user)).statusCode());
    assertFalse(stack.objects().stream().anyMatch(o -> o.key().equals(key)), "no sweeper: the object is gone now");
    assertError(404, "NOT_FOUND", h2.get(path, stack.token(user)));
    assertError(404, "NOT_FOUND", h2.delete(path, stack.token(user)));
  }

  @Test
  void listingHistoryAndResumableUploadsAnswer501() {
    String token = stack.token(freshUser("history-off-501"));
    assertError(501, "HISTORY_DISABLED", h2.get("/v1/media", token));
    assertError(501, "HISTORY_DISABLED", h2.get("/v1/media?limit=5", token));
    assertError(501, "HISTORY_DISABLED", h2.get("/v1/media/01a2092a-016f-7a0a-a062-a9ade173c4bd/history", token));
    assertError(501, "HISTORY_DISABLED", h1.send(h1.request("/v1/uploads", token).header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "1000").header("Upload-Metadata", "filetype aW1hZ2UvanBlZw==")
        .POST(HttpRequest.BodyPublishers.noBody()).build()));
    assertError(501, "HISTORY_DISABLED", h1.send(h1.request("/v1/uploads/some-upload", token)
        .header("Tus-Resumable", "1.0.0").header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(MediaSamples.jpeg(1000))).build()));
    assertError(501, "HISTORY_DISABLED", h1.send(h1.request("/v1/uploads/some-upload", token)
        .header("Tus-Resumable", "1.0.0").DELETE().build()));
    assertEquals(501, h1.send(h1.request("/v1/uploads/some-upload", token).header("Tus-Resumable", "1.0.0")
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode());
  }

  @Test
  void aBrowsersTusPreflightPassesButOffersNoTus() {
    HttpResponse<byte[]> preflight = h1.send(h1.request("/v1/uploads", null).header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "POST")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(204, preflight.statusCode());
    assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    assertTrue(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow().contains("POST"));
    assertFalse(preflight.headers().firstValue("Tus-Version").isPresent());
    assertFalse(preflight.headers().firstValue("Tus-Extension").isPresent());

    // The POST after it carries CORS too, so the browser's script can read the 501.
    HttpResponse<byte[]> post = h1.send(h1.request("/v1/uploads", stack.token()).header("Origin", "https://app.example")
        .header("Tus-Resumable", "1.0.0").header("Upload-Length", "10").POST(HttpRequest.BodyPublishers.noBody())
        .build());
    assertError(501, "HISTORY_DISABLED", post);
    assertEquals("*", post.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
  }

  @Test
  void nothingIsWrittenToCassandra() {
    String user = freshUser("history-off-no-rows");
    HttpResponse<byte[]> created = h2.upload(stack.token(user), "image/jpeg", MediaSamples.jpeg(5000));
    String id = json(HistoryFlowsIT.created(created)).getString("id");
    assertEquals(200, h2.get("/v1/media/" + id, stack.token(user)).statusCode());

    var cassandra = stack.dev().cassandra();
    String keyspace = stack.server().config().history().keyspace();
    try (CqlSession cql = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
        .withLocalDatacenter(cassandra.localDatacenter()).build()) {
      assertEquals(0, cql.execute("SELECT media_id FROM " + keyspace + ".media_by_owner WHERE owner = ?", user)
          .all().size(), "no media row");
      assertEquals(0, cql.execute("SELECT event_id FROM " + keyspace + ".events_by_media WHERE owner = ?"
          + " AND media_id = ?", user, id).all().size(), "no UPLOAD or DOWNLOAD event");
      assertEquals(0, cql.execute("SELECT owner FROM " + keyspace + ".usage_by_owner WHERE owner = ?", user)
          .all().size(), "no quota charged");
    }
    assertThrows(IllegalStateException.class, off::history, "the server holds no Cassandra session");
  }

  @Test
  void readinessNeedsNeitherCassandraNorKafka() {
    HttpResponse<byte[]> ready = h2.get("/readyz", null);
    assertEquals(200, ready.statusCode());
    assertEquals("ready", json(ready).getString("status"));
    assertEquals("off", json(ready).getString("history"));
    assertEquals("on", json(EdgeClient.http2(stack).get("/readyz", null)).getString("history"));
    assertEquals(200, h2.get("/healthz", null).statusCode());
  }
}
