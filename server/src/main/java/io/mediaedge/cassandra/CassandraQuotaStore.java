package io.mediaedge.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.mediaedge.config.EdgeConfig.HistoryConfig;
import io.mediaedge.config.EdgeConfig.QuotaConfig;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.history.QuotaHold;
import io.mediaedge.history.QuotaStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link QuotaStore} over the {@code usage_by_owner} row. Every change is the same loop: read the
 * row at SERIAL, fold the leases of instances that died (from their {@code quota_charges}), decide
 * in {@link QuotaRow}, write it back with {@code IF version = ?}, and on a lost race back off a
 * little and start again. An outcome-unknown CAS (timeout) needs no special path: the next SERIAL
 * read completes the Paxos round, and the operations recognise work already done. Holds for
 * single-request uploads come from this instance's leases ({@link QuotaLeases}).
 */
public final class CassandraQuotaStore implements QuotaStore {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraQuotaStore.class);
  /** Enough rounds for dozens of concurrent uploads by one user; each lost round means someone else won. */
  static final int MAX_ATTEMPTS = 64;
  static final long BASE_BACKOFF_MS = 2;
  static final long MAX_BACKOFF_MS = 50;
  /** A hold older than this belongs to an upload that died with its instance; resumable uploads must finish sooner. */
  public static final Duration RESERVATION_TTL = Duration.ofHours(24);
  /** How long a commit or free is remembered, so a retry within it counts once. */
  public static final Duration SETTLED_TTL = Duration.ofHours(24);

  private static final String COLUMNS =
      "used_bytes, media_count, limit_bytes, reservations, reserved_at, settled, version";

  private final Vertx vertx;
  private final CqlSession session;
  private final QuotaConfig quota;
  private final ConsistencyLevel serial;
  private final PreparedStatement read;
  private final PreparedStatement write;
  private final PreparedStatement charges;
  private final InstantSource clock;
  private final QuotaLeases leases;

  private CassandraQuotaStore(Vertx vertx, CqlSession session, HistoryConfig history, QuotaConfig quota,
      InstantSource clock, List<PreparedStatement> statements) {
    this.vertx = vertx;
    this.session = session;
    this.quota = quota;
    this.serial = DefaultConsistencyLevel.valueOf(history.serialConsistency());
    this.read = statements.get(0);
    this.write = statements.get(1);
    this.charges = statements.get(2);
    this.clock = clock;
    this.leases = new QuotaLeases(vertx, this, quota, clock);
  }

  static Future<CassandraQuotaStore> prepare(Vertx vertx, CqlSession session, HistoryConfig history, QuotaConfig quota) {
    return prepare(vertx, session, history, quota, InstantSource.system());
  }

  /** With a clock of its own, so a test can play an instance that comes long after another died. */
  static Future<CassandraQuotaStore> prepare(Vertx vertx, CqlSession session, HistoryConfig history, QuotaConfig quota,
      InstantSource clock) {
    Context context = vertx.getOrCreateContext();
    // A missing row reads as all nulls, so "IF version = null" also creates the first row.
    Future<PreparedStatement> read = DriverFailures.onContext(
        session.prepareAsync("SELECT " + COLUMNS + " FROM usage_by_owner WHERE owner = ?"), context);
    Future<PreparedStatement> write = DriverFailures.onContext(session.prepareAsync(
        "UPDATE usage_by_owner SET used_bytes = ?, media_count = ?, limit_bytes = ?, reserved_bytes = ?,"
            + " reservations = ?, reserved_at = ?, settled = ?, version = ? WHERE owner = ? IF version = ?"), context);
    Future<PreparedStatement> charges = DriverFailures.onContext(
        session.prepareAsync("SELECT bytes FROM quota_charges WHERE owner = ? AND lease_id = ?"), context);
    return Future.all(read, write, charges).map(v -> new CassandraQuotaStore(vertx, session, history, quota, clock,
        List.of(read.result(), write.result(), charges.result())));
  }

  long defaultBytes() {
    return quota.defaultBytes();
  }

  @Override
  public Future<QuotaHold> hold(String owner, String uploadId, long bytes) {
    if (bytes < 0) {
      return Future.failedFuture(new IllegalArgumentException("bytes must not be negative"));
    }
    return leases.hold(owner, uploadId, bytes);
  }

  @Override
  public Future<Void> close() {
    return leases.close();
  }

  @Override
  public Future<Void> reserve(String owner, String uploadId, long bytes) {
    if (bytes < 0) {
      return Future.failedFuture(new IllegalArgumentException("bytes must not be negative"));
    }
    return change(owner, (row, now) -> row.reserve(uploadId, bytes, quota.defaultBytes(), now));
  }

  @Override
  public Future<Void> commit(String owner, String uploadId, long actualBytes) {
    return change(owner, (row, now) -> row.commit(uploadId, actualBytes, now));
  }

  @Override
  public Future<Void> release(String owner, String uploadId) {
    return change(owner, (row, now) -> row.release(uploadId));
  }

  @Override
  public Future<Void> free(String owner, String mediaId, long bytes) {
    return change(owner, (row, now) -> row.free(mediaId, bytes, now));
  }

  /** Sets (or with null, removes) a user's own limit; an operator action, through the same CAS. */
  public Future<Void> setLimit(String owner, Long limitBytes) {
    return change(owner, (row, now) -> row.limit(limitBytes));
  }

  /**
   * Moves a user's stored usage by what an audit measured against the user's ACTIVE media, through
   * the same compare-and-set (which folds lapsed leases and drops expired holds first).
   */
  public Future<Void> adjustUsage(String owner, long deltaBytes, long deltaCount) {
    return change(owner, (row, now) -> row.adjusted(deltaBytes, deltaCount));
  }

  /** Rewrites the user's row with its expired holds dropped and its lapsed leases folded. */
  public Future<Void> pruneHolds(String owner) {
    return change(owner, (row, now) -> new QuotaRow.Write(row));
  }

  /** A lease not renewed for this long is folded by the next change of its user's row. */
  public static Duration leaseMaxAge() {
    return QuotaLeases.MAX_AGE;
  }

  /**
   * Usage as stored: the row plus what every lease charged and has not folded yet; the leases'
   * unspent grants (less this instance's uploads in flight) are {@code leasedBytes}.
   */
  @Override
  public Future<Usage> usage(String owner) {
    Context context = vertx.getOrCreateContext();
    return readSerial(owner, context)
        .compose(row -> {
          List<String> keys = new ArrayList<>(row.leases().keySet());
          List<Future<long[]>> reads = keys.stream().map(key -> charged(owner, key, context)).toList();
          return Future.all(reads).map(all -> {
            long used = row.usedBytes();
            long count = row.mediaCount();
            long unspent = 0;
            for (int i = 0; i < keys.size(); i++) {
              long[] charged = reads.get(i).result();
              used += charged[0];
              count += charged[1];
              unspent += Math.max(0, row.reservations().get(keys.get(i)) - charged[0]);
            }
            long inFlight = leases.heldBytes(owner);
            return new Usage(used, row.uploadReservations() + inFlight, count, row.limit(quota.defaultBytes()),
                Math.max(0, unspent - inFlight));
          });
        })
        .recover(e -> Future.failedFuture(DriverFailures.toApi(e)));
  }

  interface Change {
    QuotaRow.Outcome apply(QuotaRow row, Instant now);
  }

  /** Applies {@code change} to the owner's row by compare-and-set, on the caller's context. */
  Future<Void> change(String owner, Change change) {
    return attempt(owner, change, 1, vertx.getOrCreateContext());
  }

  /** The bytes and number of uploads charged to lease {@code key} ({@code lease:<id>}). */
  private Future<long[]> charged(String owner, String key, Context context) {
    String leaseId = key.substring(QuotaRow.LEASE_PREFIX.length());
    return Future.fromCompletionStage(session.executeAsync(charges.bind(owner, leaseId)), context).map(rs -> {
      long bytes = 0;
      long count = 0;
      // one lease's charges: the uploads of one instance for one user over a minute or so
      for (Row row : rs.currentPage()) {
        bytes += row.getLong("bytes");
        count++;
      }
      return new long[] {bytes, count};
    });
  }

  /** Folds every lease whose instance stopped renewing it from the charges it wrote. */
  private Future<QuotaRow> foldDeadLeases(String owner, QuotaRow row, Context context) {
    List<String> dead = row.staleLeases(clock.instant().minus(QuotaLeases.MAX_AGE));
    if (dead.isEmpty()) {
      return Future.succeededFuture(row);
    }
    List<Future<long[]>> reads = dead.stream().map(key -> charged(owner, key, context)).toList();
    return Future.all(reads).map(all -> {
      QuotaRow folded = row;
      for (int i = 0; i < dead.size(); i++) {
        long[] charged = reads.get(i).result();
        LOG.info("Folding the lapsed quota lease {} of {}: {} bytes in {} uploads", dead.get(i), owner, charged[0],
            charged[1]);
        folded = folded.foldDead(dead.get(i), charged[0], charged[1]);
      }
      return folded;
    });
  }

  private Future<Void> attempt(String owner, Change change, int attempt, Context context) {
    return readSerial(owner, context)
        .compose(row -> foldDeadLeases(owner, row, context))
        .compose(row -> {
          Instant now = clock.instant();
          QuotaRow current = row.pruned(now, RESERVATION_TTL, SETTLED_TTL);
          QuotaRow.Outcome outcome = change.apply(current, now);
          if (outcome instanceof QuotaRow.Done) {
            return Future.succeededFuture(true);
          }
          if (outcome instanceof QuotaRow.Refuse refuse) {
            return Future.failedFuture(refuse.error());
          }
          QuotaRow next = ((QuotaRow.Write) outcome).next();
          return Future.fromCompletionStage(session.executeAsync(bindWrite(owner, row.version(), next)), context)
              .map(AsyncResultSet::wasApplied);
        })
        .recover(e -> {
          // a timed-out CAS or serial read: the next round's SERIAL read tells what happened
          if (DriverFailures.outcomeUnknown(e)) {
            LOG.debug("Quota CAS outcome unknown for {}, re-reading at SERIAL", owner);
            return Future.succeededFuture(false);
          }
          return Future.failedFuture(DriverFailures.isDriverFailure(e) ? DriverFailures.toApi(e) : e);
        })
        .compose(done -> {
          if (done) {
            return Future.succeededFuture();
          }
          if (attempt >= MAX_ATTEMPTS) {
            LOG.warn("Quota row of {} still contended after {} attempts", owner, attempt);
            return Future.failedFuture(ErrorCode.HISTORY_UNAVAILABLE.error());
          }
          return backoff(attempt, context).compose(v -> attempt(owner, change, attempt + 1, context));
        });
  }

  /** Full jitter, growing with the attempt, so contenders spread out instead of colliding again. */
  private Future<Void> backoff(int attempt, Context context) {
    long cap = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS << Math.min(attempt, 5));
    long delay = 1 + ThreadLocalRandom.current().nextLong(cap);
    io.vertx.core.Promise<Void> slept = io.vertx.core.Promise.promise();
    // called on the caller's context, so the timer fires there too
    vertx.setTimer(delay, id -> slept.complete());
    return slept.future();
  }

  private Future<QuotaRow> readSerial(String owner, Context context) {
    return Future.fromCompletionStage(session.executeAsync(read.bind(owner).setConsistencyLevel(serial)), context)
        .map(rs -> {
          Row row = rs.one();
          if (row == null) {
            return QuotaRow.EMPTY;
          }
          return new QuotaRow(row.get("version", Long.class), row.getLong("used_bytes"), row.getLong("media_count"),
              row.get("limit_bytes", Long.class), orEmpty(row.getMap("reservations", String.class, Long.class)),
              orEmpty(row.getMap("reserved_at", String.class, Instant.class)),
              orEmpty(row.getMap("settled", String.class, Instant.class)));
        });
  }

  private com.datastax.oss.driver.api.core.cql.BoundStatement bindWrite(String owner, Long version, QuotaRow next) {
    long nextVersion = version == null ? 1 : version + 1;
    return write.bind(next.usedBytes(), next.mediaCount(), next.limitOverride(), next.reservedBytes(),
        next.reservations(), next.reservedAt(), next.settled(), nextVersion, owner, version);
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }
}
