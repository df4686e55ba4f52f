package io.mediaedge.history;

import io.vertx.core.Future;

/**
 * Per-user storage quota, safe under concurrency across instances: the shared row only changes by
 * compare-and-set (Cassandra LWT), never by a read-then-write.
 *
 * <p>Two ways to hold bytes for an upload. {@link #reserve} puts a reservation keyed by upload id
 * in the shared row, so any instance can commit or release it later (resumable uploads, which may
 * continue elsewhere). {@link #hold} spends from this instance's lease on the user's quota and
 * needs no round trip while the lease has room (single-request uploads, which end where they
 * began); see {@link QuotaHold}.
 */
public interface QuotaStore {

  /**
   * @param reservedBytes per-upload reservations plus the uploads in flight on this instance
   * @param leasedBytes quota other than that set aside by instances' leases and not spent yet
   */
  record Usage(long usedBytes, long reservedBytes, long mediaCount, long limitBytes, long leasedBytes) {}

  /** Reserves {@code bytes} for {@code uploadId}; fails with QUOTA_EXCEEDED when it does not fit. */
  Future<Void> reserve(String owner, String uploadId, long bytes);

  /** Turns the reservation into usage of {@code actualBytes} (at most what was reserved). */
  Future<Void> commit(String owner, String uploadId, long actualBytes);

  /** Drops the reservation (failed upload); unknown ids are ignored. */
  Future<Void> release(String owner, String uploadId);

  /** Gives back the bytes of a deleted media. */
  Future<Void> free(String owner, String mediaId, long bytes);

  /** Holds {@code bytes} for upload {@code uploadId} on this instance; fails with QUOTA_EXCEEDED when they do not fit. */
  Future<QuotaHold> hold(String owner, String uploadId, long bytes);

  Future<Usage> usage(String owner);

  /** Gives this instance's leases back (at shutdown); what cannot be given back lapses on its own. */
  Future<Void> close();
}
