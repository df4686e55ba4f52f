package io.mediaedge.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.EdgeConfig.UploadConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Leases that grow with what an upload actually holds: a slow client keeps its first share, a
 * body whose store is slow grows to its cap and no further, gives it back once drained, and a
 * growth is served before a new admission.
 */
class GrowingLeaseTest {
  private static final int KIB = 1024;
  private static final long CAP = 768 * KIB;

  private Vertx vertx;
  private Context context;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void growthIsServedBeforeAWaitingAdmission() throws Exception {
    MemoryBudget budget = new MemoryBudget(1024 * KIB);
    MemoryBudget.Lease moving = await(on(() -> budget.acquire(context, 512 * KIB, Duration.ofSeconds(10))));
    MemoryBudget.Lease other = await(on(() -> budget.acquire(context, 512 * KIB, Duration.ofSeconds(10))));
    Future<MemoryBudget.Lease> admission = on(() -> budget.acquire(context, 512 * KIB, Duration.ofSeconds(10)));
    CompletableFuture<Void> grown = new CompletableFuture<>();
    assertFalse(moving.grow(256 * KIB, context, () -> grown.complete(null)), "nothing free yet");
    assertEquals(2, budget.waiting());

    other.release();
    grown.get(5, TimeUnit.SECONDS);
    assertEquals(768 * KIB, moving.bytes());
    Thread.sleep(100);
    assertFalse(admission.isComplete(), "256 KiB left: the admission still waits");

    moving.shrinkTo(128 * KIB);
    assertEquals(512 * KIB, await(admission).bytes());
    assertEquals(640 * KIB, budget.inUse());
  }

  @Test
  void optionalGrowthTakesOnlyFreeMemoryAndNeverPassesAWaitingAdmission() throws Exception {
    MemoryBudget budget = new MemoryBudget(1024 * KIB);
    MemoryBudget.Lease patch = await(on(() -> budget.acquire(context, 512 * KIB, Duration.ofSeconds(10))));
    assertTrue(patch.tryGrow(256 * KIB), "free and nobody waits");
    assertEquals(768 * KIB, patch.bytes());
    assertFalse(patch.tryGrow(512 * KIB), "only 256 KiB free");
    assertEquals(0, budget.waiting(), "a refused optional growth does not queue");

    Future<MemoryBudget.Lease> admission = on(() -> budget.acquire(context, 512 * KIB, Duration.ofSeconds(10)));
    assertFalse(patch.tryGrow(128 * KIB), "256 KiB free, but an admission waits for memory");
    patch.shrinkTo(512 * KIB);
    assertEquals(512 * KIB, await(admission).bytes());
    patch.release();
    assertEquals(512 * KIB, budget.inUse());
  }

  @Test
  void releasedLeaseDropsItsWaitingGrowth() throws Exception {
    MemoryBudget budget = new MemoryBudget(256 * KIB);
    MemoryBudget.Lease lease = await(on(() -> budget.acquire(context, 256 * KIB, Duration.ofSeconds(10))));
    AtomicInteger grants = new AtomicInteger();
    assertFalse(lease.grow(64 * KIB, context, grants::incrementAndGet));
    lease.release();
    assertEquals(0, budget.waiting());
    assertEquals(0, budget.inUse());
    Thread.sleep(100);
    assertEquals(0, grants.get());
  }

  @Test
  void slowClientHoldsOnlyItsFirstShare() throws Exception {
    MemoryBudget budget = new MemoryBudget(64L * 1024 * KIB);
    long first = UploadConfig.firstShare(CAP);
    MemoryBudget.Lease lease = await(on(() -> budget.acquire(context, first, Duration.ofSeconds(10))));
    // 300 chunks of 100 bytes, each taken by the store as soon as it is handed over
    ChunkedClient client = new ChunkedClient(context, new byte[300 * 100], 100);
    StoreReader store = new StoreReader(true);
    on(() -> {
      UploadBody body = new UploadBody(context, client, 1L << 30, 300 * 100, null, 512 * KIB)
          .growsWithin(lease, CAP).start();
      store.read(body, 300 * 100);
      return body;
    });
    store.done.get(10, TimeUnit.SECONDS);
    assertEquals(300 * 100, store.bytes);
    assertEquals(first, budget.peakInUse(), "never more than the first share");
  }

  @Test
  void bodyWhoseStoreLagsGrowsToItsCapThenGivesItBack() throws Exception {
    MemoryBudget budget = new MemoryBudget(64L * 1024 * KIB);
    long first = UploadConfig.firstShare(CAP);
    MemoryBudget.Lease lease = await(on(() -> budget.acquire(context, first, Duration.ofSeconds(10))));
    int chunks = 64;
    ChunkedClient client = new ChunkedClient(context, new byte[chunks * 64 * KIB], 64 * KIB);
    StoreReader store = new StoreReader(false);
    UploadBody body = on(() -> {
      UploadBody b = new UploadBody(context, client, 1L << 30, (long) chunks * 64 * KIB, null, 512 * KIB)
          .growsWithin(lease, CAP).start();
      store.read(b, (long) chunks * 64 * KIB);
      return b;
    });
    awaitQuiet(client);
    assertEquals(CAP, lease.bytes(), "grown to its cap");
    long held = on(() -> body.received() - store.taken);
    assertTrue(held <= CAP, "holds " + held + " bytes within its " + CAP + "-byte lease");
    assertTrue(client.chunksSent() < chunks, "the client is held back");

    // The store now takes everything it was handed, and all that follows at once.
    on(() -> {
      store.takeAll(body);
      return null;
    });
    store.done.get(10, TimeUnit.SECONDS);
    assertEquals((long) chunks * 64 * KIB, store.bytes);
    assertEquals(first, lease.bytes(), "back to the first share once drained");
  }

  /** Runs {@code task} on the test's context and returns what it returned. */
  private <T> T on(Supplier<T> task) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(task.get());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void awaitQuiet(ChunkedClient client) throws InterruptedException {
    int last = -1;
    while (client.chunksSent() != last) {
      last = client.chunksSent();
      Thread.sleep(200);
    }
  }

  /**
   * A store reading one slice of the body; it reports each chunk taken by its connection either at
   * once or only when told to.
   */
  private static final class StoreReader {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final List<ByteBuffer> handed = new ArrayList<>();
    private boolean takesAtOnce;
    long bytes;
    long taken;

    StoreReader(boolean takesAtOnce) {
      this.takesAtOnce = takesAtOnce;
    }

    void read(UploadBody body, long length) {
      body.slice(length).subscribe(new Subscriber<ByteBuffer>() {
        @Override
        public void onSubscribe(Subscription s) {
          s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ByteBuffer chunk) {
          bytes += chunk.remaining();
          handed.add(chunk);
          if (takesAtOnce) {
            takeAll(body);
          }
        }

        @Override
        public void onError(Throwable t) {
          done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
          done.complete(null);
        }
      });
    }

    void takeAll(UploadBody body) {
      takesAtOnce = true;
      for (ByteBuffer chunk : handed) {
        taken += chunk.remaining();
        body.taken(chunk);
      }
      handed.clear();
    }
  }
}
