package io.mediaedge.upload;

import io.mediaedge.errors.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bytes all uploads together may hold in memory. An upload asks for its share up front and
 * waits, paused, until it is free; grants are first come, first served so a large part buffer is
 * not starved by a stream of small requests. Each grant is all-or-nothing, so no upload ever holds
 * half of what it needs while waiting for the rest (that is how budgets deadlock).
 */
public final class MemoryBudget {

  /** A granted share; releasing it twice is harmless. */
  public final class Lease {
    private final long bytes;
    private final AtomicBoolean released = new AtomicBoolean();

    private Lease(long bytes) {
      this.bytes = bytes;
    }

    public long bytes() {
      return bytes;
    }

    public void release() {
      if (released.compareAndSet(false, true)) {
        give(bytes);
      }
    }
  }

  private record Waiter(long bytes, Context context, Promise<Lease> promise) {}

  private final long capacity;
  private long available;
  private long peakInUse;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

  public MemoryBudget(long capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
    this.available = capacity;
  }

  public long capacity() {
    return capacity;
  }

  public synchronized long inUse() {
    return capacity - available;
  }

  public synchronized long peakInUse() {
    return peakInUse;
  }

  public synchronized int waiting() {
    return waiters.size();
  }

  /**
   * A lease of {@code bytes}, completed on {@code context} once granted, or failed with
   * SERVER_BUSY after {@code maxWait}.
   */
  public Future<Lease> acquire(Context context, long bytes, Duration maxWait) {
    if (bytes <= 0 || bytes > capacity) {
      throw new IllegalArgumentException("cannot lease " + bytes + " of " + capacity + " bytes");
    }
    Promise<Lease> promise = Promise.promise();
    Waiter waiter = new Waiter(bytes, context, promise);
    synchronized (this) {
      if (waiters.isEmpty() && available >= bytes) {
        take(bytes);
        return Future.succeededFuture(new Lease(bytes));
      }
      waiters.add(waiter);
    }
    long timer = context.owner().setTimer(Math.max(1, maxWait.toMillis()), id -> {
      boolean removed;
      synchronized (this) {
        removed = waiters.remove(waiter);
      }
      if (removed) {
        promise.tryFail(ErrorCode.SERVER_BUSY.error("The server is at its memory budget; try again shortly."));
        grantWaiting();
      }
    });
    return promise.future().onComplete(ar -> context.owner().cancelTimer(timer));
  }

  private void take(long bytes) {
    available -= bytes;
    peakInUse = Math.max(peakInUse, capacity - available);
  }

  private void give(long bytes) {
    synchronized (this) {
      available += bytes;
    }
    grantWaiting();
  }

  private void grantWaiting() {
    while (true) {
      Waiter granted;
      synchronized (this) {
        Iterator<Waiter> head = waiters.iterator();
        if (!head.hasNext() || available < waiters.peek().bytes()) {
          return;
        }
        granted = waiters.poll();
        take(granted.bytes());
      }
      Lease lease = new Lease(granted.bytes());
      granted.context().runOnContext(v -> {
        if (!granted.promise().tryComplete(lease)) {
          lease.release();
        }
      });
    }
  }
}
