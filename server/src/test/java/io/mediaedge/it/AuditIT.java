package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static io.mediaedge.it.HistoryFlowsIT.created;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.mediaedge.AuditCommand;
import io.mediaedge.EdgeServer;
import io.mediaedge.audit.AuditReport;
import io.mediaedge.audit.AuditReport.Kind;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.storage.ObjectKeys;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;

/**
 * The region audit against the real S3 server and Cassandra: a region of its own (bucket and
 * keyspace) gets real uploads, a resumable upload in flight and one of every broken invariant
 * planted behind the server's back; the audit finds each one exactly once (and nothing of the
 * healthy media), {@code --repair} fixes the repairable ones, and the next audit finds only those
 * a person must look at. The audit runs "two hours later" (its clock), so the planted objects are
 * past its one-hour grace without waiting.
 */
class AuditIT {
  private static String bucket;
  private static final String USER = "audit-user";
  private static final Duration GRACE = Duration.ofHours(1);
  private static final Clock LATER = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));

  private static TestStack stack;
  private static EdgeConfig config;
  private static CqlSession cql;
  private static String keyspace;
  /** What each planted violation left where, for the checks after the repair. */
  private static String orphanKey;
  private static String orphanThumbnail;
  private static String orphanTail;
  private static String danglingKey;
  private static long activeBytes;

  @BeforeAll
  static void aRegionWithOneOfEveryBrokenInvariant() throws Exception {
    stack = TestStack.get();
    // a bucket of its own each time (failsafe runs a failed class again in the same JVM)
    bucket = "audit-it-" + UUID.randomUUID().toString().substring(0, 8);
    stack.s3().createBucket(r -> r.bucket(bucket)).join();
    keyspace = "audit_it_" + UUID.randomUUID().toString().substring(0, 8).replace('-', '_');
    EdgeServer edge = stack.startServer(new JsonObject()
        .put("storage", new JsonObject().put("bucket", bucket))
        .put("history", new JsonObject().put("keyspace", keyspace))
        .put("events", new JsonObject().put("topic", "audit-it." + keyspace).put("sweepInterval", "300ms")));
    config = edge.config();
    EdgeClient client = HistoryFlowsIT.client(edge, HttpClient.Version.HTTP_2);
    String token = stack.token(USER);
    String healthy = id(client.upload(token, "image/jpeg", MediaSamples.jpeg(30_000)));
    String lost = id(client.upload(token, "image/jpeg", MediaSamples.jpeg(20_000)));
    String resized = id(client.upload(token, "image/jpeg", MediaSamples.jpeg(25_000)));
    String altered = id(client.upload(token, "image/jpeg", MediaSamples.jpeg(26_000)));
    String deleted = id(client.upload(token, "image/jpeg", MediaSamples.jpeg(10_000)));
    assertEquals(204, client.send(client.request("/v1/media/" + deleted, token).DELETE().build()).statusCode());
    activeBytes = 30_000 + 20_000 + 25_000 + 26_000;
    // a resumable upload in flight: its multipart upload and its tail belong to it
    String location = TusUploads.create(client, token, 12L << 20, "video/mp4");
    assertEquals(204, TusUploads.patch(client, location, token, 0, MediaSamples.mp4(9 << 20)).statusCode());
    // and what a lost commit or a killed instance leaves under its key: its row removes them when it ends
    String inFlightKey = ObjectKeys.mediaKey(USER, location.substring(location.lastIndexOf('/') + 1));
    put(inFlightKey + ".tail-4096", new byte[4096]);
    stack.s3().createMultipartUpload(r -> r.bucket(bucket).key(inFlightKey)).join();
    awaitSweptAndRelayed();
    stack.stopServer(edge);

    cql = session();
    // objects no row owns: an original, a thumbnail of no media, a tail of no upload
    orphanKey = ObjectKeys.mediaKey(USER, UUID.randomUUID().toString());
    orphanThumbnail = ObjectKeys.mediaKey(USER, UUID.randomUUID().toString()) + ".thumb-200.jpg";
    orphanTail = ObjectKeys.mediaKey(USER, UUID.randomUUID().toString()) + ".tail-5";
    for (String key : List.of(orphanKey, orphanThumbnail, orphanTail)) {
      put(key, new byte[] {1, 2, 3, 4, 5});
    }
    // an active media whose object is gone, one whose object changed size, one whose bytes changed
    stack.s3().deleteObject(r -> r.bucket(bucket).key(ObjectKeys.mediaKey(USER, lost))).join();
    put(ObjectKeys.mediaKey(USER, resized), MediaSamples.jpeg(24_000));
    byte[] same = MediaSamples.jpeg(26_000);
    same[20_000] ^= 0x5A;
    put(ObjectKeys.mediaKey(USER, altered), same);
    // usage that drifted, and a hold two days old
    long used = cql.execute("SELECT used_bytes FROM " + keyspace + ".usage_by_owner WHERE owner = ?", USER).one()
        .getLong(0);
    cql.execute("UPDATE " + keyspace + ".usage_by_owner SET used_bytes = ?, reservations['stuck-upload'] = 777,"
        + " reserved_at['stuck-upload'] = ? WHERE owner = ?", used + 4_096, Instant.now().minus(Duration.ofDays(2)), USER);
    // a multipart upload nobody owns
    danglingKey = ObjectKeys.mediaKey(USER, UUID.randomUUID().toString());
    stack.s3().createMultipartUpload(r -> r.bucket(bucket).key(danglingKey)).join();
    // rows that should have gone long ago
    Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
    cql.execute("INSERT INTO " + keyspace + ".outbox (bucket, event_id, key, payload, created_at)"
        + " VALUES (0, 'planted-event', ?, '{}', ?)", USER, hourAgo);
    cql.execute("INSERT INTO " + keyspace + ".pending_deletions (bucket, owner, media_id, object_key, requested_at)"
        + " VALUES (0, ?, 'gone-media', ?, ?)", USER, ObjectKeys.mediaKey(USER, "gone-media"), hourAgo);
    cql.execute("INSERT INTO " + keyspace + ".upload_intents (bucket, media_id, owner, object_key, started_at)"
        + " VALUES (0, 'never-recorded', ?, ?, ?)", USER, ObjectKeys.mediaKey(USER, "never-recorded"),
        Instant.now().minus(Duration.ofHours(3)));
    cql.execute("INSERT INTO " + keyspace + ".resumable_uploads (upload_id, owner, finished, expires_at)"
        + " VALUES ('expired-upload', ?, false, ?)", USER, hourAgo);
  }

  @AfterAll
  static void close() {
    if (cql != null) {
      cql.close();
    }
  }

  @Test
  void everyPlantedViolationIsFoundOnceAndTheRepairableOnesAreRepaired() throws Exception {
    AuditReport first = audit(false);
    Map<Kind, Long> expected = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      expected.put(kind, 1L);
    }
    assertEquals(expected, counts(first), first.summary());
    assertTrue(first.examples(Kind.ORPHAN_OBJECT).get(0).startsWith(orphanKey), first.summary());
    assertTrue(first.examples(Kind.QUOTA_MISMATCH).get(0).contains("active media " + activeBytes + " bytes in 4"),
        first.summary());
    assertTrue(first.examples(Kind.OLD_OUTBOX).get(0).contains("planted-event"));
    assertTrue(first.walkedCount("contentVerified") >= 2, "the healthy and the altered media were read");
    assertTrue(first.toJson().getJsonObject("invariants").getJsonObject("DANGLING_MULTIPART")
        .getJsonArray("examples").getString(0).startsWith(danglingKey));
    // read-only: everything is still there
    assertTrue(exists(orphanKey) && exists(orphanThumbnail) && exists(orphanTail));

    AuditReport repair = audit(true);
    for (Kind kind : Kind.values()) {
      assertEquals(kind.repairable() ? 1 : 0, repair.repairedCount(kind), kind + ": " + repair.summary());
    }
    assertFalse(exists(orphanKey) || exists(orphanThumbnail) || exists(orphanTail), "orphans deleted");
    assertTrue(stack.s3().listMultipartUploads(r -> r.bucket(bucket)).join().uploads().stream()
        .noneMatch(u -> u.key().equals(danglingKey)), "the dangling upload is aborted");
    assertEquals(2, stack.s3().listMultipartUploads(r -> r.bucket(bucket)).join().uploads().size(),
        "the resumable upload's multipart uploads are left alone");

    AuditReport after = audit(false);
    for (Kind kind : Kind.values()) {
      assertEquals(kind.repairable() ? 0 : 1, after.count(kind), kind + ": " + after.summary());
    }
    assertEquals(activeBytes, cql.execute("SELECT used_bytes FROM " + keyspace + ".usage_by_owner WHERE owner = ?",
        USER).one().getLong(0), "usage recounted to the active media");
  }

  @Test
  void theCommandLineRefusesBadArgumentsAndPrintsJsonOnRequest() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, AuditCommand.run(new String[] {"--shards", "3"}, Map.of(), new PrintStream(out),
        new PrintStream(err)));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--shards must be a power of two"), err.toString());
    assertEquals(2, AuditCommand.run(new String[] {"--grace", "soon"}, Map.of(), new PrintStream(out),
        new PrintStream(err)));
    assertEquals(2, AuditCommand.run(new String[] {"--frobnicate"}, Map.of(), new PrintStream(out),
        new PrintStream(err)));
    AuditCommand.Options options = AuditCommand.parse(new String[] {"--shards", "16", "--grace", "1h", "--json", "-"},
        Map.of());
    // sixteen passes over the objects find the same as one
    AuditReport sharded = AuditCommand.audit(config, options, LATER);
    assertEquals(audit(false).count(Kind.MISSING_OBJECT), sharded.count(Kind.MISSING_OBJECT));
    JsonObject json = sharded.toJson();
    assertEquals(sharded.violations(), json.getLong("violations"));
    assertTrue(json.getJsonObject("walked").getLong("objects") >= 4, json.encode());
  }

  private static AuditReport audit(boolean repair) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("--grace", "1h", "--verify-content"));
    if (repair) {
      args.add("--repair");
    }
    return AuditCommand.audit(config, AuditCommand.parse(args.toArray(String[]::new), Map.of()), LATER);
  }

  private static Map<Kind, Long> counts(AuditReport report) {
    Map<Kind, Long> counts = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      counts.put(kind, report.count(kind));
    }
    return counts;
  }

  /** Waits until the deleted media's object is swept and the outbox is empty, so only planted rows remain. */
  private static void awaitSweptAndRelayed() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (CqlSession session = session()) {
      while (session.execute("SELECT event_id FROM " + keyspace + ".outbox").one() != null
          || session.execute("SELECT media_id FROM " + keyspace + ".pending_deletions").one() != null) {
        assertTrue(System.nanoTime() < deadline, "the outbox and the pending deletions did not empty");
        Thread.sleep(200);
      }
    }
  }

  private static CqlSession session() {
    var cassandra = stack.dev().cassandra();
    return CqlSession.builder().addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
        .withLocalDatacenter(cassandra.localDatacenter()).build();
  }

  private static void put(String key, byte[] bytes) {
    stack.s3().putObject(r -> r.bucket(bucket).key(key), AsyncRequestBody.fromBytes(bytes)).join();
  }

  private static boolean exists(String key) {
    return stack.s3().listObjectsV2(r -> r.bucket(bucket).prefix(key)).join().contents().stream()
        .anyMatch(o -> o.key().equals(key));
  }

  private static String id(HttpResponse<byte[]> response) {
    return json(created(response)).getString("id");
  }
}
