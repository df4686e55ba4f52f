package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static io.mediaedge.it.HistoryFlowsIT.client;
import static io.mediaedge.it.HistoryFlowsIT.freshUser;
import static io.mediaedge.it.UploadFailuresIT.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.it.UploadFailuresIT.Leftovers;
import io.mediaedge.storage.ObjectKeys;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;

/**
 * The tus 1.0.0 protocol against the real server, S3 and Cassandra: every status code the
 * protocol names, parts and tails across PATCHes, checksums, deferred length, termination,
 * expiry, concurrent PATCHes and the protocol's edge cases. The real tus client with cut
 * connections is in {@link TusClientIT}.
 */
class TusProtocolIT {
  static final int MIB = 1 << 20;
  static final String VIDEO = "video/mp4";

  private static TestStack stack;
  /** 5 MiB parts, so a few MiB exercise parts and tails. */
  private static EdgeServer server;
  private static EdgeClient client;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    server = stack.startServer(new JsonObject().put("resumable", new JsonObject().put("partSize", "5MiB")
        .put("corsAllowedOrigins", List.of("https://app.example.com"))));
    client = client(server, HttpClient.Version.HTTP_1_1);
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServer(server);
  }

  @Test
  void optionsDescribesTheServerWithoutAToken() {
    HttpResponse<byte[]> options = client.send(client.request("/v1/uploads/", null)
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example.com").build());
    assertEquals(204, options.statusCode());
    assertEquals("1.0.0", header(options, "Tus-Resumable"));
    assertEquals("1.0.0", header(options, "Tus-Version"));
    assertEquals(Set.of("creation", "creation-with-upload", "creation-defer-length", "termination", "expiration",
        "checksum"), Set.of(header(options, "Tus-Extension").split(",")));
    assertEquals(String.valueOf(4L << 30), header(options, "Tus-Max-Size"));
    assertEquals(Set.of("md5", "sha1", "sha256"), Set.of(header(options, "Tus-Checksum-Algorithm").split(",")));
    assertEquals("https://app.example.com", header(options, "Access-Control-Allow-Origin"));
    assertTrue(header(options, "Access-Control-Expose-Headers").contains("Upload-Offset"));
    assertTrue(header(options, "Access-Control-Expose-Headers").contains("Location"));

    // A browser's preflight (it names the method it wants) is answered by the CORS handler.
    HttpResponse<byte[]> preflight = client.send(client.request("/v1/uploads/", null)
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example.com")
        .header("Access-Control-Request-Method", "PATCH").header("Access-Control-Request-Headers", "upload-checksum")
        .build());
    assertEquals(204, preflight.statusCode());
    assertEquals("https://app.example.com", header(preflight, "Access-Control-Allow-Origin"));
    assertTrue(header(preflight, "Access-Control-Allow-Headers").contains("Upload-Checksum"));
    assertTrue(header(preflight, "Access-Control-Allow-Methods").contains("PATCH"));
    assertEquals("86400", header(preflight, "Access-Control-Max-Age"));

    // Another origin gets no CORS headers, and a JSON 403 its script cannot read anyway.
    for (String method : new String[] {"OPTIONS", "POST"}) {
      HttpResponse<byte[]> stranger = client.send(client.request("/v1/uploads/", null)
          .method(method, HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example.com")
          .header("Tus-Resumable", "1.0.0").build());
      assertError(403, "ORIGIN_NOT_ALLOWED", stranger);
      assertFalse(stranger.headers().firstValue("Access-Control-Allow-Origin").isPresent());
    }
  }

  @Test
  void anUploadInSeveralPatchesBecomesMediaWithTheRightHash() throws Exception {
    String user = freshUser("tus");
    String token = stack.token(user);
    byte[] file = MediaSamples.mp4(12 * MIB + 12345);
    String location = create(token, file.length, metadata("filename", "clip.mp4", "filetype", VIDEO));
    HttpResponse<byte[]> head = head(location, token);
    assertEquals(200, head.statusCode());
    assertEquals("0", header(head, "Upload-Offset"));
    assertEquals(String.valueOf(file.length), header(head, "Upload-Length"));
    assertEquals(metadata("filename", "clip.mp4", "filetype", VIDEO), header(head, "Upload-Metadata"));
    assertEquals("no-store", header(head, "Cache-Control"));

    // 3 MiB pieces: each PATCH ends inside a part, so tails are written and picked up again.
    long offset = 0;
    while (offset < file.length) {
      int size = (int) Math.min(3 * MIB, file.length - offset);
      HttpResponse<byte[]> patched = patch(location, token, offset, Arrays.copyOfRange(file, (int) offset,
          (int) offset + size));
      assertEquals(204, patched.statusCode(), () -> new String(patched.body()));
      offset += size;
      assertEquals(String.valueOf(offset), header(patched, "Upload-Offset"));
      assertEquals(String.valueOf(offset), header(head(location, token), "Upload-Offset"));
    }
    String id = location.substring(location.lastIndexOf('/') + 1);
    HttpResponse<byte[]> download = client.get("/v1/media/" + id, token);
    assertEquals(200, download.statusCode());
    assertArrayEquals(file, download.body());
    JsonObject listed = json(client.get("/v1/media?limit=5", token)).getJsonArray("items").getJsonObject(0);
    assertEquals(id, listed.getString("id"));
    assertEquals(MediaSamples.sha256(file), listed.getString("sha256"), "the hash spans every PATCH");
    assertEquals(Set.of(ObjectKeys.mediaKey(user, id)), Leftovers.objects(user), "no tail objects are left");
    assertTrue(Leftovers.multipartUploads(user).isEmpty());
    assertEquals(200, head(location, token).statusCode(), "a finished upload still answers HEAD");
    assertEquals(String.valueOf(file.length), header(head(location, token), "Upload-Offset"));
  }

  @Test
  void wrongOffsetIs409AndTheOffsetStays() {
    String token = stack.token(freshUser("tus"));
    byte[] file = MediaSamples.mp4(64 * 1024);
    String location = create(token, file.length, metadata("filetype", VIDEO));
    assertEquals(204, patch(location, token, 0, Arrays.copyOf(file, 1000)).statusCode());
    assertError(409, "OFFSET_MISMATCH", patch(location, token, 0, Arrays.copyOf(file, 1000)));
    assertError(409, "OFFSET_MISMATCH", patch(location, token, 2000, Arrays.copyOfRange(file, 2000, 3000)));
    assertEquals("1000", header(head(location, token), "Upload-Offset"));
  }

  @Test
  void checksumMismatchIs460AndDiscardsTheChunk() throws Exception {
    String token = stack.token(freshUser("tus"));
    byte[] file = MediaSamples.mp4(6 * MIB);
    String location = create(token, file.length, metadata("filetype", VIDEO));
    byte[] first = Arrays.copyOf(file, 5 * MIB + 10);
    HttpResponse<byte[]> wrong = send(patchRequest(location, token, 0, first)
        .header("Upload-Checksum", "sha1 " + base64(digest("SHA-1", Arrays.copyOf(file, 10)))).build());
    assertError(460, "CHECKSUM_MISMATCH", wrong);
    assertEquals("0", header(head(location, token), "Upload-Offset"), "nothing of the chunk is kept");
    HttpResponse<byte[]> right = send(patchRequest(location, token, 0, first)
        .header("Upload-Checksum", "sha256 " + base64(digest("SHA-256", first))).build());
    assertEquals(204, right.statusCode(), () -> new String(right.body()));
    HttpResponse<byte[]> rest = send(patchRequest(location, token, first.length,
        Arrays.copyOfRange(file, first.length, file.length))
        .header("Upload-Checksum", "md5 " + base64(digest("MD5", Arrays.copyOfRange(file, first.length,
            file.length)))).build());
    assertEquals(204, rest.statusCode(), () -> new String(rest.body()));
    assertEquals(String.valueOf(file.length), header(rest, "Upload-Offset"));
    assertError(400, "UNSUPPORTED_CHECKSUM", send(patchRequest(location, token, file.length, new byte[0])
        .header("Upload-Checksum", "crc32 AAAAAA==").build()));
  }

  @Test
  void theProtocolsRefusals() {
    String token = stack.token(freshUser("tus"));
    String location = create(token, 1000, metadata("filetype", VIDEO));
    byte[] body = MediaSamples.mp4(1000);
    assertEquals(412, send(client.request(location, token)
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode());
    assertEquals("1.0.0", header(send(client.request(location, token)
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "0.2.2").build()), "Tus-Version"));
    assertError(415, "UNSUPPORTED_MEDIA_TYPE", send(client.request(location, token)
        .header("Tus-Resumable", "1.0.0").header("Upload-Offset", "0").header("Content-Type", "video/mp4")
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body)).build()));
    for (String offset : new String[] {"-1", "abc", "1e3", " ", "99999999999999999999"}) {
      assertError(400, "INVALID_HEADER", send(client.request(location, token).header("Tus-Resumable", "1.0.0")
          .header("Upload-Offset", offset).header("Content-Type", TusHandlerHeaders.OFFSET_STREAM)
          .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body)).build()));
    }
    assertEquals(404, head(location, stack.token(freshUser("stranger"))).statusCode());
    assertError(404, "NOT_FOUND", patch(location, stack.token(freshUser("stranger")), 0, body));
    assertEquals(404, head("/v1/uploads/not-an-id", token).statusCode());
    assertEquals(401, head(location, null).statusCode());

    assertError(400, "EMPTY_BODY", createResponse(token, "0", metadata("filetype", VIDEO)));
    assertError(400, "INVALID_HEADER", createResponse(token, "-5", metadata("filetype", VIDEO)));
    assertError(400, "INVALID_HEADER", createResponse(token, "ten", metadata("filetype", VIDEO)));
    assertError(400, "INVALID_HEADER", createResponse(token, "100", "filetype !!!notbase64"));
    assertError(400, "INVALID_HEADER", createResponse(token, "100", "filetype " + base64(VIDEO.getBytes())
        + ",big " + base64(new byte[8 * 1024])));
    assertError(415, "UNSUPPORTED_MEDIA_TYPE", createResponse(token, "100", metadata("filename", "x.bin")));
    assertError(415, "UNSUPPORTED_MEDIA_TYPE", createResponse(token, "100", metadata("filetype", "text/html")));
    assertError(413, "MEDIA_TOO_LARGE", createResponse(token, String.valueOf(5L << 30), metadata("filetype", VIDEO)));
    assertError(415, "MEDIA_TYPE_MISMATCH", patch(location, token, 0, new byte[1000]));
    assertEquals("0", header(head(location, token), "Upload-Offset"));
  }

  @Test
  void deferredLengthIsDeclaredByALaterPatch() {
    String token = stack.token(freshUser("tus"));
    byte[] file = MediaSamples.mp4(300_000);
    HttpResponse<byte[]> created = send(client.request("/v1/uploads/", token).header("Tus-Resumable", "1.0.0")
        .header("Upload-Defer-Length", "1").header("Upload-Metadata", metadata("filetype", VIDEO))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    String location = header(created, "Location");
    assertEquals("1", header(head(location, token), "Upload-Defer-Length"));
    assertEquals(204, patch(location, token, 0, Arrays.copyOf(file, 100_000)).statusCode());
    HttpResponse<byte[]> last = send(patchRequest(location, token, 100_000, Arrays.copyOfRange(file, 100_000,
        file.length)).header("Upload-Length", String.valueOf(file.length)).build());
    assertEquals(204, last.statusCode(), () -> new String(last.body()));
    assertEquals(String.valueOf(file.length), header(last, "Upload-Length"));
    String id = location.substring(location.lastIndexOf('/') + 1);
    assertArrayEquals(file, client.get("/v1/media/" + id, token).body());
  }

  @Test
  void creationWithUploadCarriesTheFirstBytes() {
    String token = stack.token(freshUser("tus"));
    byte[] file = MediaSamples.mp4(200_000);
    HttpResponse<byte[]> created = send(client.request("/v1/uploads/", token).header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", String.valueOf(file.length)).header("Upload-Metadata", metadata("filetype", VIDEO))
        .header("Content-Type", TusHandlerHeaders.OFFSET_STREAM)
        .POST(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(file, 50_000))).build());
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    assertEquals("50000", header(created, "Upload-Offset"));
    String location = header(created, "Location");
    assertTrue(location.startsWith("/v1/uploads/"), location);
    assertTrue(header(created, "Upload-Expires").endsWith("GMT"));
    assertEquals(204, patch(location, token, 50_000, Arrays.copyOfRange(file, 50_000, file.length)).statusCode());
  }

  @Test
  void terminationAbortsTheMultipartUploadAndForgetsTheUpload() {
    String user = freshUser("tus");
    String token = stack.token(user);
    byte[] file = MediaSamples.mp4(7 * MIB);
    String location = create(token, file.length, metadata("filetype", VIDEO));
    assertTrue(Leftovers.multipartUploads(user).isEmpty(), "nothing is stored before the first PATCH");
    assertEquals(204, patch(location, token, 0, Arrays.copyOf(file, 6 * MIB)).statusCode());
    assertFalse(Leftovers.multipartUploads(user).isEmpty());
    assertFalse(Leftovers.objects(user).isEmpty(), "the tail past the first part is an object");
    plantUnrecordedLeftovers(user, location, 2);
    HttpResponse<byte[]> deleted = send(client.request(location, token).header("Tus-Resumable", "1.0.0")
        .DELETE().build());
    assertEquals(204, deleted.statusCode(), () -> new String(deleted.body()));
    assertEquals(404, head(location, token).statusCode());
    assertTrue(Leftovers.multipartUploads(user).isEmpty(), "multipart upload aborted");
    assertTrue(Leftovers.objects(user).isEmpty(), "tail removed");
  }

  /**
   * A PATCH killed before its first commit leaves an assembly the state does not name (and maybe
   * a tail): the next PATCH aborts it before beginning its own, and the finish removes every tail,
   * with the media whole. The dev S3 server drops an object, or the parts of the other multipart
   * uploads of its key, with an aborted one; so strays must go before anything else is written.
   */
  @Test
  void aPatchAfterOneThatNeverCommittedClearsItsLeftoversAndTheMediaIsWhole() throws Exception {
    String user = freshUser("tus");
    String token = stack.token(user);
    byte[] file = MediaSamples.mp4(6 * MIB + 100);
    String location = create(token, file.length, metadata("filetype", VIDEO));
    plantUnrecordedLeftovers(user, location, 1);
    assertEquals(204, patch(location, token, 0, Arrays.copyOf(file, 5 * MIB + 1)).statusCode());
    assertEquals(1, Leftovers.multipartUploads(user).size(), "only its own: " + Leftovers.multipartUploads(user));
    assertEquals(204, patch(location, token, 5 * MIB + 1, Arrays.copyOfRange(file, 5 * MIB + 1, file.length))
        .statusCode());
    String id = location.substring(location.lastIndexOf('/') + 1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Leftovers.multipartUploads(user).isEmpty()
        || !Leftovers.objects(user).equals(Set.of(ObjectKeys.mediaKey(user, id)))) {
      assertTrue(System.nanoTime() < deadline, "left: " + Leftovers.objects(user) + Leftovers.multipartUploads(user));
      Thread.sleep(200);
    }
    assertArrayEquals(file, client.get("/v1/media/" + id, token).body());
  }

  /**
   * What an instance leaves when it stores something for an upload and never records it (killed
   * between the write and the commit, or its commit timed out; both seen by the fault suite): a
   * second multipart upload of the upload's key and a tail no state names. The upload's end must
   * remove them with the rest.
   */
  private static void plantUnrecordedLeftovers(String user, String location, int expectedUploads) {
    String key = ObjectKeys.mediaKey(user, location.substring(location.lastIndexOf('/') + 1));
    stack.s3().createMultipartUpload(r -> r.bucket(DevStack.BUCKET).key(key)).join();
    stack.s3().putObject(r -> r.bucket(DevStack.BUCKET).key(key + ".tail-12345"),
        AsyncRequestBody.fromBytes(new byte[12345])).join();
    assertEquals(expectedUploads, Leftovers.multipartUploads(user).size(), "planted: "
        + Leftovers.multipartUploads(user));
  }

  @Test
  void methodOverrideLetsAPostClientPatchAndDelete() {
    String token = stack.token(freshUser("tus"));
    byte[] file = MediaSamples.mp4(10_000);
    String location = create(token, file.length, metadata("filetype", VIDEO));
    HttpResponse<byte[]> patched = send(client.request(location, token).header("Tus-Resumable", "1.0.0")
        .header("X-HTTP-Method-Override", "PATCH").header("Upload-Offset", "0")
        .header("Content-Type", TusHandlerHeaders.OFFSET_STREAM)
        .POST(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(file, 4000))).build());
    assertEquals(204, patched.statusCode(), () -> new String(patched.body()));
    assertEquals("4000", header(patched, "Upload-Offset"));
    HttpResponse<byte[]> deleted = send(client.request(location, token).header("Tus-Resumable", "1.0.0")
        .header("X-HTTP-Method-Override", "DELETE").POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(204, deleted.statusCode());
    assertEquals(404, head(location, token).statusCode());
  }

  @Test
  void twoConcurrentPatchesOneWinsTheOtherIsRefusedAndTheDataStaysRight() throws Exception {
    String token = stack.token(freshUser("tus"));
    byte[] file = MediaSamples.mp4(2 * MIB);
    String location = create(token, file.length, metadata("filetype", VIDEO));
    CountDownLatch release = new CountDownLatch(1);
    // The first PATCH sends half its body, then waits: it holds the lease meanwhile.
    InputStream held = new HeldStream(file, MIB, release);
    CompletableFuture<HttpResponse<byte[]>> first = CompletableFuture.supplyAsync(() -> send(
        client.request(location, token).header("Tus-Resumable", "1.0.0").header("Upload-Offset", "0")
            .header("Content-Type", TusHandlerHeaders.OFFSET_STREAM)
            .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> held), file.length)).build()));
    // Give the first PATCH time to take the lease; if the second still gets there first, it wins
    // and the first is refused instead: either way exactly one of them may write.
    Thread.sleep(500);
    HttpResponse<byte[]> second = patch(location, token, 0, file);
    release.countDown();
    HttpResponse<byte[]> firstAnswer = first.get(30, TimeUnit.SECONDS);
    List<Integer> statuses = List.of(firstAnswer.statusCode(), second.statusCode());
    assertTrue(statuses.contains(204), "one PATCH wins: " + statuses);
    HttpResponse<byte[]> loser = firstAnswer.statusCode() == 204 ? second : firstAnswer;
    assertTrue(loser.statusCode() == 423 || loser.statusCode() == 409, "the other is refused: " + statuses);
    assertEquals(423, second.statusCode(), "the usual order: the held PATCH has the lease");
    String id = location.substring(location.lastIndexOf('/') + 1);
    assertArrayEquals(file, client.get("/v1/media/" + id, token).body());
  }

  @Test
  void anExpiredUploadIsGoneAndItsPartsAreAborted() throws Exception {
    EdgeServer shortLived = stack.startServer(new JsonObject().put("resumable", new JsonObject()
        .put("partSize", "5MiB").put("expiry", "1s").put("expiryCheckInterval", "1h")));
    try {
      EdgeClient c = client(shortLived, HttpClient.Version.HTTP_1_1);
      String user = freshUser("tus");
      String token = stack.token(user);
      byte[] file = MediaSamples.mp4(6 * MIB);
      HttpResponse<byte[]> created = send(c, c.request("/v1/uploads/", token).header("Tus-Resumable", "1.0.0")
          .header("Upload-Length", String.valueOf(file.length)).header("Upload-Metadata", metadata("filetype", VIDEO))
          .POST(HttpRequest.BodyPublishers.noBody()).build());
      String location = header(created, "Location");
      assertEquals(204, send(c, patchRequest(c, location, token, 0, Arrays.copyOf(file, 5 * MIB + 1)).build())
          .statusCode());
      assertFalse(Leftovers.multipartUploads(user).isEmpty());
      plantUnrecordedLeftovers(user, location, 2);
      Thread.sleep(1500);
      assertEquals(410, send(c, c.request(location, token).header("Tus-Resumable", "1.0.0")
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Leftovers.multipartUploads(user).isEmpty() || !Leftovers.objects(user).isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "the expiry sweeper did not clean up");
        shortLived.resumableExpiry().runRound().await(30, TimeUnit.SECONDS);
      }
      assertEquals(404, send(c, c.request(location, token).header("Tus-Resumable", "1.0.0")
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode());
      assertEquals(0, stack.server().history().quotas().usage(user).await(10, TimeUnit.SECONDS).reservedBytes(),
          "the quota hold is released");
    } finally {
      stack.stopServer(shortLived);
    }
  }

  @Test
  void anUploadBegunOnOneInstanceIsFinishedOnAnother() {
    String token = stack.token(freshUser("tus"));
    byte[] file = MediaSamples.mp4(6 * MIB + 777);
    String location = create(token, file.length, metadata("filetype", VIDEO));
    assertEquals(204, patch(location, token, 0, Arrays.copyOf(file, 4 * MIB)).statusCode());
    // The shared instance has never seen this upload: its state and tail come from Cassandra and S3.
    EdgeClient other = EdgeClient.http11(stack);
    HttpResponse<byte[]> head = send(other, other.request(location, token).header("Tus-Resumable", "1.0.0")
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(String.valueOf(4 * MIB), header(head, "Upload-Offset"));
    HttpResponse<byte[]> rest = send(other, patchRequest(other, location, token, 4 * MIB,
        Arrays.copyOfRange(file, 4 * MIB, file.length)).build());
    assertEquals(204, rest.statusCode(), () -> new String(rest.body()));
    String id = location.substring(location.lastIndexOf('/') + 1);
    JsonObject media = json(client.get("/v1/media?limit=1", token)).getJsonArray("items").getJsonObject(0);
    assertEquals(id, media.getString("id"));
    assertEquals(MediaSamples.sha256(file), media.getString("sha256"));
  }

  @Test
  void anUploadBegunInAnotherRegionIsRedirectedThere() throws Exception {
    String home = "https://localhost:" + server.httpsPort();
    EdgeServer otherRegion = stack.startServer(new JsonObject()
        .put("server", new JsonObject().put("region", "ap"))
        .put("resumable", new JsonObject().put("regionUrls", new JsonObject().put("dev", home))));
    try {
      String token = stack.token(freshUser("tus"));
      String location = create(token, 100_000, metadata("filetype", VIDEO));
      EdgeClient away = client(otherRegion, HttpClient.Version.HTTP_1_1);
      HttpResponse<byte[]> redirected = send(away, patchRequest(away, location, token, 0, MediaSamples.mp4(1000))
          .build());
      assertEquals(307, redirected.statusCode(), () -> new String(redirected.body()));
      assertEquals(home + location, header(redirected, "Location"));
      assertEquals(307, send(away, away.request(location, token).header("Tus-Resumable", "1.0.0")
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode());
      assertEquals("0", header(head(location, token), "Upload-Offset"), "nothing was written away from home");
    } finally {
      stack.stopServer(otherRegion);
    }
  }

  // --- helpers ---

  /** Header names and values the tests send. */
  static final class TusHandlerHeaders {
    static final String OFFSET_STREAM = "application/offset+octet-stream";
  }

  static String metadata(String... pairs) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(pairs[i]).append(' ').append(base64(pairs[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return out.toString();
  }

  private static String create(String token, long length, String metadata) {
    HttpResponse<byte[]> created = createResponse(token, String.valueOf(length), metadata);
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    return header(created, "Location");
  }

  private static HttpResponse<byte[]> createResponse(String token, String length, String metadata) {
    return send(client.request("/v1/uploads/", token).header("Tus-Resumable", "1.0.0").header("Upload-Length", length)
        .header("Upload-Metadata", metadata).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  private static HttpResponse<byte[]> head(String location, String token) {
    return send(client.request(location, token).header("Tus-Resumable", "1.0.0")
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
  }

  private static HttpResponse<byte[]> patch(String location, String token, long offset, byte[] body) {
    return send(patchRequest(location, token, offset, body).build());
  }

  private static HttpRequest.Builder patchRequest(String location, String token, long offset, byte[] body) {
    return patchRequest(client, location, token, offset, body);
  }

  private static HttpRequest.Builder patchRequest(EdgeClient c, String location, String token, long offset,
      byte[] body) {
    return c.request(location, token).header("Tus-Resumable", "1.0.0").header("Upload-Offset", String.valueOf(offset))
        .header("Content-Type", TusHandlerHeaders.OFFSET_STREAM)
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private static HttpResponse<byte[]> send(HttpRequest request) {
    return send(client, request);
  }

  private static HttpResponse<byte[]> send(EdgeClient c, HttpRequest request) {
    return c.send(request);
  }

  static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  static byte[] digest(String algorithm, byte[] bytes) throws Exception {
    return MessageDigest.getInstance(algorithm).digest(bytes);
  }

  /** Gives {@code before} bytes, then blocks until released, then the rest. */
  private static final class HeldStream extends InputStream {
    private final byte[] bytes;
    private final int before;
    private final CountDownLatch release;
    private int position;

    HeldStream(byte[] bytes, int before, CountDownLatch release) {
      this.bytes = bytes;
      this.before = before;
      this.release = release;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (position >= bytes.length) {
        return -1;
      }
      if (position >= before) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
      int limit = position < before ? before : bytes.length;
      int n = Math.min(len, limit - position);
      System.arraycopy(bytes, position, b, off, n);
      position += n;
      return n;
    }
  }
}
