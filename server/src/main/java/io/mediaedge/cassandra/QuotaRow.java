package io.mediaedge.cassandra;

import io.mediaedge.errors.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One user's {@code usage_by_owner} row as read at SERIAL, and the pure changes the quota store
 * compare-and-sets onto it. {@code version} is null while the row has never been written by us.
 *
 * @param reservations upload id to bytes held while the upload runs, and {@code lease:<lease id>} to
 *     the bytes an instance set aside to spend locally (see {@link QuotaLeases})
 * @param reservedAt upload id to when it was reserved, so holds left by a crashed instance expire
 * @param settled {@code commit:<upload id>} and {@code free:<media id>} to when they happened: they
 *     make a retried commit or free count once
 */
record QuotaRow(Long version, long usedBytes, long mediaCount, Long limitOverride, Map<String, Long> reservations,
    Map<String, Instant> reservedAt, Map<String, Instant> settled) {

  static final QuotaRow EMPTY = new QuotaRow(null, 0, 0, null, Map.of(), Map.of(), Map.of());
  static final String LEASE_PREFIX = "lease:";

  /** What an operation decided: nothing to write (already done), a new row, or a refusal. */
  sealed interface Outcome {}

  record Done() implements Outcome {}

  record Write(QuotaRow next) implements Outcome {}

  record Refuse(RuntimeException error) implements Outcome {}

  long reservedBytes() {
    return reservations.values().stream().mapToLong(Long::longValue).sum();
  }

  long limit(long defaultBytes) {
    return limitOverride != null ? limitOverride : defaultBytes;
  }

  static String leaseKey(String leaseId) {
    return LEASE_PREFIX + leaseId;
  }

  /** Bytes held by everything but {@code key} (a lease of the caller; null for none). */
  long reservedExcept(String key) {
    long total = reservedBytes();
    Long own = key == null ? null : reservations.get(key);
    return own == null ? total : total - own;
  }

  /** Per-upload reservations, leases left out: what uploads that reserve one by one hold now. */
  long uploadReservations() {
    return reservations.entrySet().stream().filter(e -> !e.getKey().startsWith(LEASE_PREFIX))
        .mapToLong(Map.Entry::getValue).sum();
  }

  /** Lease keys whose epoch began before {@code cutoff}: their instance stopped renewing them. */
  List<String> staleLeases(Instant cutoff) {
    return reservedAt.entrySet().stream()
        .filter(e -> e.getKey().startsWith(LEASE_PREFIX) && e.getValue().isBefore(cutoff))
        .map(Map.Entry::getKey).sorted().toList();
  }

  /** The leases set aside now, by key. */
  Map<String, Long> leases() {
    Map<String, Long> out = new HashMap<>();
    reservations.forEach((key, bytes) -> {
      if (key.startsWith(LEASE_PREFIX)) {
        out.put(key, bytes);
      }
    });
    return out;
  }

  /** A dead instance's lease gone: what it charged becomes usage, the rest of it is free again. */
  QuotaRow foldDead(String key, long chargedBytes, long chargedCount) {
    if (!reservations.containsKey(key)) {
      return this;
    }
    Map<String, Long> holds = new HashMap<>(reservations);
    holds.remove(key);
    Map<String, Instant> times = new HashMap<>(reservedAt);
    times.remove(key);
    return new QuotaRow(version, usedBytes + chargedBytes, mediaCount + chargedCount, limitOverride, holds, times,
        settled);
  }

  /**
   * Replaces this instance's lease {@code oldKey} (null when it has none) by {@code newKey} holding
   * {@code grant} bytes (null and 0: give the lease back), and folds what was spent from the old
   * one into usage. If the old lease is gone, it was folded from its charges as a dead one, so its
   * spending is not added twice. Done when {@code newKey} is already there (a retry of a write
   * whose outcome was unknown) or, for a give-back, when the old lease is already gone.
   */
  Outcome lease(String oldKey, String newKey, long spentBytes, long spentCount, long grant, Instant now) {
    if (newKey != null ? reservations.containsKey(newKey) : oldKey == null || !reservations.containsKey(oldKey)) {
      return new Done();
    }
    boolean owned = oldKey != null && reservations.containsKey(oldKey);
    Map<String, Long> holds = new HashMap<>(reservations);
    Map<String, Instant> times = new HashMap<>(reservedAt);
    if (oldKey != null) {
      holds.remove(oldKey);
      times.remove(oldKey);
    }
    if (newKey != null) {
      holds.put(newKey, grant);
      times.put(newKey, now);
    }
    return new Write(new QuotaRow(version, usedBytes + (owned ? spentBytes : 0), mediaCount + (owned ? spentCount : 0),
        limitOverride, holds, times, settled));
  }

  /** Drops holds older than {@code reservationTtl} and settle marks older than {@code settledTtl}. */
  QuotaRow pruned(Instant now, Duration reservationTtl, Duration settledTtl) {
    Map<String, Long> holds = new HashMap<>(reservations);
    Map<String, Instant> holdTimes = new HashMap<>(reservedAt);
    reservedAt.forEach((id, at) -> {
      // a lease is folded from its charges instead (QuotaLeases), never just dropped
      if (!id.startsWith(LEASE_PREFIX) && at.plus(reservationTtl).isBefore(now)) {
        holds.remove(id);
        holdTimes.remove(id);
      }
    });
    Map<String, Instant> marks = new HashMap<>(settled);
    marks.values().removeIf(at -> at.plus(settledTtl).isBefore(now));
    return new QuotaRow(version, usedBytes, mediaCount, limitOverride, holds, holdTimes, marks);
  }

  Outcome reserve(String uploadId, long bytes, long defaultBytes, Instant now) {
    if (reservations.containsKey(uploadId) || settled.containsKey("commit:" + uploadId)) {
      return new Done();
    }
    long limit = limit(defaultBytes);
    if (usedBytes + reservedBytes() + bytes > limit) {
      return new Refuse(ErrorCode.QUOTA_EXCEEDED.error("The upload needs " + bytes + " bytes; "
          + Math.max(0, limit - usedBytes - reservedBytes()) + " of your " + limit + " are free."));
    }
    Map<String, Long> holds = new HashMap<>(reservations);
    holds.put(uploadId, bytes);
    Map<String, Instant> times = new HashMap<>(reservedAt);
    times.put(uploadId, now);
    return new Write(new QuotaRow(version, usedBytes, mediaCount, limitOverride, holds, times, settled));
  }

  /**
   * Charges the stored bytes. A missing hold (expired, or never made) is charged all the same: the
   * object exists, and under-counting would let a user store past the quota.
   */
  Outcome commit(String uploadId, long actualBytes, Instant now) {
    if (settled.containsKey("commit:" + uploadId)) {
      return new Done();
    }
    Map<String, Long> holds = new HashMap<>(reservations);
    holds.remove(uploadId);
    Map<String, Instant> times = new HashMap<>(reservedAt);
    times.remove(uploadId);
    Map<String, Instant> marks = new HashMap<>(settled);
    marks.put("commit:" + uploadId, now);
    return new Write(new QuotaRow(version, usedBytes + actualBytes, mediaCount + 1, limitOverride, holds, times, marks));
  }

  Outcome release(String uploadId) {
    if (!reservations.containsKey(uploadId)) {
      return new Done();
    }
    Map<String, Long> holds = new HashMap<>(reservations);
    holds.remove(uploadId);
    Map<String, Instant> times = new HashMap<>(reservedAt);
    times.remove(uploadId);
    return new Write(new QuotaRow(version, usedBytes, mediaCount, limitOverride, holds, times, settled));
  }

  Outcome free(String mediaId, long bytes, Instant now) {
    if (settled.containsKey("free:" + mediaId)) {
      return new Done();
    }
    Map<String, Instant> marks = new HashMap<>(settled);
    marks.put("free:" + mediaId, now);
    // No floor at zero: a media charged through a lease that is not folded yet is counted in that
    // lease's charges, not in used_bytes, so the row alone may go below zero until the fold.
    return new Write(new QuotaRow(version, usedBytes - bytes, mediaCount - 1,
        limitOverride, reservations, reservedAt, marks));
  }

  /** An operator's recount (the audit's repair): usage moved by the difference it measured. */
  Outcome adjusted(long deltaBytes, long deltaCount) {
    return new Write(new QuotaRow(version, usedBytes + deltaBytes, mediaCount + deltaCount, limitOverride, reservations,
        reservedAt, settled));
  }

  Outcome limit(Long override) {
    return new Write(new QuotaRow(version, usedBytes, mediaCount, override, reservations, reservedAt, settled));
  }
}
