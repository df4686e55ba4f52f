package io.mediaedge.cassandra;

import io.mediaedge.history.QuotaStore;
import static io.mediaedge.cassandra.HistoryFixtures.freshOwner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.history.QuotaStore.Usage;
import io.mediaedge.media.MediaId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Quota reservations against the real Cassandra: compare-and-set under concurrency, retries count once. */
class QuotaIT {
  private static final long LIMIT = 1_000_000;
  private static HistoryModule module;
  private static QuotaStore quotas;

  @BeforeAll
  static void start() throws Exception {
    module = HistoryFixtures.start(new JsonObject()
        .put("history", new JsonObject().put("keyspace", "it_quota"))
        .put("quota", new JsonObject().put("defaultBytes", String.valueOf(LIMIT))));
    quotas = module.quotas();
  }

  @AfterAll
  static void stop() throws Exception {
    if (module != null) {
      module.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(60, TimeUnit.SECONDS);
  }

  @Test
  void concurrentReservationsNeverTogetherPassTheLimit() throws Exception {
    String owner = freshOwner();
    Random random = new Random(7);
    List<String> ids = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    List<Future<Void>> attempts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(MediaId.next());
      sizes.add(50_000L + random.nextInt(100_000));
    }
    assertTrue(sizes.stream().mapToLong(Long::longValue).sum() > LIMIT);
    for (int i = 0; i < 20; i++) {
      attempts.add(quotas.reserve(owner, ids.get(i), sizes.get(i)));
    }
    List<Integer> accepted = new ArrayList<>();
    long acceptedBytes = 0;
    for (int i = 0; i < 20; i++) {
      try {
        await(attempts.get(i));
        accepted.add(i);
        acceptedBytes += sizes.get(i);
      } catch (ApiException e) {
        assertEquals(ErrorCode.QUOTA_EXCEEDED, e.code(), "reservation " + i);
      }
    }
    assertTrue(acceptedBytes <= LIMIT, "accepted " + acceptedBytes);
    assertTrue(accepted.size() >= 6 && accepted.size() < 20, "accepted " + accepted.size());
    assertEquals(new Usage(0, acceptedBytes, 0, LIMIT, 0), await(quotas.usage(owner)));

    // commit every other one with fewer bytes than reserved, release the rest
    long committed = 0;
    List<Future<Void>> settles = new ArrayList<>();
    for (int n = 0; n < accepted.size(); n++) {
      int i = accepted.get(n);
      if (n % 2 == 0) {
        long actual = sizes.get(i) - 1000;
        committed += actual;
        settles.add(quotas.commit(owner, ids.get(i), actual));
      } else {
        settles.add(quotas.release(owner, ids.get(i)));
      }
    }
    await(Future.all(settles));
    assertEquals(new Usage(committed, 0, (accepted.size() + 1) / 2, LIMIT, 0), await(quotas.usage(owner)));
  }

  @Test
  void retriedCallsCountOnce() throws Exception {
    String owner = freshOwner();
    String upload = MediaId.next();
    await(quotas.reserve(owner, upload, 300_000));
    await(quotas.reserve(owner, upload, 300_000));
    assertEquals(new Usage(0, 300_000, 0, LIMIT, 0), await(quotas.usage(owner)));

    await(quotas.commit(owner, upload, 250_000));
    await(quotas.commit(owner, upload, 250_000));
    // a reserve retried after its commit must not hold the bytes again
    await(quotas.reserve(owner, upload, 300_000));
    assertEquals(new Usage(250_000, 0, 1, LIMIT, 0), await(quotas.usage(owner)));

    await(quotas.release(owner, "never-reserved"));
    await(quotas.free(owner, upload, 250_000));
    await(quotas.free(owner, upload, 250_000));
    assertEquals(new Usage(0, 0, 0, LIMIT, 0), await(quotas.usage(owner)));
  }

  @Test
  void releasedReservationFreesItsBytes() throws Exception {
    String owner = freshOwner();
    await(quotas.reserve(owner, "a", 800_000));
    assertQuotaExceeded(quotas.reserve(owner, "b", 300_000));
    await(quotas.release(owner, "a"));
    await(quotas.reserve(owner, "b", 300_000));
    assertEquals(new Usage(0, 300_000, 0, LIMIT, 0), await(quotas.usage(owner)));
  }

  @Test
  void perUserOverrideReplacesTheDefault() throws Exception {
    String small = freshOwner();
    String large = freshOwner();
    CassandraQuotaStore admin = module.quotaAdmin();
    await(admin.setLimit(small, 5_000L));
    await(admin.setLimit(large, 5_000_000L));

    await(quotas.reserve(small, "one", 4_000));
    assertQuotaExceeded(quotas.reserve(small, "two", 2_000));
    await(quotas.reserve(large, "big", 3_000_000));
    assertEquals(new Usage(0, 4_000, 0, 5_000, 0), await(quotas.usage(small)));
    assertEquals(5_000_000, await(quotas.usage(large)).limitBytes());

    await(admin.setLimit(small, null));
    await(quotas.reserve(small, "two", 2_000));
    assertEquals(LIMIT, await(quotas.usage(small)).limitBytes());
  }

  private static void assertQuotaExceeded(Future<Void> attempt) {
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> await(attempt));
    assertEquals(ErrorCode.QUOTA_EXCEEDED, assertInstanceOf(ApiException.class, e).code());
  }
}
