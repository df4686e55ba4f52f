package io.mediaedge.media;

import io.mediaedge.events.OutboxRelay;
import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.MediaRecord;
import io.mediaedge.history.QuotaCharge;
import io.mediaedge.history.RecordingOutcomeUnknown;
import io.mediaedge.history.QuotaStore;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;

/**
 * Records a finished upload, whichever flow made it (a single request or a resumable upload):
 * the quota settled to the real size (or, for a hold from a lease, charged in the batch), then the
 * media row, its UPLOAD event, the outbox row and the intent's removal in one batch, then the
 * event published. The flows differ only in what
 * they do when a step fails (a single request undoes itself; a resumable upload keeps its state
 * for the client's retry), so the steps can also be taken one at a time.
 */
public final class UploadRecorder {
  private final HistoryStore history;
  private final QuotaStore quotas;
  private final OutboxRelay relay;

  public UploadRecorder(HistoryStore history, QuotaStore quotas, OutboxRelay relay) {
    this.history = history;
    this.quotas = quotas;
    this.relay = relay;
  }

  /** What both flows know of an upload once its last byte is durable in storage. */
  public record FinishedUpload(String owner, String mediaId, String contentType, long size, String sha256,
      String objectKey, Instant createdAt, Origin origin) {

    /** The media row the upload becomes. */
    MediaRecord row() {
      return new MediaRecord(owner, mediaId, MediaRecord.Status.ACTIVE, contentType, size, sha256, objectKey,
          createdAt, null, origin);
    }

    /** Its UPLOAD event, {@code eventId} stable for a flow that may record the same upload again. */
    HistoryEvent event(String eventId, Instant occurredAt, long latencyMillis) {
      return HistoryEvent.upload(eventId, occurredAt, owner, mediaId, contentType, size, sha256, latencyMillis,
          origin);
    }
  }

  /** Settles the upload's reservation to its real size. */
  public Future<Void> settleQuota(FinishedUpload upload) {
    return quotas.commit(upload.owner(), upload.mediaId(), upload.size());
  }

  /**
   * Writes the row, the event, its outbox row and the upload's quota charge (when it was held from
   * a lease) in one batch; the event is not published yet.
   */
  public Future<HistoryEvent> writeHistory(FinishedUpload upload, String eventId, Instant occurredAt,
      long latencyMillis, Optional<QuotaCharge> charge) {
    return writeHistory(upload, upload.event(eventId, occurredAt, latencyMillis), charge);
  }

  /** The same for an event made already ({@link #event}). */
  public Future<HistoryEvent> writeHistory(FinishedUpload upload, HistoryEvent event, Optional<QuotaCharge> charge) {
    return history.recordUpload(upload.row(), event, charge).map(event);
  }

  /** The upload's event as {@link #writeHistory} writes it. */
  public HistoryEvent event(FinishedUpload upload, String eventId, Instant occurredAt, long latencyMillis) {
    return upload.event(eventId, occurredAt, latencyMillis);
  }

  /** Removes what {@link #writeHistory} wrote, or would write should its batch still land (an undone upload). */
  public Future<Void> unwriteHistory(FinishedUpload upload, HistoryEvent event, Optional<QuotaCharge> charge) {
    return history.unrecordUpload(upload.row(), event, charge);
  }

  /**
   * Both steps, for a flow that undoes nothing when one fails: it records the same upload again
   * with the same event id, so a write of unknown outcome is simply written again.
   */
  public Future<HistoryEvent> record(FinishedUpload upload, String eventId, Instant occurredAt, long latencyMillis) {
    return settleQuota(upload)
        .compose(settled -> writeHistory(upload, eventId, occurredAt, latencyMillis, Optional.empty()))
        .recover(failure -> Future.failedFuture(failure instanceof RecordingOutcomeUnknown unknown
            ? unknown.answer() : failure));
  }

  /** Sends the recorded event now; its outbox row covers a failure to. */
  public void publish(HistoryEvent event) {
    relay.publishNow(history.outboxEntryFor(event));
  }
}
