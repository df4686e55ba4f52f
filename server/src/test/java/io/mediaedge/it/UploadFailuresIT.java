package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.datastax.oss.driver.api.core.CqlSession;
import io.mediaedge.EdgeServer;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.storage.ObjectKeys;
import io.mediaedge.http.ContentDigest;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Uploads that fail (refused from their headers, cut while streaming, abandoned by their client)
 * answer with the catalog's JSON error and leave no object and no multipart upload in the bucket.
 *
 * <p>Each test uploads as a user of its own, so "nothing left" means nothing under that user's key
 * prefix: other tests' objects in the shared bucket cannot hide or fake a leftover.
 */
class UploadFailuresIT {
  static final int KIB = 1 << 10;
  static final int MIB = 1 << 20;

  private static TestStack stack;
  private static EdgeClient h1;
  private static EdgeClient h2;
  /** image/png limited to 1 MiB, image/gif to 12 MiB (past the first 8 MiB part). */
  private static EdgeServer smallLimits;
  /** Known lengths over 1 MiB go as streamed multipart uploads. */
  private static EdgeServer smallThreshold;
  /** Bodies slower than 64 KiB per second are cut. */
  private static EdgeServer strictRate;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    h1 = EdgeClient.http11(stack);
    h2 = EdgeClient.http2(stack);
    smallLimits = stack.startServer(new JsonObject().put("upload", new JsonObject()
        .put("types", new JsonObject().put("image/png", "1MiB").put("image/gif", "12MiB"))));
    smallThreshold = stack.startServer(new JsonObject().put("storage", new JsonObject()
        .put("singlePutThreshold", "1MiB")));
    strictRate = stack.startServer(new JsonObject().put("server", new JsonObject()
        .put("minUploadRate", "64KiB").put("minUploadRateInterval", "1s")));
  }

  @AfterAll
  static void stop() throws Exception {
    for (EdgeServer extra : new EdgeServer[] {smallLimits, smallThreshold, strictRate}) {
      if (extra != null) {
        stack.stopServer(extra);
      }
    }
    Leftovers.close();
  }

  // ---- refused from the headers ----

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void declaredOversizeIsRefusedWith413InsteadOf100Continue(Transport transport) throws Exception {
    String user = freshUser();
    try (RawHttp conn = transport.open(stack.server())) {
      conn.send(head(user, "image/png", "Content-Length: " + 10L * 1024 * MIB, "Expect: 100-continue"));
      RawResponse first = conn.response(Duration.ofSeconds(5));
      assertEquals(413, first.status(), "the server must refuse, not invite the body with 100 Continue");
      assertEquals("MEDIA_TOO_LARGE", first.json().getString("error"));
      assertEquals("close", first.headers().get("connection"));
      // The server waits a bounded while for a body that may already be on its way, then closes.
      assertTrue(conn.closedWithin(Duration.ofSeconds(10)), "a refused body's connection is closed");
    }
    Leftovers.assertNone(user);
  }

  @Test
  void unknownMediaTypeIsRefusedWith415() throws InterruptedException {
    String user = freshUser();
    HttpResponse<byte[]> response = h2.upload(stack.token(user), "text/html", "<html></html>".getBytes(US_ASCII));
    assertError(415, "UNSUPPORTED_MEDIA_TYPE", response);
    Leftovers.assertNone(user);
  }

  @Test
  void missingContentTypeIsRefusedWith415() throws InterruptedException {
    String user = freshUser();
    HttpResponse<byte[]> response = h2.send(h2.request("/v1/media", stack.token(user))
        .POST(HttpRequest.BodyPublishers.ofByteArray(MediaSamples.jpeg(1000))).build());
    assertError(415, "UNSUPPORTED_MEDIA_TYPE", response);
    Leftovers.assertNone(user);
  }

  @Test
  void malformedContentDigestIsRefusedWith400() throws InterruptedException {
    String user = freshUser();
    for (String digest : new String[] {"sha-256=:not*base64:", "sha-256=:AAAA:", "sha-256", "sha-256=:"}) {
      HttpResponse<byte[]> response = h2.send(h2.request("/v1/media", stack.token(user))
          .header("Content-Type", "image/jpeg").header("Content-Digest", digest)
          .POST(HttpRequest.BodyPublishers.ofByteArray(MediaSamples.jpeg(1000))).build());
      assertError(400, "INVALID_HEADER", response);
    }
    Leftovers.assertNone(user);
  }

  /** Framing errors are the HTTP codec's to refuse (BAD_REQUEST); the rest are ours. */
  static List<Arguments> malformedHeaders() {
    return List.of(
        Arguments.of("two different Content-Length values", List.of("Content-Length: 10", "Content-Length: 20"),
            400, "BAD_REQUEST"),
        Arguments.of("non-numeric Content-Length", List.of("Content-Length: ten"), 400, "BAD_REQUEST"),
        Arguments.of("negative Content-Length", List.of("Content-Length: -10"), 400, "BAD_REQUEST"),
        Arguments.of("malformed Content-Digest", List.of("Content-Length: 10", "Content-Digest: sha-256=:%%%:"),
            400, "INVALID_HEADER"),
        Arguments.of("Expect other than 100-continue", List.of("Content-Length: 10", "Expect: something-else"),
            417, "EXPECTATION_FAILED"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedHeaders")
  void malformedHeadersAreRefusedAndTheServerStaysUp(String why, List<String> headers, int status, String code)
      throws IOException {
    String user = freshUser();
    try (RawHttp conn = RawHttp.plain(stack.server().httpPort())) {
      conn.send(head(user, "image/jpeg", headers.toArray(String[]::new)));
      conn.trySend(MediaSamples.jpeg(10), 0, 10);
      RawResponse response = conn.response(Duration.ofSeconds(5));
      assertEquals(status, response.status(), why);
      assertEquals(code, response.json().getString("error"), () -> why + ": " + response.text());
      assertTrue(conn.closedWithin(Duration.ofSeconds(5)), why + ": the connection is not reused");
    }
    assertEquals(200, h2.get("/healthz", null).statusCode());
    assertEquals(201, h1.upload(stack.token(user), "image/jpeg", MediaSamples.jpeg(2000)).statusCode(),
        "a well-formed upload still works");
  }

  /**
   * A request framed both ways could be read one way by a proxy and another by us (request
   * smuggling): refused, and its connection closed (RFC 9112 section 6.3). More variants in
   * {@link HostileInputIT}.
   */
  @Test
  void requestFramedBothWaysIsRefusedAndItsConnectionClosed() throws Exception {
    String user = freshUser();
    try (RawHttp conn = RawHttp.plain(stack.server().httpPort())) {
      byte[] jpeg = MediaSamples.jpeg(5000);
      conn.send(head(user, "image/jpeg", "Content-Length: 10", "Transfer-Encoding: chunked"));
      // The server refuses on the head and may close before the body is written: a failed write
      // is expected, its answer is what counts.
      byte[] body = chunked(jpeg);
      conn.trySend(body, 0, body.length);
      RawResponse response = conn.response(Duration.ofSeconds(5));
      assertEquals(400, response.status(), response::text);
      assertEquals("BAD_FRAMING", response.json().getString("error"));
      assertTrue(conn.closedWithin(Duration.ofSeconds(5)), "the connection was kept alive");
    }
    Leftovers.assertNone(user);
  }

  /** {@code bytes} as one chunk and the last-chunk. */
  static byte[] chunked(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((Integer.toHexString(bytes.length) + "\r\n").getBytes(US_ASCII));
    out.writeBytes(bytes);
    out.writeBytes("\r\n0\r\n\r\n".getBytes(US_ASCII));
    return out.toByteArray();
  }

  // ---- refused while streaming ----

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void contentNotMatchingItsTypeIsRefusedWith415(Transport transport) throws Exception {
    String user = freshUser();
    byte[] png = MediaSamples.withHead(MediaSamples.PNG_HEAD, 3 * MIB, 7);
    for (String framing : new String[] {"Content-Length: " + png.length, "Transfer-Encoding: chunked"}) {
      try (RawHttp conn = transport.open(stack.server())) {
        conn.send(head(user, "image/jpeg", framing));
        conn.sendAsync(png, 64 * KIB, framing.startsWith("Transfer"));
        RawResponse response = conn.response(Duration.ofSeconds(10));
        assertEquals(415, response.status(), response::text);
        assertEquals("MEDIA_TYPE_MISMATCH", response.json().getString("error"));
        assertEquals("close", response.headers().get("connection"));
        assertTrue(conn.closedWithin(Duration.ofSeconds(3)), "closed as soon as the refused body is in");
      }
    }
    Leftovers.assertNone(user);
  }

  /**
   * An HTTP/2 refusal sent before the body is in ends the request stream, so the client stops
   * sending and the connection's flow-control window is not left held by the unread body.
   * (The JDK 17 client ignores a reset after a complete response and keeps sending what its
   * stream window allows, so the bodies here stay well under that window.)
   */
  @Test
  @Timeout(30) // without the stream reset the client waits for the server's 60 s idle timeout
  void earlyRefusalsOnHttp2LeaveTheConnectionUsable() throws InterruptedException {
    String user = freshUser();
    String token = stack.token(user);
    // A connection of its own: earlier refusals on a shared one would be counted against it.
    EdgeClient client = new EdgeClient(stack.https(), stack.dev().tls().caCert(), HttpClient.Version.HTTP_2);
    byte[] png = MediaSamples.withHead(MediaSamples.PNG_HEAD, 256 * KIB, 7);
    long started = System.nanoTime();
    assertError(415, "MEDIA_TYPE_MISMATCH", client.upload(token, "image/jpeg", png));
    assertError(415, "MEDIA_TYPE_MISMATCH", client.uploadStreaming(token, "image/jpeg",
        MediaSamples.trickle(png, 16 * KIB)));
    assertError(415, "UNSUPPORTED_MEDIA_TYPE", client.upload(token, "text/html", png));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "the client was kept waiting " + took);
    byte[] jpeg = MediaSamples.jpeg(4 * MIB);
    HttpResponse<byte[]> created = client.upload(token, "image/jpeg", jpeg);
    assertEquals(201, created.statusCode(), "the same connection still carries a large upload");
    assertEquals(Set.of(), Leftovers.multipartUploads(user));
    assertEquals(1, Leftovers.objects(user).size());
    // The two refused uploads' intents go after their cleanup, the stored one's with its record.
    Leftovers.awaitNoIntents(user);
  }

  @Test
  @Timeout(30)
  void streamPassingTheLimitOnHttp2IsCutWith413() throws InterruptedException {
    String user = freshUser();
    EdgeClient limited = new EdgeClient(TestStack.https(smallLimits), stack.dev().tls().caCert(),
        HttpClient.Version.HTTP_2);
    byte[] png = MediaSamples.withHead(MediaSamples.PNG_HEAD, MIB + 256 * KIB, 17);
    assertError(413, "MEDIA_TOO_LARGE", limited.uploadStreaming(stack.token(user), "image/png",
        MediaSamples.trickle(png, 16 * KIB)));
    Leftovers.assertNone(user);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void chunkedBodyPassingTheLimitIsCutWith413(Transport transport) throws Exception {
    String user = freshUser();
    // More than the bounded drain of a refused body plus the socket buffers on both sides.
    byte[] png = MediaSamples.withHead(MediaSamples.PNG_HEAD, 48 * MIB, 11);
    try (RawHttp conn = transport.open(smallLimits)) {
      conn.send(head(user, "image/png", "Transfer-Encoding: chunked"));
      CompletableFuture<Long> sent = conn.sendAsync(png, 64 * KIB, true);
      RawResponse response = conn.response(Duration.ofSeconds(10));
      assertEquals(413, response.status(), response::text);
      assertEquals("MEDIA_TOO_LARGE", response.json().getString("error"));
      assertTrue(conn.closedWithin(Duration.ofSeconds(10)), "the connection is closed");
      assertTrue(sent.get(10, TimeUnit.SECONDS) < png.length, "the server did not read the whole body");
    }
    Leftovers.assertNone(user);
  }

  @Test
  void chunkedBodyPassingTheLimitAfterAPartIsStoredAbortsTheMultipartUpload() throws Exception {
    String user = freshUser();
    byte[] gif = MediaSamples.withHead("GIF89a".getBytes(US_ASCII), 20 * MIB, 13);
    try (RawHttp conn = RawHttp.plain(smallLimits.httpPort())) {
      conn.send(head(user, "image/gif", "Transfer-Encoding: chunked"));
      conn.sendAsync(gif, 64 * KIB, true);
      RawResponse response = conn.response(Duration.ofSeconds(30));
      assertEquals(413, response.status(), response::text);
      assertEquals("MEDIA_TOO_LARGE", response.json().getString("error"));
    }
    Leftovers.assertNone(user);
  }

  /** The three ways into the store, each with a body size and a server that take it. */
  enum StorePath {
    SINGLE_PUT(3 * MIB, false),
    STREAMED_PARTS(12 * MIB, false),
    BUFFERED_PARTS(12 * MIB, true);

    final int size;
    final boolean chunked;

    StorePath(int size, boolean chunked) {
      this.size = size;
      this.chunked = chunked;
    }

    EdgeServer server() {
      return this == STREAMED_PARTS ? smallThreshold : stack.server();
    }

    HttpResponse<byte[]> upload(String token, byte[] body, byte[] claimedSha256) {
      EdgeClient client = new EdgeClient(TestStack.https(server()), stack.dev().tls().caCert(),
          HttpClient.Version.HTTP_1_1);
      HttpRequest.BodyPublisher publisher = chunked
          ? HttpRequest.BodyPublishers.ofInputStream(() -> MediaSamples.trickle(body, 64 * KIB))
          : HttpRequest.BodyPublishers.ofByteArray(body);
      return client.send(client.request("/v1/media", token).header("Content-Type", "video/mp4")
          .header("Content-Digest", ContentDigest.format(claimedSha256)).POST(publisher).build());
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(StorePath.class)
  void bodyNotMatchingItsDigestIsRefusedAndNothingIsStored(StorePath path) throws InterruptedException {
    String user = freshUser();
    byte[] body = MediaSamples.mp4(path.size);
    byte[] tampered = body.clone();
    tampered[tampered.length - 1] ^= 1;
    assertError(400, "DIGEST_MISMATCH", path.upload(stack.token(user), body, sha256(tampered)));
    Leftovers.assertNone(user);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(StorePath.class)
  void bodyMatchingItsDigestIsStored(StorePath path) {
    String user = freshUser();
    byte[] body = MediaSamples.mp4(path.size);
    HttpResponse<byte[]> created = path.upload(stack.token(user), body, sha256(body));
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    assertEquals(MediaSamples.sha256(body), json(created).getString("sha256"));
    Set<String> stored = Leftovers.objects(user);
    assertEquals(1, stored.size(), "exactly the uploaded object is listed: " + stored);
    String etag = stack.s3().headObject(r -> r.bucket(DevStack.BUCKET).key(stored.iterator().next())).join().eTag();
    assertEquals(path != StorePath.SINGLE_PUT, etag.contains("-"), "ETag " + etag + " shows how it was stored");
    assertTrue(Leftovers.multipartUploads(user).isEmpty());
  }

  // ---- abandoned or starved by the client ----

  static List<Arguments> disconnects() {
    List<Arguments> cases = new ArrayList<>();
    for (Transport transport : Transport.values()) {
      cases.add(Arguments.of(transport, StorePath.SINGLE_PUT));
      cases.add(Arguments.of(transport, StorePath.STREAMED_PARTS));
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("disconnects")
  void clientDisconnectingHalfwayLeavesNothing(Transport transport, StorePath path) throws Exception {
    String user = freshUser();
    int size = path == StorePath.SINGLE_PUT ? 3 * MIB : 20 * MIB;
    byte[] body = MediaSamples.mp4(size);
    EdgeServer server = path.server();
    try (RawHttp conn = transport.open(server)) {
      conn.send(head(user, "video/mp4", "Content-Length: " + size));
      conn.send(body, 0, size / 2);
      if (path == StorePath.STREAMED_PARTS) {
        Leftovers.awaitMultipartStarted(user);
      } else {
        Thread.sleep(300); // let the single put reach S3 with what was sent
      }
      assertTrue(server.streaming().budget().inUse() > 0, "the upload is still in progress");
      conn.abort();
    }
    Leftovers.awaitNone(user, server);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void chunkedClientDisconnectingHalfwayLeavesNothing(Transport transport) throws Exception {
    String user = freshUser();
    byte[] body = MediaSamples.jpeg(24 * MIB);
    try (RawHttp conn = transport.open(stack.server())) {
      conn.send(head(user, "image/jpeg", "Transfer-Encoding: chunked"));
      for (int offset = 0; offset < 12 * MIB; offset += 64 * KIB) {
        conn.sendChunk(body, offset, 64 * KIB);
      }
      Leftovers.awaitMultipartStarted(user);
      conn.abort();
    }
    Leftovers.awaitNone(user, stack.server());
  }

  @Test
  void clientTricklingBelowTheMinimumRateIsCutWith408() throws Exception {
    String user = freshUser();
    byte[] body = MediaSamples.jpeg(MIB);
    try (RawHttp conn = RawHttp.plain(strictRate.httpPort())) {
      conn.send(head(user, "image/jpeg", "Content-Length: " + body.length));
      long started = System.nanoTime();
      Thread trickler = new Thread(() -> {
        for (int offset = 0; offset < body.length && conn.trySend(body, offset, KIB); offset += KIB) {
          try {
            Thread.sleep(1000);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "trickling-client");
      trickler.setDaemon(true);
      trickler.start();
      try {
        RawResponse response = conn.response(Duration.ofSeconds(10));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(408, response.status(), response::text);
        assertEquals("REQUEST_TIMEOUT", response.json().getString("error"));
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "cut after " + took);
        assertEquals("close", response.headers().get("connection"));
        // The trickle goes on, so the server's bounded wait for the rest of the body runs out first.
        assertTrue(conn.closedWithin(Duration.ofSeconds(10)), "the connection is closed");
      } finally {
        trickler.interrupt();
      }
    }
    Leftovers.awaitNone(user, strictRate);
  }

  // ---- helpers ----

  static String freshUser() {
    return "failures-" + UUID.randomUUID();
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void assertError(int status, String code, HttpResponse<byte[]> response) {
    assertEquals(status, response.statusCode(), () -> new String(response.body()));
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
    assertEquals(code, json(response).getString("error"));
  }

  /** The request head of {@code POST /v1/media} as {@code user}, with extra header lines. */
  static String head(String user, String contentType, String... headers) {
    StringBuilder head = new StringBuilder("POST /v1/media HTTP/1.1\r\nHost: localhost\r\n")
        .append("Authorization: Bearer ").append(TestStack.get().token(user)).append("\r\n")
        .append("Content-Type: ").append(contentType).append("\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    return head.append("\r\n").toString();
  }

  /**
   * What an upload attempt left under its user: objects and multipart uploads in the bucket, and
   * upload intents in Cassandra (an intent left behind waits a day for the orphan reconciler).
   */
  static final class Leftovers {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    /** A failed upload's intent goes once its cleanup is confirmed, which is after the answer. */
    private static final Duration INTENT_PATIENCE = Duration.ofSeconds(5);
    private static CqlSession cql;

    private Leftovers() {}

    static String prefix(String user) {
      return ObjectKeys.mediaKey(user, "");
    }

    static Set<String> objects(String user) {
      Set<String> keys = new HashSet<>();
      String token = null;
      do {
        String continuation = token;
        ListObjectsV2Response page = TestStack.get().s3().listObjectsV2(r -> r.bucket(DevStack.BUCKET)
            .prefix(prefix(user)).continuationToken(continuation)).join();
        page.contents().stream().map(S3Object::key).forEach(keys::add);
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
      return keys;
    }

    static Set<String> multipartUploads(String user) {
      Set<String> keys = new HashSet<>();
      for (MultipartUpload upload : TestStack.get().multipartUploads()) {
        if (upload.key().startsWith(prefix(user))) {
          keys.add(upload.key() + " (" + upload.uploadId() + ")");
        }
      }
      return keys;
    }

    /** The media ids of the user's upload intents (a filtering query: the test table is small). */
    static synchronized Set<String> intents(String user) {
      TestStack stack = TestStack.get();
      if (cql == null) {
        var cassandra = stack.dev().cassandra();
        cql = CqlSession.builder().addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
            .withLocalDatacenter(cassandra.localDatacenter()).build();
      }
      String keyspace = stack.server().config().history().keyspace();
      Set<String> ids = new HashSet<>();
      cql.execute("SELECT media_id FROM " + keyspace + ".upload_intents WHERE owner = ? ALLOW FILTERING", user)
          .forEach(row -> ids.add(row.getString("media_id")));
      return ids;
    }

    static synchronized void close() {
      if (cql != null) {
        cql.close();
        cql = null;
      }
    }

    /** Waits until the user has no upload intent left. */
    static void awaitNoIntents(String user) throws InterruptedException {
      long deadline = System.nanoTime() + INTENT_PATIENCE.toNanos();
      while (!intents(user).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(Set.of(), intents(user), "upload intents left behind");
    }

    /**
     * Nothing under the user's prefix right now (failed uploads clean up before they answer), and
     * soon no upload intent either.
     */
    static void assertNone(String user) throws InterruptedException {
      assertEquals(Set.of(), objects(user), "objects left behind");
      assertEquals(Set.of(), multipartUploads(user), "multipart uploads left behind");
      awaitNoIntents(user);
    }

    /** Waits until {@code server} has finished every upload and nothing is left under the user. */
    static void awaitNone(String user, EdgeServer server) throws InterruptedException {
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (System.nanoTime() < deadline) {
        if (server.streaming().budget().inUse() == 0 && objects(user).isEmpty() && multipartUploads(user).isEmpty()
            && intents(user).isEmpty()) {
          return;
        }
        Thread.sleep(100);
      }
      assertEquals(0, server.streaming().budget().inUse(), "the abandoned upload still holds memory");
      assertNone(user);
    }

    /** Waits until the user's upload has a multipart upload open, so a cut-off has one to abort. */
    static void awaitMultipartStarted(String user) throws InterruptedException {
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (multipartUploads(user).isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "no multipart upload was started");
        Thread.sleep(50);
      }
    }
  }
}
