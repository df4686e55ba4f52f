package io.mediaedge.cassandra;

import io.mediaedge.config.EdgeConfig.QuotaConfig;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.history.QuotaCharge;
import io.mediaedge.history.QuotaHold;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Quota leases: one compare-and-set sets aside part of a user's free quota for this instance, and
 * its single-request uploads then hold and spend from it with no round trip to Cassandra.
 *
 * <p>The hard limit stays exact because the row always counts, for every lease, everything it may
 * spend: {@code used + every hold + every lease <= limit} is checked by the compare-and-set that
 * grants or grows a lease, and an instance never spends past its grant. A lease's grant covers the
 * uploads in flight, what it spent since its last fold, and a spare; the spare is at most a quarter
 * of what stays free and none when that would be under a MiB, so near the limit every upload sets
 * aside exactly what it needs (one compare-and-set each), and a lease can make another instance
 * refuse early by at most its spare, until it is given back ({@code quota.leaseIdle}).
 *
 * <p>No update is lost: each spent upload writes a {@link QuotaCharge} row in the same batch as its
 * media row. The instance folds what it spent into {@code used_bytes} whenever it renews the lease
 * (every {@link #RENEW_AFTER} while in use, with a new lease id) or gives it back; if it dies, the
 * lease's epoch grows old and the next compare-and-set on that user's row by any instance folds the
 * lease from its charge rows ({@link CassandraQuotaStore}). The instance stops charging to a lease
 * {@link #MAX_AGE} minus {@link #CHARGE_MAX_AGE} before others may fold it (clock skew and a batch in
 * flight fit in that margin), and no fold runs while a charge is being written.
 *
 * <p>State is per user and guarded by its {@link Lease}; the compare-and-sets of one user on this
 * instance run one at a time, and uploads that arrive meanwhile are granted together by the next.
 */
final class QuotaLeases {
  static final Duration RENEW_AFTER = Duration.ofSeconds(60);
  static final Duration CHARGE_MAX_AGE = Duration.ofMinutes(8);
  static final Duration MAX_AGE = Duration.ofMinutes(10);
  static final long MIN_SPARE = 1 << 20;
  static final int SPARE_SHARE = 4;

  private final Vertx vertx;
  private final CassandraQuotaStore rows;
  private final QuotaConfig config;
  private final InstantSource clock;
  private final String instance = HexFormat.of().formatHex(randomBytes());
  private final AtomicLong epochs = new AtomicLong();
  private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
  private final long timer;

  QuotaLeases(Vertx vertx, CassandraQuotaStore rows, QuotaConfig config, InstantSource clock) {
    this.vertx = vertx;
    this.rows = rows;
    this.config = config;
    this.clock = clock;
    long period = Math.max(50, Math.min(config.leaseIdle().toMillis(), RENEW_AFTER.toMillis()) / 2);
    this.timer = vertx.setPeriodic(period, id -> leases.values().forEach(Lease::tend));
  }

  Future<QuotaHold> hold(String owner, String uploadId, long bytes) {
    Context context = vertx.getOrCreateContext();
    while (true) {
      Lease lease = leases.computeIfAbsent(owner, Lease::new);
      Future<QuotaHold> held = lease.hold(context, uploadId, bytes);
      if (held != null) {
        return held;
      }
    }
  }

  /** What this instance holds for uploads in flight of {@code owner}. */
  long heldBytes(String owner) {
    Lease lease = leases.get(owner);
    if (lease == null) {
      return 0;
    }
    synchronized (lease) {
      return lease.held;
    }
  }

  /** Gives every lease back that has no upload in flight; the rest lapse after {@link #MAX_AGE}. */
  Future<Void> close() {
    vertx.cancelTimer(timer);
    List<Future<Void>> returns = new ArrayList<>();
    leases.values().forEach(lease -> returns.add(lease.giveBack()));
    return Future.join(returns).mapEmpty();
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[6];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  private record Waiting(Context context, String uploadId, long bytes, Promise<QuotaHold> promise) {}

  private record WaitingCharge(Context context, Held hold, long actual, Promise<QuotaCharge> promise) {}

  /** What a compare-and-set decided, kept from the attempt whose write was applied. */
  private record Decision(String key, long grant, Instant at, boolean[] accepted) {}

  /** One user's lease on this instance. Every field is guarded by the lease's monitor. */
  private final class Lease {
    private final String owner;
    private String key;
    private Instant epochStart;
    private long granted;
    private long held;
    private long spentBytes;
    private long spentCount;
    private int chargesInFlight;
    private boolean casRunning;
    private boolean foldWanted;
    private boolean retired;
    private Instant lastUsed;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Charges waiting for a renewal: tried again when it is written, failed when it failed. */
    private final List<WaitingCharge> chargesWaiting = new ArrayList<>();

    Lease(String owner) {
      this.owner = owner;
      this.lastUsed = clock.instant();
    }

    /** Null when this lease was just retired: the caller takes a fresh one. */
    Future<QuotaHold> hold(Context context, String uploadId, long bytes) {
      Runnable start;
      Future<QuotaHold> result;
      synchronized (this) {
        if (retired) {
          return null;
        }
        Instant now = clock.instant();
        lastUsed = now;
        if (!casRunning && !foldWanted && waiting.isEmpty() && fits(bytes, now)) {
          held += bytes;
          return Future.succeededFuture(new Held(this, uploadId, bytes));
        }
        Promise<QuotaHold> promise = Promise.promise();
        waiting.add(new Waiting(context, uploadId, bytes, promise));
        result = promise.future();
        start = startFold(true);
      }
      run(start);
      return result;
    }

    private boolean fits(long bytes, Instant now) {
      return key != null && age(now).compareTo(RENEW_AFTER) < 0 && granted - held - spentBytes >= bytes;
    }

    private Duration age(Instant now) {
      return epochStart == null ? Duration.ZERO : Duration.between(epochStart, now);
    }

    /** Called by the timer: gives back an idle lease, renews one uploads still use. */
    void tend() {
      Runnable start = null;
      synchronized (this) {
        if (casRunning || retired) {
          return;
        }
        Instant now = clock.instant();
        boolean idle = held == 0 && waiting.isEmpty() && chargesInFlight == 0;
        if (idle && Duration.between(lastUsed, now).compareTo(config.leaseIdle()) >= 0) {
          start = startFold(false);
        } else if (key != null && held > 0 && age(now).compareTo(RENEW_AFTER) >= 0) {
          start = startFold(true);
        }
      }
      run(start);
    }

    Future<Void> giveBack() {
      Promise<Void> done = Promise.promise();
      Runnable start;
      synchronized (this) {
        if (casRunning || held > 0 || retired) {
          return Future.succeededFuture();
        }
        start = startFold(false, done);
      }
      run(start);
      return done.future();
    }

    private Runnable startFold(boolean keep) {
      return startFold(keep, null);
    }

    /**
     * Starts a compare-and-set that folds what was spent and, when {@code keep}, sets aside a
     * renewed lease covering the uploads in flight, the waiting ones that fit and a spare. Waits
     * (returns null) while one runs or a charge is being written.
     */
    private Runnable startFold(boolean keep, Promise<Void> done) {
      if (casRunning || chargesInFlight > 0) {
        // A running one serves who waits when it ends, and starts the next if they do not fit; a
        // charge being written makes the renewal wait for it (settle starts it).
        foldWanted = foldWanted || keep && !casRunning;
        if (done != null) {
          done.complete();
        }
        return null;
      }
      casRunning = true;
      foldWanted = false;
      String oldKey = key;
      long spent = spentBytes;
      long count = spentCount;
      long inFlight = held;
      List<Waiting> asked = new ArrayList<>(waiting);
      String newKey = QuotaRow.leaseKey(instance + "." + epochs.incrementAndGet());
      AtomicReference<Decision> decision = new AtomicReference<>();
      return () -> rows.change(owner, (row, now) -> {
        if (row.reservations().containsKey(newKey)) {
          // an earlier attempt's write was applied after all; its decision stands
          return new QuotaRow.Done();
        }
        boolean owned = oldKey != null && row.reservations().containsKey(oldKey);
        long free = row.limit(rows.defaultBytes()) - row.usedBytes() - (owned ? spent : 0)
            - row.reservedExcept(oldKey) - inFlight;
        boolean[] accepted = new boolean[asked.size()];
        long acceptedBytes = 0;
        for (int i = 0; i < asked.size(); i++) {
          if (asked.get(i).bytes() <= free - acceptedBytes) {
            accepted[i] = true;
            acceptedBytes += asked.get(i).bytes();
          }
        }
        long spare = keep ? Math.min(config.leaseBytes(), (free - acceptedBytes) / SPARE_SHARE) : 0;
        long grant = inFlight + acceptedBytes + (spare >= MIN_SPARE ? spare : 0);
        String next = grant > 0 ? newKey : null;
        decision.set(new Decision(next, grant, now, accepted));
        return row.lease(oldKey, next, spent, count, grant, now);
      }).onComplete(ar -> {
        List<Runnable> after = finish(ar.succeeded() ? decision.get() : null, spent, count, asked, ar.cause());
        after.forEach(Runnable::run);
        if (done != null) {
          done.complete();
        }
      });
    }

    /** Applies a finished compare-and-set (null decision: it failed) and answers who waited. */
    private synchronized List<Runnable> finish(Decision decision, long spent, long count, List<Waiting> asked,
        Throwable failure) {
      casRunning = false;
      List<Runnable> after = new ArrayList<>();
      for (int i = 0; i < asked.size(); i++) {
        Waiting w = waiting.removeFirst();
        if (decision == null) {
          RuntimeException error = failure instanceof RuntimeException r ? r : ErrorCode.HISTORY_UNAVAILABLE.error();
          after.add(() -> w.context().runOnContext(v -> w.promise().fail(error)));
        } else if (decision.accepted()[i]) {
          after.add(granted(w));
        } else {
          after.add(() -> w.context().runOnContext(v -> w.promise().fail(ErrorCode.QUOTA_EXCEEDED.error(
              "The upload needs " + w.bytes() + " bytes, more than is free of your quota."))));
        }
      }
      if (decision != null) {
        key = decision.key();
        epochStart = decision.at();
        granted = decision.grant();
        spentBytes -= spent;
        spentCount -= count;
      }
      for (WaitingCharge c : chargesWaiting) {
        // Trying a charge again after a failed renewal would start the next one at once: a loop
        // for as long as Cassandra is away. The upload fails instead, and gives its hold back.
        after.add(decision == null
            ? () -> c.context().runOnContext(v -> c.promise().fail(ErrorCode.HISTORY_UNAVAILABLE.error()))
            : () -> c.context().runOnContext(v -> charge(c.hold(), c.actual()).onComplete(c.promise())));
      }
      chargesWaiting.clear();
      // Those who came while it ran are served from the new spare if they fit, in order.
      Instant now = clock.instant();
      while (!waiting.isEmpty() && !foldWanted && fits(waiting.peekFirst().bytes(), now)) {
        after.add(granted(waiting.removeFirst()));
      }
      if (!waiting.isEmpty() || foldWanted) {
        Runnable next = startFold(true);
        if (next != null) {
          after.add(next);
        }
      } else if (key == null && held == 0 && chargesInFlight == 0) {
        retired = true;
        leases.remove(owner, this);
      }
      return after;
    }

    /** Holds the bytes of one who waited; the answer runs on its own context, outside the monitor. */
    private Runnable granted(Waiting w) {
      held += w.bytes();
      Held hold = new Held(this, w.uploadId(), w.bytes());
      return () -> w.context().runOnContext(v -> w.promise().complete(hold));
    }

    Future<QuotaCharge> charge(Held hold, long actual) {
      Runnable start = null;
      Promise<QuotaCharge> promise = Promise.promise();
      Context context = vertx.getOrCreateContext();
      synchronized (this) {
        if (hold.state != State.HELD) {
          return Future.failedFuture(new IllegalStateException("hold of " + hold.uploadId + " already settled"));
        }
        if (actual > hold.bytes) {
          return Future.failedFuture(new IllegalArgumentException("charge above the hold of " + hold.uploadId));
        }
        if (!casRunning && !foldWanted && key != null && age(clock.instant()).compareTo(CHARGE_MAX_AGE) < 0) {
          return Future.succeededFuture(charged(hold, actual));
        }
        // Renewed first: the charge must name a lease nobody may fold from its charges yet.
        chargesWaiting.add(new WaitingCharge(context, hold, actual, promise));
        if (!casRunning) {
          start = startFold(true);
        }
      }
      run(start);
      return promise.future();
    }

    private QuotaCharge charged(Held hold, long actual) {
      chargesInFlight++;
      hold.state = State.CHARGED;
      hold.charged = actual;
      String leaseId = key.substring(QuotaRow.LEASE_PREFIX.length());
      return new QuotaCharge(owner, leaseId, hold.uploadId, actual);
    }

    void settle(Held hold, boolean recorded) {
      Runnable start = null;
      synchronized (this) {
        if (hold.state == State.SETTLED) {
          return;
        }
        if (hold.state == State.CHARGED) {
          chargesInFlight--;
          if (recorded) {
            spentBytes += hold.charged;
            spentCount++;
          }
        }
        hold.state = State.SETTLED;
        held -= hold.bytes;
        lastUsed = clock.instant();
        if (foldWanted && chargesInFlight == 0) {
          start = startFold(true);
        }
      }
      run(start);
    }
  }

  private static void run(Runnable action) {
    if (action != null) {
      action.run();
    }
  }

  /** Where one upload's hold is: held, charged in a batch being written, or settled (spent or given back). */
  private enum State { HELD, CHARGED, SETTLED }

  /** One upload's bytes in a lease. */
  private static final class Held implements QuotaHold {
    private final Lease lease;
    private final String uploadId;
    private final long bytes;
    /** Guarded by the lease's monitor. */
    private State state = State.HELD;
    private long charged;

    Held(Lease lease, String uploadId, long bytes) {
      this.lease = lease;
      this.uploadId = uploadId;
      this.bytes = bytes;
    }

    @Override
    public Future<QuotaCharge> charge(long actualBytes) {
      return lease.charge(this, actualBytes);
    }

    @Override
    public void recorded() {
      lease.settle(this, true);
    }

    @Override
    public void release() {
      lease.settle(this, false);
    }
  }
}
