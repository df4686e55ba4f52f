package io.mediaedge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Cassandra work behind uploads and ranged GETs, read from the driver's request counts in
 * {@code /metrics} ({@code media_edge_cassandra_requests_total{kind,outcome}}) of a media-edge of its
 * own (issue 15). A change that makes the path dearer fails here.
 *
 * <p>Before the quota leases, the download cache and the batched outbox removals, an upload cost
 * 2 LWTs, 2 serial reads, 2 writes and a batch; 20 at once by one user 7-8 LWTs and serial reads
 * each (lost compare-and-sets); a ranged GET a read, a batch and a write (with the download
 * cache, before the unlogged batch: two writes).
 */
class CassandraWorkPerUploadIT {
  /** Uploads per run, sequential and all at once. */
  static final int UPLOADS = 20;
  /**
   * A fresh user's first upload sets a quota lease aside: one compare-and-set (a serial read and
   * an LWT); the lease's spare covers every other upload of the run, so they cost none.
   */
  static final int LWT_PER_RUN = 1;
  static final int SERIAL_READS_PER_RUN = 1;
  /** The upload intent before the body. */
  static final int WRITES_PER_UPLOAD = 1;
  /**
   * The outbox rows Kafka acknowledged are removed per bucket in one statement every 50 ms, so at
   * most one more write per upload (fewer when uploads come close together).
   */
  static final int MAX_OUTBOX_REMOVALS_PER_UPLOAD = 1;
  /**
   * Intents and outbox removals of uploads at once go in groups ({@code cassandra/GroupCommit}, at
   * most 10 statements each): 20 intents in 2-4 requests, their removals in a few more. One each
   * (40 or so) before.
   */
  static final int MAX_GROUPED_PER_CONCURRENT_RUN = UPLOADS / 2;
  /** One logged batch: media row, UPLOAD event by media and by user and day, outbox row, quota charge, intent removal. */
  static final int BATCHES_PER_UPLOAD = 1;
  /** Ranged GETs per run. */
  static final int RANGE_GETS = 10;
  /** Ownership: the media row, read once and then served from the instance's cache. */
  static final int READS_PER_RANGE_RUN = 1;
  /**
   * The DOWNLOAD event's rows by media and by user and day, in one unlogged batch (two writes
   * before); the event itself goes straight to Kafka.
   */
  static final int BATCHES_PER_RANGE_GET = 1;

  static final int BODY = 16 << 10;

  private static TestStack stack;
  private static EdgeServer edge;
  private static EdgeClient client;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    // Its own instance, so its counts are its own; the background rounds (relay, sweeper, orphan
    // reconciler, resumable expiry) wait an hour, so every request counted is the client's.
    edge = stack.startServer(new JsonObject()
        .put("events", new JsonObject().put("relayInterval", "1h").put("sweepInterval", "1h")
            .put("orphanCheckInterval", "24h"))
        .put("history", new JsonObject().put("downloadSampling", 1.0))
        // no lease is given back while the tests run, so each run's compare-and-sets are its own
        .put("quota", new JsonObject().put("leaseIdle", "5m")));
    client = new EdgeClient(TestStack.https(edge), stack.dev().tls().caCert(), HttpClient.Version.HTTP_2);
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServer(edge);
  }

  @Test
  void sequentialUploadsSpendFromOneLease() {
    String token = stack.token(freshUser());
    CassandraWork before = settled();
    for (int i = 0; i < UPLOADS; i++) {
      HttpResponse<byte[]> created = client.upload(token, "image/jpeg", MediaSamples.withHead(MediaSamples.JPEG_HEAD,
          BODY, i));
      assertEquals(201, created.statusCode(), () -> new String(created.body(), StandardCharsets.UTF_8));
    }
    CassandraWork spent = settled().minus(before);
    System.out.println(spent.describe(UPLOADS + " sequential uploads of 16 KiB, one user", "upload", UPLOADS));
    assertUploadWork(spent);
  }

  @Test
  void concurrentUploadsOfOneUserShareOneCompareAndSet() throws Exception {
    String token = stack.token(freshUser());
    CassandraWork before = settled();
    ExecutorService pool = Executors.newFixedThreadPool(UPLOADS);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
      for (int i = 0; i < UPLOADS; i++) {
        byte[] body = MediaSamples.withHead(MediaSamples.JPEG_HEAD, BODY, 100 + i);
        answers.add(pool.submit(() -> {
          go.await();
          return client.upload(token, "image/jpeg", body);
        }));
      }
      go.countDown();
      for (Future<HttpResponse<byte[]>> answer : answers) {
        HttpResponse<byte[]> created = answer.get(2, TimeUnit.MINUTES);
        assertEquals(201, created.statusCode(), () -> new String(created.body(), StandardCharsets.UTF_8));
      }
    } finally {
      pool.shutdownNow();
    }
    CassandraWork spent = settled().minus(before);
    System.out.println(spent.describe(UPLOADS + " uploads of 16 KiB at once, one user", "upload", UPLOADS));
    // those that came while the lease was being set aside were granted together by it
    assertEquals(0, spent.failures(), spent::toString);
    assertEquals(LWT_PER_RUN, spent.get("lwt"), spent::toString);
    assertEquals(SERIAL_READS_PER_RUN, spent.get("serial_read"), spent::toString);
    assertEquals(0, spent.get("read"), spent::toString);
    // Each upload's logged batch, and the intents and outbox removals grouped: the lease admits
    // the uploads together, so their intents leave in a few requests, not one each.
    long recording = UPLOADS * BATCHES_PER_UPLOAD;
    long grouped = spent.total() - LWT_PER_RUN - SERIAL_READS_PER_RUN - recording;
    assertTrue(spent.get("batch") >= recording && grouped > 0 && grouped <= MAX_GROUPED_PER_CONCURRENT_RUN,
        () -> "intents and outbox removals of " + UPLOADS + " uploads at once in at most "
            + MAX_GROUPED_PER_CONCURRENT_RUN + " requests: " + spent);
  }

  private static void assertUploadWork(CassandraWork spent) {
    assertEquals(0, spent.failures(), spent::toString);
    assertEquals(LWT_PER_RUN, spent.get("lwt"), spent::toString);
    assertEquals(SERIAL_READS_PER_RUN, spent.get("serial_read"), spent::toString);
    assertEquals(0, spent.get("read"), spent::toString);
    assertTrue(spent.get("batch") >= UPLOADS * BATCHES_PER_UPLOAD, spent::toString);
    // What is left are the outbox removals (an intent and a removal sent in the same turn may
    // share a request, so only the sum is certain).
    long removals = spent.total() - LWT_PER_RUN - SERIAL_READS_PER_RUN - UPLOADS * (BATCHES_PER_UPLOAD + WRITES_PER_UPLOAD);
    assertTrue(removals > 0 && removals <= UPLOADS * MAX_OUTBOX_REMOVALS_PER_UPLOAD, spent::toString);
  }

  @Test
  void aRangedGetReadsOwnershipAndRecordsItsEvent() {
    String token = stack.token(freshUser());
    HttpResponse<byte[]> created = client.upload(token, "image/jpeg",
        MediaSamples.withHead(MediaSamples.JPEG_HEAD, 64 << 10, 7));
    assertEquals(201, created.statusCode());
    String id = EdgeClient.json(created).getString("id");
    CassandraWork before = settled();
    for (int i = 0; i < RANGE_GETS; i++) {
      HttpResponse<byte[]> part = client.get("/v1/media/" + id, token, "Range", "bytes=" + (i * 1024) + "-"
          + (i * 1024 + 1023));
      assertEquals(206, part.statusCode());
      assertEquals(1024, part.body().length);
    }
    CassandraWork spent = settled().minus(before);
    System.out.println(spent.describe(RANGE_GETS + " ranged GETs of 1 KiB", "GET", RANGE_GETS));
    assertEquals(0, spent.failures(), spent::toString);
    assertEquals(READS_PER_RANGE_RUN, spent.get("read"), spent::toString);
    assertEquals(RANGE_GETS * BATCHES_PER_RANGE_GET, spent.get("batch"), spent::toString);
    assertEquals(0, spent.get("write"), spent::toString);
    assertEquals(READS_PER_RANGE_RUN + RANGE_GETS * BATCHES_PER_RANGE_GET, spent.total(),
        "nothing else is sent: " + spent);
  }

  private static String freshUser() {
    return "work-" + UUID.randomUUID();
  }

  /**
   * The counts once they stop moving: events are published, and their outbox rows deleted, after
   * the answer went out, so the last requests of an upload come a moment after its 201.
   */
  private static CassandraWork settled() {
    CassandraWork last = scrape();
    long stableSince = System.nanoTime();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() - stableSince < TimeUnit.MILLISECONDS.toNanos(1500)) {
      assertTrue(System.nanoTime() < deadline, "the Cassandra request counts never settled: " + last);
      sleep(250);
      CassandraWork now = scrape();
      if (!now.equals(last)) {
        last = now;
        stableSince = System.nanoTime();
      }
    }
    return last;
  }

  private static CassandraWork scrape() {
    HttpResponse<byte[]> metrics = client.get("/metrics", null);
    assertEquals(200, metrics.statusCode());
    CassandraWork work = CassandraWork.parse(new String(metrics.body(), StandardCharsets.UTF_8));
    assertTrue(work.counts().containsKey("lwt/success"), "no media_edge_cassandra_requests_total series in /metrics");
    return work;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
