package io.mediaedge.cassandra;

import static io.mediaedge.cassandra.HistoryFixtures.freshOwner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.eventschema.HistoryEvent.Action;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.MediaRecord;
import io.mediaedge.history.QuotaStore;
import io.mediaedge.history.QuotaStore.Usage;
import io.mediaedge.it.TestStack;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Quota leases against the real Cassandra: uploads well inside the quota spend from a lease with
 * no compare-and-set, two instances spending at once never pass the limit together and lose no
 * byte, and the lease of an instance that died is folded from its charges by another.
 */
class QuotaLeasesIT {
  private static final long MIB = 1 << 20;
  private static final JsonObject SETTINGS = new JsonObject()
      .put("history", new JsonObject().put("keyspace", "it_quota_leases"))
      .put("quota", new JsonObject().put("defaultBytes", "1GiB").put("leaseBytes", "16MiB").put("leaseIdle", "300ms"));
  private static HistoryModule module;
  private static EdgeConfig config;
  private static CassandraQuotaStore other;

  @BeforeAll
  static void start() throws Exception {
    module = HistoryFixtures.start(SETTINGS);
    config = TestStack.get().config(SETTINGS);
    other = secondInstance(InstantSource.system(), config);
  }

  @AfterAll
  static void stop() throws Exception {
    if (other != null) {
      await(other.close());
    }
    if (module != null) {
      await(module.quotas().close());
      module.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void uploadsWellInsideTheQuotaSpendALeaseWithoutACompareAndSetEach() throws Exception {
    String owner = freshOwner();
    List<Future<Boolean>> uploads = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      uploads.add(upload(module.quotas(), owner, 300_000));
    }
    await(Future.all(uploads));
    assertTrue(uploads.stream().allMatch(Future::result), "all 30 fit");
    // one compare-and-set set the lease aside for the first and, served together, all the others
    assertEquals(1, rowVersion(owner), "compare-and-sets on the usage row");
    Usage spending = await(module.quotas().usage(owner));
    assertEquals(30 * 300_000L, spending.usedBytes(), "charged uploads count before the lease is folded");
    assertEquals(30, spending.mediaCount());
    assertEquals(0, spending.reservedBytes());
    assertTrue(spending.leasedBytes() > 0, "the spare is still set aside: " + spending);

    // idle for quota.leaseIdle: the lease goes back, its spending folded into the row
    Usage folded = poll(() -> module.quotas().usage(owner), u -> u.leasedBytes() == 0);
    assertEquals(new Usage(30 * 300_000L, 0, 30, 1L << 30, 0), folded);
    assertEquals(2, rowVersion(owner));
  }

  @Test
  void twoInstancesSpendingAtOnceNeverPassTheLimitAndLoseNoByte() throws Exception {
    String owner = freshOwner();
    long limit = 24 * MIB;
    await(module.quotaAdmin().setLimit(owner, limit));
    List<Future<Boolean>> uploads = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      uploads.add(upload(i % 2 == 0 ? module.quotas() : other, owner, MIB));
    }
    await(Future.all(uploads));
    long accepted = uploads.stream().filter(Future::result).count();
    assertTrue(accepted * MIB <= limit, "accepted " + accepted + " MiB of a " + limit / MIB + " MiB quota");
    // a lease may refuse early by at most its spare, never by more than a quarter of what is free
    assertTrue(accepted >= 18, "accepted only " + accepted + " MiB");

    Usage settled = poll(() -> module.quotas().usage(owner), u -> u.leasedBytes() == 0);
    assertEquals(new Usage(accepted * MIB, 0, accepted, limit, 0), settled, "every accepted upload counted once");
    // what is left is really free, to the byte, from either instance
    long free = limit - accepted * MIB;
    if (free > 0) {
      assertTrue(await(upload(other, owner, free)), "the last " + free + " bytes fit");
    }
    assertQuotaExceeded(other.hold(owner, "one-byte-more", 1));
  }

  @Test
  void theLeaseOfAnInstanceThatDiedIsFoldedFromItsCharges() throws Exception {
    String owner = freshOwner();
    // an instance that never gives its lease back: it dies with 5 uploads spent from it
    JsonObject slow = SETTINGS.copy();
    slow.getJsonObject("quota").put("leaseIdle", "5m");
    CassandraQuotaStore dying = secondInstance(InstantSource.system(), TestStack.get().config(slow));
    for (int i = 0; i < 5; i++) {
      assertTrue(await(upload(dying, owner, MIB)));
    }
    // the lease: the first upload and a spare of quota.leaseBytes, 17 MiB, of which 12 are unspent
    assertEquals(new Usage(5 * MIB, 0, 5, 1L << 30, 12 * MIB), await(module.quotas().usage(owner)),
        "spent and set aside, nothing folded yet");

    // eleven minutes on, another instance's next compare-and-set on the row folds the dead lease
    Instant later = Instant.now().plus(QuotaLeases.MAX_AGE).plusSeconds(60);
    CassandraQuotaStore survivor = secondInstance(() -> later, config);
    try {
      await(survivor.reserve(owner, "tus-upload", MIB));
      await(survivor.release(owner, "tus-upload"));
      assertEquals(new Usage(5 * MIB, 0, 5, 1L << 30, 0), await(survivor.usage(owner)));
      assertEquals(5 * MIB, usedBytesColumn(owner), "the charges are in used_bytes now");
    } finally {
      await(survivor.close());
      // it comes back to find its lease folded: giving it back changes nothing
      await(dying.close());
    }
    assertEquals(new Usage(5 * MIB, 0, 5, 1L << 30, 0), await(module.quotas().usage(owner)));
  }

  @Test
  void aFailedUploadGivesItsHoldBackAndIsNotCharged() throws Exception {
    String owner = freshOwner();
    var hold = await(module.quotas().hold(owner, "failing", 5 * MIB));
    assertEquals(5 * MIB, await(module.quotas().usage(owner)).reservedBytes());
    await(hold.charge(4 * MIB));
    hold.release();
    hold.release();
    Usage after = poll(() -> module.quotas().usage(owner), u -> u.leasedBytes() == 0);
    assertEquals(new Usage(0, 0, 0, 1L << 30, 0), after);
  }

  /** Holds, charges and records one upload as the single-request flow does; false when refused. */
  private static Future<Boolean> upload(QuotaStore quotas, String owner, long bytes) {
    MediaRecord media = HistoryFixtures.media(owner);
    MediaRecord sized = new MediaRecord(owner, media.mediaId(), media.status(), media.contentType(), bytes,
        media.sha256(), media.objectKey(), media.createdAt(), null, media.origin());
    HistoryStore history = module.history();
    return quotas.hold(owner, sized.mediaId(), bytes)
        .compose(hold -> hold.charge(bytes)
            .compose(charge -> history.recordUpload(sized, HistoryFixtures.event(sized, Action.UPLOAD),
                Optional.of(charge)))
            .onSuccess(v -> hold.recorded())
            .onFailure(e -> hold.release()))
        .map(true)
        .recover(e -> e instanceof ApiException api && api.code() == ErrorCode.QUOTA_EXCEEDED
            ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  private static CassandraQuotaStore secondInstance(InstantSource clock, EdgeConfig settings) throws Exception {
    return await(CassandraQuotaStore.prepare(TestStack.get().vertx(), module.session(), settings.history(),
        settings.quota(), clock));
  }

  private static long rowVersion(String owner) {
    return usageColumn(owner, "version");
  }

  private static long usedBytesColumn(String owner) {
    return usageColumn(owner, "used_bytes");
  }

  private static long usageColumn(String owner, String column) {
    Row row = module.session().execute(SimpleStatement.newInstance(
        "SELECT " + column + " FROM usage_by_owner WHERE owner = ?", owner)).one();
    return row.getLong(column);
  }

  private static <T> T poll(java.util.concurrent.Callable<Future<T>> read, Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    T value = await(read.call());
    while (!done.test(value) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      value = await(read.call());
    }
    return value;
  }

  private static void assertQuotaExceeded(Future<?> attempt) {
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> await(attempt));
    assertEquals(ErrorCode.QUOTA_EXCEEDED, assertInstanceOf(ApiException.class, e).code());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(60, TimeUnit.SECONDS);
  }
}
