package io.mediaedge.history;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.HistoryEventJson;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Media history in Cassandra: media rows, their events, the outbox of events still owed to
 * Kafka, and the deletions the sweeper still owes S3. Futures complete on the caller's context.
 */
public interface HistoryStore {

  /** The most outbox rows one removal names: one relay read's worth. */
  int MAX_OUTBOX_REMOVALS = 100;

  /** An event waiting for Kafka. */
  record OutboxEntry(int bucket, String eventId, String key, String payload, Instant createdAt) {}

  /** An object the sweeper must remove from storage. */
  record PendingDeletion(int bucket, String owner, String mediaId, String objectKey, Instant requestedAt) {}

  /**
   * An upload under way (or one that never got recorded): where its bytes may be. {@code startedAt}
   * is when it started or, for an upload still running, when its instance last renewed it.
   */
  record UploadIntent(int bucket, String mediaId, String owner, String objectKey, Instant startedAt) {
    /** The same intent, alive at {@code now}. */
    public UploadIntent renewed(Instant now) {
      return new UploadIntent(bucket, mediaId, owner, objectKey, now);
    }
  }

  /** A page of a user's media, newest first; {@code lastMediaId} is where the next page starts after. */
  record MediaPage(List<MediaRecord> items, Optional<String> lastMediaId) {}

  /** Creates the keyspace (when allowed) and applies the versioned schema, idempotently. */
  Future<Void> migrate();

  /**
   * Records a finished upload in one atomic write: the media row, its UPLOAD event (by media and by
   * user and day), the outbox row for Kafka, the removal of its upload intent and, for an upload
   * held from a quota lease, its charge. Fails with {@link RecordingOutcomeUnknown} when the write
   * may still land (it timed out), with an ApiException when it certainly did not.
   */
  Future<Void> recordUpload(MediaRecord media, HistoryEvent event, Optional<QuotaCharge> charge);

  /**
   * Removes everything {@link #recordUpload} wrote for this media, event and charge, with a later
   * write time, so it wins even over a batch that timed out and lands afterwards (a logged batch
   * may still be applied from the batchlog). A no-op for a batch that never landed. The upload's
   * object may be removed only once this succeeded: before, an ACTIVE row could be left without it.
   */
  Future<Void> unrecordUpload(MediaRecord media, HistoryEvent event, Optional<QuotaCharge> charge);

  /** Notes an upload before its first byte reaches storage; {@link #recordUpload} removes it. */
  Future<Void> recordIntent(UploadIntent intent);

  /** Intents older than {@code olderThan}: uploads that were never recorded. */
  Future<List<UploadIntent>> staleIntents(int bucket, Instant olderThan, int limit);

  Future<Void> removeIntent(UploadIntent intent);

  /** The thumbnails the worker recorded for a media, by size (none yet: empty). */
  Future<List<ThumbnailRecord>> thumbnails(String owner, String mediaId);

  /** The same for several media of one owner, in one request (a listing page): media id to its rows. */
  Future<Map<String, List<ThumbnailRecord>>> thumbnails(String owner, List<String> mediaIds);

  /** Records an event (DOWNLOAD, UPLOAD_FAILED) with its outbox row. */
  Future<Void> recordEvent(HistoryEvent event);

  /**
   * Writes an event's history rows (by media and by user and day) without an outbox row and without
   * a logged batch: for events sent to Kafka directly, whose two rows may land one without the other.
   */
  Future<Void> recordEventRows(HistoryEvent event);

  /** Keeps an event for the relay that could not be sent directly. */
  Future<Void> addOutbox(OutboxEntry entry);

  Future<Optional<MediaRecord>> find(String owner, String mediaId);

  /**
   * Moves an ACTIVE media to DELETING (a compare-and-set, so two deletes cannot both win), with its
   * DELETE event, outbox row and pending deletion; the pending deletion is written before the
   * compare-and-set, so the sweeper finishes a delete stopped after it. False when it was not ACTIVE.
   */
  Future<Boolean> markDeleting(MediaRecord media, HistoryEvent event);

  /**
   * Writes what follows a won {@link #markDeleting}: the DELETE event, its outbox row and the
   * pending deletion. Idempotent for the same event, so a delete interrupted between the two
   * writes is completed by repeating it.
   */
  Future<Void> completeDeletion(MediaRecord media, HistoryEvent event);

  /** Marks the media DELETED once its object is gone, and drops the pending deletion. */
  Future<Void> markDeleted(PendingDeletion deletion);

  /** Drops a pending deletion whose media was never marked DELETING (its delete failed first). */
  Future<Void> forgetDeletion(PendingDeletion deletion);

  Future<MediaPage> listActive(String owner, Optional<String> afterMediaId, int limit);

  Future<List<HistoryEvent>> events(String owner, String mediaId);

  Future<List<OutboxEntry>> outbox(int bucket, Instant olderThan, int limit);

  /** Removes rows of one bucket (one partition) in one write; at most {@link #MAX_OUTBOX_REMOVALS} ids. */
  Future<Void> removeOutbox(int bucket, List<String> eventIds);

  Future<List<PendingDeletion>> pendingDeletions(int bucket, int limit);

  int buckets();

  /** The partition an outbox or pending-deletion row with this id lives in. */
  default int bucketOf(String id) {
    return Math.floorMod(id.hashCode(), buckets());
  }

  /** The intent row for an upload about to start. */
  default UploadIntent intentFor(String owner, String mediaId, String objectKey) {
    return new UploadIntent(bucketOf(mediaId), mediaId, owner, objectKey, Instant.now());
  }

  /** The outbox row an event is stored as, so a flow can publish it right after answering. */
  default OutboxEntry outboxEntryFor(HistoryEvent event) {
    return new OutboxEntry(bucketOf(event.eventId()), event.eventId(), event.userId(), HistoryEventJson.encode(event),
        event.occurredAt());
  }

  Future<Void> close();
}
