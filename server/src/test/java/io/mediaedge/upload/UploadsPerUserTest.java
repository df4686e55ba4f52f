package io.mediaedge.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UploadsPerUserTest {

  @Test
  void refusesPastTheLimitPerUserAndFreesASlotWhenOneEnds() {
    UploadsPerUser perUser = new UploadsPerUser(2);
    UploadsPerUser.Slot first = perUser.start("alice").orElseThrow();
    perUser.start("alice").orElseThrow();
    assertTrue(perUser.start("alice").isEmpty(), "a third upload of alice is refused");
    assertTrue(perUser.start("bob").isPresent(), "other users are not affected");

    first.end();
    first.end();
    assertEquals(1, perUser.inProgress("alice"), "ending twice frees one slot only");
    assertTrue(perUser.start("alice").isPresent());
  }

  @Test
  void refusalIs429WithRetryAfter() {
    ApiException refusal = new UploadsPerUser(3).refusal();
    assertEquals(ErrorCode.TOO_MANY_UPLOADS, refusal.code());
    assertEquals(429, refusal.status());
    assertEquals("1", refusal.headers().get("Retry-After"));
  }

  @Test
  void concurrentStartsNeverPassTheLimit() throws Exception {
    UploadsPerUser perUser = new UploadsPerUser(5);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    List<UploadsPerUser.Slot> slots = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 200; i++) {
      pool.execute(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        Optional<UploadsPerUser.Slot> slot = perUser.start("carol");
        slot.ifPresent(s -> {
          started.incrementAndGet();
          slots.add(s);
        });
      });
    }
    go.countDown();
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    assertEquals(5, started.get());
    assertEquals(5, perUser.inProgress("carol"));
    slots.forEach(UploadsPerUser.Slot::end);
    assertEquals(0, perUser.inProgress("carol"));
  }
}
