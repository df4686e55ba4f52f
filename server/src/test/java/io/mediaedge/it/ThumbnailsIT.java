package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static io.mediaedge.it.HistoryFlowsIT.client;
import static io.mediaedge.it.HistoryFlowsIT.created;
import static io.mediaedge.it.HistoryFlowsIT.freshUser;
import static io.mediaedge.it.UploadFailuresIT.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.testing.DevModeThumbnails;
import io.mediaedge.thumbnails.ThumbnailsApp;
import io.mediaedge.thumbnails.config.ThumbnailsConfig;
import io.mediaedge.devstack.SampleImages;
import io.mediaedge.devstack.SampleVideos;
import io.mediaedge.eventschema.ThumbnailResult;
import io.mediaedge.eventschema.ThumbnailResultJson;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Thumbnails end to end over the real stack: media-edge records an upload and publishes its event,
 * the thumbnails worker (its production composition root, in this JVM) consumes it, reads the
 * original from S3, writes the thumbnails next to it and records them in Cassandra, and
 * media-edge serves them. The media-edge here publishes to a topic of its own, so the worker
 * sees only this test's uploads.
 */
class ThumbnailsIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private static TestStack stack;
  private static EdgeServer edge;
  private static EdgeClient client;
  private static String topic;
  private static ThumbnailsApp worker;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    topic = "history.thumbs-it." + UUID.randomUUID().toString().substring(0, 8);
    edge = stack.startServer(new JsonObject().put("events", new JsonObject().put("topic", topic)
        .put("sweepInterval", "300ms")));
    client = client(edge, HttpClient.Version.HTTP_2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (worker != null) {
      worker.close();
    }
    stack.stopServers(edge);
  }

  /** A worker on this test's topic, in a group of its own, from the topic's start. */
  private static ThumbnailsApp startWorker(String group) throws Exception {
    EdgeConfig config = edge.config();
    Map<String, String> env = new HashMap<>(DevModeThumbnails.environment(stack.dev(), topic,
        config.history().keyspace()));
    env.put("MEDIA_EDGE_THUMBNAILS_KAFKA_GROUP_ID", group);
    env.put("MEDIA_EDGE_THUMBNAILS_KAFKA_START_AT", "earliest");
    env.put("MEDIA_EDGE_THUMBNAILS_KAFKA_RESULTS_TOPIC", topic + ".thumbnails");
    ThumbnailsApp app = ThumbnailsApp.start(ThumbnailsConfig.from(Map.of(), env, "ThumbnailsIT"));
    assertTrue(app.awaitAssignment(PATIENCE), "the worker got no partitions");
    return app;
  }

  private static String upload(String user, String type, byte[] body) {
    return json(created(client.upload(stack.token(user), type, body))).getString("id");
  }

  private static HttpResponse<byte[]> thumbnail(String user, String id, int size) {
    return client.get("/v1/media/" + id + "/thumbnails/" + size, stack.token(user));
  }

  /** The thumbnail once the worker has settled it: 200, or NO_THUMBNAIL. */
  private static HttpResponse<byte[]> settled(String user, String id, int size) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      HttpResponse<byte[]> answer = thumbnail(user, id, size);
      boolean pending = answer.statusCode() == 404 && "THUMBNAIL_PENDING".equals(json(answer).getString("error"));
      if (!pending) {
        return answer;
      }
      assertTrue(System.nanoTime() < deadline, "thumbnail " + size + " of " + id + " still pending");
      Thread.sleep(200);
    }
  }

  @Test
  void uploadsGetThumbnailsInTheBackgroundAndHostileOnesGetNoneWithTheirReason() throws Exception {
    String user = freshUser("thumbs");
    byte[] jpeg = SampleImages.encoded("jpg", 1600, 1200);
    byte[] png = SampleImages.encoded("png", 300, 900);
    byte[] bomb = SampleImages.pngClaiming(20_000, 20_000);
    byte[] garbage = MediaSamples.withHead(MediaSamples.JPEG_HEAD, 50_000, 21);
    String photo = upload(user, "image/jpeg", jpeg);
    String tall = upload(user, "image/png", png);
    String bombId = upload(user, "image/png", bomb);
    String garbageId = upload(user, "image/jpeg", garbage);
    byte[] mp4 = SampleVideos.mp4(1280, 720, 40);
    String video = upload(user, "video/mp4", mp4);
    String webm = upload(user, "video/webm", MediaSamples.withHead(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3},
        20_000, 23));
    String voice = upload(user, "audio/wav", MediaSamples.withHead("RIFF\0\0\0\0WAVEfmt ".getBytes(
        StandardCharsets.US_ASCII), 20_000, 22));

    // No worker yet: an image's thumbnail is pending, and says when to ask again.
    HttpResponse<byte[]> pending = thumbnail(user, photo, 200);
    assertError(404, "THUMBNAIL_PENDING", pending);
    assertEquals("5", pending.headers().firstValue("Retry-After").orElse(null));
    assertError(404, "THUMBNAIL_PENDING", thumbnail(user, video, 200));
    // media types thumbnails are not made of say so at once
    assertError(404, "NO_THUMBNAIL", thumbnail(user, voice, 200));

    worker = startWorker("thumbs-it-" + UUID.randomUUID());
    HttpResponse<byte[]> small = settled(user, photo, 200);
    assertEquals(200, small.statusCode(), () -> new String(small.body(), StandardCharsets.UTF_8));
    assertEquals("image/jpeg", small.headers().firstValue("Content-Type").orElse(null));
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(small.body()));
    assertEquals(List.of(200, 150), List.of(decoded.getWidth(), decoded.getHeight()));
    BufferedImage large = ImageIO.read(new ByteArrayInputStream(settled(user, photo, 800).body()));
    assertEquals(List.of(800, 600), List.of(large.getWidth(), large.getHeight()));
    BufferedImage portrait = ImageIO.read(new ByteArrayInputStream(settled(user, tall, 800).body()));
    assertEquals(List.of(267, 800), List.of(portrait.getWidth(), portrait.getHeight()));
    // a video's frame at one second, 16:9 as the video
    BufferedImage frame = ImageIO.read(new ByteArrayInputStream(settled(user, video, 200).body()));
    assertEquals(List.of(200, 113), List.of(frame.getWidth(), frame.getHeight()));
    HttpResponse<byte[]> noWebm = settled(user, webm, 200);
    assertError(404, "NO_THUMBNAIL", noWebm);
    assertTrue(json(noWebm).getString("message").contains("UNSUPPORTED_FORMAT"), json(noWebm).encode());
    // ranges and validators as for any download; the owner only
    String etag = small.headers().firstValue("ETag").orElseThrow();
    assertEquals(304, client.get("/v1/media/" + photo + "/thumbnails/200", stack.token(user),
        "If-None-Match", etag).statusCode());
    HttpResponse<byte[]> firstBytes = client.get("/v1/media/" + photo + "/thumbnails/200", stack.token(user),
        "Range", "bytes=0-9");
    assertEquals(206, firstBytes.statusCode());
    assertArrayEquals(java.util.Arrays.copyOf(small.body(), 10), firstBytes.body());
    assertError(404, "NOT_FOUND", thumbnail(freshUser("thumbs-other"), photo, 200));
    assertError(404, "NOT_FOUND", thumbnail(user, photo, 300));
    assertError(404, "NOT_FOUND", client.get("/v1/media/" + photo + "/thumbnails/x", stack.token(user)));

    HttpResponse<byte[]> refusedBomb = settled(user, bombId, 200);
    assertError(404, "NO_THUMBNAIL", refusedBomb);
    assertTrue(json(refusedBomb).getString("message").contains("TOO_MANY_PIXELS"), json(refusedBomb).encode());
    HttpResponse<byte[]> refusedGarbage = settled(user, garbageId, 800);
    assertError(404, "NO_THUMBNAIL", refusedGarbage);
    assertTrue(json(refusedGarbage).getString("message").contains("UNREADABLE"), json(refusedGarbage).encode());
    // A media's history shows its thumbnails as the worker settled them: made, or none and why.
    JsonObject photoHistory = json(client.get("/v1/media/" + photo + "/history", stack.token(user)));
    assertEquals(List.of(200, 800), photoHistory.getJsonArray("thumbnails").stream()
        .map(t -> ((JsonObject) t).getInteger("size")).toList(), photoHistory.encode());
    JsonObject madeLarge = photoHistory.getJsonArray("thumbnails").getJsonObject(1);
    assertEquals("READY", madeLarge.getString("status"));
    assertEquals(List.of(800, 600), List.of(madeLarge.getInteger("width"), madeLarge.getInteger("height")));
    assertEquals((long) settled(user, photo, 800).body().length, madeLarge.getLong("bytes"));
    Instant uploadedAt = Instant.parse(photoHistory.getJsonArray("events").getJsonObject(0).getString("occurredAt"));
    assertTrue(!Instant.parse(madeLarge.getString("settledAt")).isBefore(uploadedAt), photoHistory.encode());
    JsonObject bombHistory = json(client.get("/v1/media/" + bombId + "/history", stack.token(user)));
    assertEquals("NONE", bombHistory.getJsonArray("thumbnails").getJsonObject(0).getString("status"));
    assertEquals("TOO_MANY_PIXELS", bombHistory.getJsonArray("thumbnails").getJsonObject(0).getString("reason"));
    assertEquals(0, json(client.get("/v1/media/" + voice + "/history", stack.token(user)))
        .getJsonArray("thumbnails").size(), "audio never has thumbnails");
    // the originals themselves are untouched by all this
    assertArrayEquals(jpeg, client.get("/v1/media/" + photo, stack.token(user)).body());

    // a thumbnail's signed link reads the thumbnail, and only it
    HttpResponse<byte[]> made = client.send(client.request("/v1/media/" + photo + "/links", stack.token(user))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"thumbnail\": 200}")).build());
    assertEquals(201, made.statusCode(), () -> new String(made.body(), StandardCharsets.UTF_8));
    URI url = URI.create(json(made).getString("url"));
    assertTrue(url.getRawPath().endsWith("/thumbnails/200/content"), url.toString());
    String linkPath = url.getRawPath() + "?" + url.getRawQuery();
    assertArrayEquals(small.body(), client.get(linkPath, null).body());
    assertError(403, "LINK_INVALID", client.get("/v1/media/" + photo + "/content?" + url.getRawQuery(), null));
    assertError(403, "LINK_INVALID", client.get(linkPath.replace("/thumbnails/200/", "/thumbnails/800/"), null));

    // The listing carries the ready thumbnails of each item, with signed links when asked.
    HttpResponse<byte[]> listed = client.get("/v1/media?thumbnails=true&links=true", stack.token(user));
    assertEquals(200, listed.statusCode(), () -> new String(listed.body(), StandardCharsets.UTF_8));
    Map<String, JsonObject> items = new HashMap<>();
    json(listed).getJsonArray("items").forEach(item -> items.put(((JsonObject) item).getString("id"), (JsonObject) item));
    var photoThumbs = items.get(photo).getJsonArray("thumbnails");
    assertEquals(2, photoThumbs.size(), items.get(photo).encode());
    assertEquals(200, photoThumbs.getJsonObject(0).getInteger("size"));
    assertEquals(150, photoThumbs.getJsonObject(0).getInteger("height"));
    assertEquals("/v1/media/" + photo + "/thumbnails/800", photoThumbs.getJsonObject(1).getString("location"));
    URI listedLink = URI.create(photoThumbs.getJsonObject(0).getJsonObject("link").getString("url"));
    assertArrayEquals(small.body(), client.get(listedLink.getRawPath() + "?" + listedLink.getRawQuery(), null).body());
    assertEquals(0, items.get(bombId).getJsonArray("thumbnails").size(), "refused: no thumbnails listed");
    assertEquals(0, items.get(voice).getJsonArray("thumbnails").size());

    // Each settled media is told on the results topic, with its lag from upload.
    Map<String, ThumbnailResult> told = results(Set.of(photo, tall, video, bombId, garbageId, webm));
    assertEquals(ThumbnailResult.Outcome.MADE, told.get(photo).outcome());
    assertEquals(List.of(200, 800), told.get(photo).sizes());
    assertTrue(told.get(photo).lag().toMillis() > 0, told.get(photo).toString());
    assertEquals("TOO_MANY_PIXELS", told.get(bombId).reason());
    assertEquals("UNSUPPORTED_FORMAT", told.get(webm).reason());
    assertEquals(ThumbnailResult.Outcome.MADE, told.get(video).outcome());

    // A redelivered event (another group reading the same topic from its start) changes nothing.
    try (ThumbnailsApp again = startWorker("thumbs-it-again-" + UUID.randomUUID())) {
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (again.counts().getOrDefault("already_done", 0L) < 6) {
        assertTrue(System.nanoTime() < deadline, "redelivered events not all seen: " + again.counts());
        Thread.sleep(200);
      }
      assertEquals(0L, again.counts().getOrDefault("made", 0L), again.counts().toString());
    }
    assertTrue(worker.counts().getOrDefault("made", 0L) >= 2, worker.counts().toString());

    // A delete takes the thumbnails' objects with the original's.
    Set<String> before = thumbnailObjects(user);
    assertTrue(before.stream().anyMatch(key -> key.contains(photo)), before.toString());
    assertEquals(204, client.delete("/v1/media/" + photo, stack.token(user)).statusCode());
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (thumbnailObjects(user).stream().anyMatch(key -> key.contains(photo))) {
      assertTrue(System.nanoTime() < deadline, "thumbnails of a deleted media still stored: " + thumbnailObjects(user));
      Thread.sleep(200);
    }
    assertError(404, "NOT_FOUND", thumbnail(user, photo, 200));
  }

  /** The results topic's records for {@code ids}, read from its start until every one is there. */
  private static Map<String, ThumbnailResult> results(Set<String> ids) throws InterruptedException {
    Map<String, ThumbnailResult> out = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.dev().kafka().bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "thumbs-it-results-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
      consumer.subscribe(List.of(topic + ".thumbnails"));
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (!out.keySet().containsAll(ids)) {
        assertTrue(System.nanoTime() < deadline, "results seen: " + out.keySet() + ", wanted " + ids);
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          ThumbnailResult result = ThumbnailResultJson.decode(record.value());
          assertEquals(result.mediaId(), record.key());
          out.put(result.mediaId(), result);
        }
      }
    }
    return out;
  }

  private static Set<String> thumbnailObjects(String user) {
    return UploadFailuresIT.Leftovers.objects(user).stream().filter(key -> key.contains(".thumb-"))
        .collect(Collectors.toSet());
  }
}
