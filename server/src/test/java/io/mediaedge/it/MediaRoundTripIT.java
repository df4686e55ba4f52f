package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Upload, download, ranges, conditional requests and delete against the real S3 server. */
class MediaRoundTripIT {
  private static final int MIB = 1 << 20;
  private static TestStack stack;
  private static EdgeClient h2;
  private static EdgeClient h1;

  @BeforeAll
  static void start() {
    stack = TestStack.get();
    h2 = EdgeClient.http2(stack);
    h1 = EdgeClient.http11(stack);
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {25, 5 * MIB - 1, 5 * MIB + 1, 64 * MIB})
  void uploadedBytesComeBackIdentical(int size) {
    byte[] body = MediaSamples.mp4(size);
    HttpResponse<byte[]> created = h2.upload(stack.token(), "video/mp4", body);
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    JsonObject media = json(created);
    assertEquals(size, media.getLong("size"));
    assertEquals("video/mp4", media.getString("contentType"));
    assertEquals(MediaSamples.sha256(body), media.getString("sha256"));
    assertEquals("/v1/media/" + media.getString("id"), created.headers().firstValue("Location").orElseThrow());

    HttpResponse<byte[]> back = h2.get("/v1/media/" + media.getString("id"), stack.token());
    assertEquals(200, back.statusCode());
    assertEquals("video/mp4", back.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("private", back.headers().firstValue("Cache-Control").orElseThrow());
    assertArrayEquals(body, back.body());
  }

  @ParameterizedTest(name = "{0} bytes chunked")
  @ValueSource(ints = {1000, 8 * MIB, 8 * MIB + 17, 20 * MIB})
  void chunkedUploadOfUnknownLengthRoundTrips(int size) {
    byte[] body = MediaSamples.jpeg(size);
    HttpResponse<byte[]> created = h1.uploadStreaming(stack.token(), "image/jpeg",
        MediaSamples.trickle(body, 16 * 1024));
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    JsonObject media = json(created);
    assertEquals(size, media.getLong("size"));
    assertEquals(MediaSamples.sha256(body), media.getString("sha256"));
    assertArrayEquals(body, h1.get("/v1/media/" + media.getString("id"), stack.token()).body());
  }

  @Test
  void http2UploadWithoutContentLengthRoundTrips() {
    byte[] body = MediaSamples.mp4(9 * MIB + 5);
    HttpResponse<byte[]> created = h2.uploadStreaming(stack.token(), "video/mp4", MediaSamples.trickle(body, 32 * 1024));
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    assertEquals(MediaSamples.sha256(body), json(created).getString("sha256"));
    assertArrayEquals(body, h2.get(location(created), stack.token()).body());
  }

  @Test
  void emptyBodyIsRefused() {
    HttpResponse<byte[]> response = h1.upload(stack.token(), "image/jpeg", new byte[0]);
    assertEquals(400, response.statusCode());
    assertEquals("EMPTY_BODY", json(response).getString("error"));
    HttpResponse<byte[]> chunked = h1.uploadStreaming(stack.token(), "image/jpeg", new ByteArrayInputStream(new byte[0]));
    assertEquals(400, chunked.statusCode());
    assertEquals("EMPTY_BODY", json(chunked).getString("error"));
  }

  @Test
  void rangesAreServed() {
    byte[] body = MediaSamples.jpeg(1000);
    String path = location(h2.upload(stack.token(), "image/jpeg", body));

    HttpResponse<byte[]> middle = h2.get(path, stack.token(), "Range", "bytes=100-199");
    assertEquals(206, middle.statusCode());
    assertEquals("bytes 100-199/1000", middle.headers().firstValue("Content-Range").orElseThrow());
    assertArrayEquals(Arrays.copyOfRange(body, 100, 200), middle.body());

    HttpResponse<byte[]> suffix = h2.get(path, stack.token(), "Range", "bytes=-10");
    assertEquals(206, suffix.statusCode());
    assertArrayEquals(Arrays.copyOfRange(body, 990, 1000), suffix.body());

    HttpResponse<byte[]> open = h2.get(path, stack.token(), "Range", "bytes=995-");
    assertArrayEquals(Arrays.copyOfRange(body, 995, 1000), open.body());

    HttpResponse<byte[]> beyond = h2.get(path, stack.token(), "Range", "bytes=1000-1005");
    assertEquals(416, beyond.statusCode());
    assertEquals("bytes */1000", beyond.headers().firstValue("Content-Range").orElseThrow());
    assertEquals("RANGE_NOT_SATISFIABLE", json(beyond).getString("error"));

    HttpResponse<byte[]> malformed = h2.get(path, stack.token(), "Range", "bytes=9-1");
    assertEquals(400, malformed.statusCode());
    assertEquals("INVALID_RANGE", json(malformed).getString("error"));

    HttpResponse<byte[]> several = h2.get(path, stack.token(), "Range", "bytes=0-1,5-6");
    assertEquals(200, several.statusCode());
    assertArrayEquals(body, several.body());
  }

  @Test
  void conditionalGetAnswersNotModified() {
    String path = location(h2.upload(stack.token(), "image/jpeg", MediaSamples.jpeg(5000)));
    HttpResponse<byte[]> first = h2.get(path, stack.token());
    String etag = first.headers().firstValue("ETag").orElseThrow();
    String lastModified = first.headers().firstValue("Last-Modified").orElseThrow();
    assertEquals("bytes", first.headers().firstValue("Accept-Ranges").orElseThrow());

    HttpResponse<byte[]> sameTag = h2.get(path, stack.token(), "If-None-Match", etag);
    assertEquals(304, sameTag.statusCode());
    assertEquals(0, sameTag.body().length);
    assertEquals(200, h2.get(path, stack.token(), "If-None-Match", "\"other\"").statusCode());
    assertEquals(304, h2.get(path, stack.token(), "If-Modified-Since", lastModified).statusCode());

    HttpResponse<byte[]> staleIfRange = h2.get(path, stack.token(), "Range", "bytes=0-9", "If-Range", "\"other\"");
    assertEquals(200, staleIfRange.statusCode());
    HttpResponse<byte[]> freshIfRange = h2.get(path, stack.token(), "Range", "bytes=0-9", "If-Range", etag);
    assertEquals(206, freshIfRange.statusCode());
  }

  @Test
  void headDescribesWithoutBody() {
    String path = location(h2.upload(stack.token(), "image/jpeg", MediaSamples.jpeg(4321)));
    HttpResponse<byte[]> head = h1.send(h1.request(path, stack.token())
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(200, head.statusCode());
    assertEquals("4321", head.headers().firstValue("Content-Length").orElseThrow());
    assertEquals("image/jpeg", head.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(0, head.body().length);
  }

  @Test
  void deleteRemovesMediaAndSecondDeleteIsNotFound() {
    String path = location(h2.upload(stack.token(), "image/jpeg", MediaSamples.jpeg(2000)));
    assertEquals(204, h2.delete(path, stack.token()).statusCode());
    HttpResponse<byte[]> gone = h2.get(path, stack.token());
    assertEquals(404, gone.statusCode());
    assertEquals("NOT_FOUND", json(gone).getString("error"));
    assertEquals(404, h2.delete(path, stack.token()).statusCode());
  }

  @Test
  void otherUsersSeeNotFoundAndCannotDelete() {
    String path = location(h2.upload(stack.token(), "image/jpeg", MediaSamples.jpeg(2000)));
    String intruder = stack.token(TestStack.OTHER_USER);
    assertEquals(404, h2.get(path, intruder).statusCode());
    assertEquals(404, h2.delete(path, intruder).statusCode());
    assertEquals(200, h2.get(path, stack.token()).statusCode());
  }

  @Test
  void malformedIdsAreNotFound() {
    for (String id : new String[] {"nope", "..%2F..%2Fetc", "01a2092a-016f-4a0a-a062-a9ade173c4bd", "x".repeat(300)}) {
      HttpResponse<byte[]> response = h2.get("/v1/media/" + id, stack.token());
      assertEquals(404, response.statusCode(), id);
      assertEquals("NOT_FOUND", json(response).getString("error"));
    }
  }

  @Test
  void healthAndReadinessAnswer() {
    HttpResponse<byte[]> live = h2.get("/healthz", null);
    assertEquals(200, live.statusCode());
    assertEquals("ok", json(live).getString("status"));
    assertEquals(200, h2.get("/readyz", null).statusCode());
    assertTrue(json(h2.get("/readyz", null)).containsKey("region"));
  }

  static String location(HttpResponse<byte[]> created) {
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    return created.headers().firstValue("Location").orElseThrow();
  }
}
