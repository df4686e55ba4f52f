package io.mediaedge.cassandra;

import io.mediaedge.errors.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One user's {@code usage_by_owner} row as read at SERIAL, and the pure changes the quota store
 * compare-and-sets onto it. {@code version} is null while the row has never been written by us.
 *
 * @param reservations upload id to bytes held while the upload runs
 * @param reservedAt upload id to when it was reserved, so holds left by a crashed instance expire
 * @param settled {@code commit:<upload id>} and {@code free:<media id>} to when they happened: they
 *     make a retried commit or free count once
 */
record QuotaRow(Long version, long usedBytes, long mediaCount, Long limitOverride, Map<String, Long> reservations,
    Map<String, Instant> reservedAt, Map<String, Instant> settled) {

  static final QuotaRow EMPTY = new QuotaRow(null, 0, 0, null, Map.of(), Map.of(), Map.of());

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

  /** Drops holds older than {@code reservationTtl} and settle marks older than {@code settledTtl}. */
  QuotaRow pruned(Instant now, Duration reservationTtl, Duration settledTtl) {
    Map<String, Long> holds = new HashMap<>(reservations);
    Map<String, Instant> holdTimes = new HashMap<>(reservedAt);
    reservedAt.forEach((id, at) -> {
      if (at.plus(reservationTtl).isBefore(now)) {
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
    return new Write(new QuotaRow(version, Math.max(0, usedBytes - bytes), Math.max(0, mediaCount - 1),
        limitOverride, reservations, reservedAt, marks));
  }

  Outcome limit(Long override) {
    return new Write(new QuotaRow(version, usedBytes, mediaCount, override, reservations, reservedAt, settled));
  }
}
