package io.mediaedge.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.eventschema.Origin;
import io.mediaedge.history.MediaRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The cache's rules over a clock of our own; the two-instance bound is in TwoInstancesIT. */
class ActiveMediaCacheTest {
  private static final Duration TTL = Duration.ofSeconds(5);

  private final long[] now = {1_000};
  private final List<Runnable> trims = new ArrayList<>();

  private ActiveMediaCache cache(int maxEntries, Duration ttl) {
    return new ActiveMediaCache(maxEntries, ttl, () -> now[0], trims::add);
  }

  @Test
  void rowIsServedUntilItsTtlHasPassed() {
    ActiveMediaCache cache = cache(10, TTL);
    MediaRecord media = media("alice", "m1", MediaRecord.Status.ACTIVE);
    cache.put(cache.readTicket(), media);

    now[0] += TTL.toNanos() - 1;
    assertEquals(Optional.of(media), cache.get("alice", "m1"));
    now[0] += 1;
    assertEquals(Optional.empty(), cache.get("alice", "m1"));
    assertEquals(0, cache.size(), "an expired row is dropped when met");
  }

  @Test
  void rowIsCachedForItsOwnerOnly() {
    ActiveMediaCache cache = cache(10, TTL);
    cache.put(cache.readTicket(), media("alice", "m1", MediaRecord.Status.ACTIVE));

    assertEquals(Optional.empty(), cache.get("bob", "m1"));
  }

  @Test
  void rowsThatAreNotActiveAreNeverKept() {
    ActiveMediaCache cache = cache(10, TTL);
    cache.put(cache.readTicket(), media("alice", "m1", MediaRecord.Status.DELETING));
    cache.put(cache.readTicket(), media("alice", "m2", MediaRecord.Status.DELETED));

    assertEquals(0, cache.size());
  }

  @Test
  void evictionForgetsTheRowAtOnce() {
    ActiveMediaCache cache = cache(10, TTL);
    cache.put(cache.readTicket(), media("alice", "m1", MediaRecord.Status.ACTIVE));

    cache.evict("alice", "m1");

    assertEquals(Optional.empty(), cache.get("alice", "m1"));
  }

  @Test
  void readOvertakenByADeleteIsNotCached() {
    ActiveMediaCache cache = cache(10, TTL);
    long ticket = cache.readTicket();
    // the read found the row ACTIVE, but this instance deleted it before the read came back
    cache.evict("alice", "m1");
    cache.put(ticket, media("alice", "m1", MediaRecord.Status.ACTIVE));

    assertEquals(Optional.empty(), cache.get("alice", "m1"));
    cache.put(cache.readTicket(), media("alice", "m2", MediaRecord.Status.ACTIVE));
    assertTrue(cache.get("alice", "m2").isPresent(), "a read begun after the delete is cached again");
  }

  @Test
  void zeroTtlOrZeroEntriesTurnTheCacheOff() {
    ActiveMediaCache noTtl = cache(10, Duration.ZERO);
    ActiveMediaCache noEntries = cache(0, TTL);
    noTtl.put(noTtl.readTicket(), media("alice", "m1", MediaRecord.Status.ACTIVE));
    noEntries.put(noEntries.readTicket(), media("alice", "m1", MediaRecord.Status.ACTIVE));

    assertEquals(Optional.empty(), noTtl.get("alice", "m1"));
    assertEquals(Optional.empty(), noEntries.get("alice", "m1"));
  }

  @Test
  void pastTheBoundATrimDropsExpiredRowsFirstThenDownToNineTenths() {
    ActiveMediaCache cache = cache(100, TTL);
    for (int i = 0; i < 50; i++) {
      cache.put(cache.readTicket(), media("alice", "old" + i, MediaRecord.Status.ACTIVE));
    }
    now[0] += TTL.toNanos();
    MediaRecord fresh = null;
    for (int i = 0; i < 51; i++) {
      fresh = media("alice", "new" + i, MediaRecord.Status.ACTIVE);
      cache.put(cache.readTicket(), fresh);
    }
    assertEquals(1, trims.size(), "one trim asked for, however many puts find the cache full");
    trims.get(0).run();
    assertEquals(51, cache.size(), "only the expired rows went");

    for (int i = 0; i < 60; i++) {
      cache.put(cache.readTicket(), media("alice", "more" + i, MediaRecord.Status.ACTIVE));
    }
    assertEquals(2, trims.size(), "a finished trim lets the next one be asked for");
    trims.get(1).run();
    assertEquals(90, cache.size());
  }

  @Test
  void eventLoopsShareItSafely() throws Exception {
    ActiveMediaCache cache = new ActiveMediaCache(1_000, TTL);
    ExecutorService loops = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(loops.submit(() -> {
          go.await();
          for (int i = 0; i < 20_000; i++) {
            String id = "m" + (i % 3_000);
            cache.put(cache.readTicket(), media("user" + thread, id, MediaRecord.Status.ACTIVE));
            cache.get("user" + thread, id).ifPresent(found -> assertEquals(id, found.mediaId()));
            if (i % 100 == 0) {
              cache.evict("user" + thread, id);
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> each : done) {
        each.get(30, TimeUnit.SECONDS);
      }
      // puts that raced the last trim may overshoot until the next put past the bound trims again
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (cache.size() > 1_000 && System.nanoTime() < deadline) {
        cache.put(cache.readTicket(), media("late", "m" + System.nanoTime(), MediaRecord.Status.ACTIVE));
        Thread.sleep(10);
      }
      assertTrue(cache.size() <= 1_000, "bounded after the trims: " + cache.size());
    } finally {
      loops.shutdownNow();
    }
  }

  private static MediaRecord media(String owner, String mediaId, MediaRecord.Status status) {
    return new MediaRecord(owner, mediaId, status, "image/jpeg", 1_024, "ab".repeat(32),
        "media/" + owner + "/" + mediaId, Instant.parse("2026-01-01T00:00:00Z"), null, Origin.regionOnly("eu"));
  }
}
