package io.mediaedge.upload;

import io.mediaedge.errors.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The bytes all uploads together may hold in memory. An upload is admitted with a first share and
 * waits, paused, until it is free; admissions are first come, first served so a large part buffer
 * is not starved by a stream of small requests. Each admission is all-or-nothing, so no upload ever
 * holds half of what it needs to make progress while waiting for the rest (that is how budgets
 * deadlock).
 *
 * <p>A streaming upload then grows its lease as its bytes actually pile up (S3 slower than the
 * client) and gives it back as they drain: a slow client holds its small first share, not a full
 * window. Growth is served before admissions, so uploads that are moving are not held up by new
 * ones, and it is only ever an opportunity: an upload whose growth waits still drains what it holds
 * to the store and reads on within its lease, so a growth that never comes cannot deadlock anyone.
 */
public final class MemoryBudget {

  /** A granted share; it may grow and shrink while held; releasing it twice is harmless. */
  public final class Lease {
    /** Guarded by the budget's lock. */
    private long bytes;
    private boolean released;
    /** The growth still waiting for bytes, if any (guarded by the budget's lock). */
    private Growth growth;

    private Lease(long bytes) {
      this.bytes = bytes;
    }

    public long bytes() {
      synchronized (MemoryBudget.this) {
        return bytes;
      }
    }

    /**
     * Asks for {@code extra} more bytes: granted at once when they are free and no other growth
     * waits ahead (true), otherwise queued ahead of every admission and {@code granted} runs on
     * {@code context} once they are added (false). One growth at a time; a released lease's growth
     * is dropped.
     */
    public boolean grow(long extra, Context context, Runnable granted) {
      if (extra <= 0) {
        throw new IllegalArgumentException("growth must be positive");
      }
      synchronized (MemoryBudget.this) {
        if (released || growth != null) {
          return false;
        }
        if (growers.isEmpty() && available >= extra) {
          take(extra);
          bytes += extra;
          return true;
        }
        growth = new Growth(this, extra, context, granted);
        growers.add(growth);
        return false;
      }
    }

    /**
     * Takes {@code extra} more bytes only if they are free now and nothing waits for memory (an
     * optional speed-up, such as a second part buffer, must never hold up an admission); never queues.
     */
    public boolean tryGrow(long extra) {
      if (extra <= 0) {
        throw new IllegalArgumentException("growth must be positive");
      }
      synchronized (MemoryBudget.this) {
        if (released || growth != null || !growers.isEmpty() || !waiters.isEmpty() || available < extra) {
          return false;
        }
        take(extra);
        bytes += extra;
        return true;
      }
    }

    /** Gives back what this lease holds above {@code keep} bytes. */
    public void shrinkTo(long keep) {
      long freed;
      synchronized (MemoryBudget.this) {
        if (released || bytes <= keep) {
          return;
        }
        freed = bytes - keep;
        bytes = keep;
      }
      give(freed);
    }

    public void release() {
      long freed;
      synchronized (MemoryBudget.this) {
        if (released) {
          return;
        }
        released = true;
        if (growth != null) {
          growers.remove(growth);
          growth = null;
        }
        freed = bytes;
        bytes = 0;
      }
      give(freed);
    }
  }

  private record Waiter(long bytes, Context context, Promise<Lease> promise) {}

  private record Growth(Lease lease, long bytes, Context context, Runnable granted) {}

  private final long capacity;
  private long available;
  private long peakInUse;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private final ArrayDeque<Growth> growers = new ArrayDeque<>();

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

  /** Admissions and growths waiting for bytes. */
  public synchronized int waiting() {
    return waiters.size() + growers.size();
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
      if (waiters.isEmpty() && growers.isEmpty() && available >= bytes) {
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
        Growth grown = growers.peek();
        if (grown != null) {
          // Moving uploads first; no admission passes a waiting growth.
          if (available < grown.bytes()) {
            return;
          }
          growers.poll();
          take(grown.bytes());
          grown.lease().bytes += grown.bytes();
          grown.lease().growth = null;
          grown.context().runOnContext(v -> grown.granted().run());
          continue;
        }
        if (waiters.isEmpty() || available < waiters.peek().bytes()) {
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
