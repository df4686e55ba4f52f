package io.mediaedge.history;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where resumable uploads keep their state and take turns: the upload rows (changed only by
 * compare-and-set on their version) and the leases that let one PATCH at a time run, across
 * instances. Futures complete on the caller's context.
 */
public interface ResumableStore {

  /** Writes a new upload (version 0); false when the id is taken. */
  Future<Boolean> create(ResumableUpload upload);

  Future<Optional<ResumableUpload>> find(String uploadId);

  /** Writes {@code next} if the stored version is still {@code next.version() - 1}. */
  Future<Boolean> update(ResumableUpload next);

  /** Removes the upload's row and its index entry. */
  Future<Void> remove(ResumableUpload upload);

  /** Takes the upload's lease for {@code ttl} unless someone holds it; false when held. */
  Future<Boolean> acquireLease(String uploadId, String holder, Duration ttl);

  /** Extends a lease this holder still has; false when it lapsed or was taken. */
  Future<Boolean> renewLease(String uploadId, String holder, Duration ttl);

  /** Whether someone holds the upload's lease now. */
  Future<Boolean> leaseHeld(String uploadId);

  /** Gives the lease back if this holder still has it. */
  Future<Void> releaseLease(String uploadId, String holder);

  /** Ids of the uploads indexed in one bucket (the expiry sweeper's scan). */
  Future<List<String>> uploadsInBucket(int bucket, int limit);

  int buckets();
}
