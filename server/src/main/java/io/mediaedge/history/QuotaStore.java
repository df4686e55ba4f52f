package io.mediaedge.history;

import io.vertx.core.Future;

/**
 * Per-user storage quota with reservations, safe under concurrency across instances: every change
 * is a compare-and-set (Cassandra LWT), never a read-then-write. Reservations are keyed by upload
 * id, so a retried call is harmless.
 */
public interface QuotaStore {

  record Usage(long usedBytes, long reservedBytes, long mediaCount, long limitBytes) {}

  /** Reserves {@code bytes} for {@code uploadId}; fails with QUOTA_EXCEEDED when it does not fit. */
  Future<Void> reserve(String owner, String uploadId, long bytes);

  /** Turns the reservation into usage of {@code actualBytes} (at most what was reserved). */
  Future<Void> commit(String owner, String uploadId, long actualBytes);

  /** Drops the reservation (failed upload); unknown ids are ignored. */
  Future<Void> release(String owner, String uploadId);

  /** Gives back the bytes of a deleted media. */
  Future<Void> free(String owner, String mediaId, long bytes);

  Future<Usage> usage(String owner);
}
