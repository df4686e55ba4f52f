package io.mediaedge.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the audit needs from the history database, blocking. Scans stream page by page; a table
 * scan hands the rows of one owner one after another (a partition is never split), which the
 * quota check relies on.
 */
public interface AuditRows {

  /** One media row (any status: ACTIVE, DELETING, DELETED). */
  record MediaRow(String owner, String mediaId, String status, long size, String sha256, String objectKey,
      Instant createdAt) {}

  /**
   * One user's quota as stored: {@code usedBytes} and {@code mediaCount} include what live quota
   * leases charged and have not folded yet; {@code holdsReservedAt} is when each hold (an upload's
   * reservation, or {@code lease:<id>} for a lease) was made.
   */
  record Usage(String owner, long usedBytes, long mediaCount, Map<String, Instant> holdsReservedAt) {}

  /**
   * A resumable (tus) upload's row: it owns everything under its object key (the media, tails,
   * multipart uploads) while it exists, and may continue until it expires.
   */
  record Resumable(String uploadId, String owner, String objectKey, boolean finished, Instant expiresAt) {}

  /** A row that should not live long (outbox, pending deletion, upload intent): what it is and since when. */
  record Transient(String id, String objectKey, Instant since) {}

  /** Every media row, owner by owner. */
  void media(Consumer<MediaRow> each);

  /** Whether the user has any media row. */
  boolean hasMedia(String owner);

  /** Every user's quota row. */
  void usage(Consumer<Usage> each);

  /** The quota of one user (as {@link #usage}); empty when the user has no row. */
  Optional<Usage> usageOf(String owner);

  Optional<Resumable> resumable(String uploadId);

  void resumables(Consumer<Resumable> each);

  void outbox(Consumer<Transient> each);

  void pendingDeletions(Consumer<Transient> each);

  void intents(Consumer<Transient> each);

  /** Repair: moves the user's stored usage by these amounts (compare-and-set, as every quota change). */
  void adjustUsage(String owner, long deltaBytes, long deltaCount);

  /** Repair: drops the user's holds older than their TTL and folds lapsed leases (compare-and-set). */
  void pruneHolds(String owner);
}
