package io.mediaedge.upload;

import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.events.OutboxRelay;
import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.HistoryStore.UploadIntent;
import io.mediaedge.history.QuotaCharge;
import io.mediaedge.history.QuotaHold;
import io.mediaedge.history.QuotaStore;
import io.mediaedge.history.RecordingOutcomeUnknown;
import io.mediaedge.media.MediaId;
import io.mediaedge.media.UploadRecorder;
import io.mediaedge.media.UploadRecorder.FinishedUpload;
import io.mediaedge.storage.ObjectKeys;
import io.mediaedge.upload.UploadService.StoredMedia;
import io.mediaedge.upload.UploadService.UploadRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole single-request upload: hold quota, stream into storage, record the media row, its
 * event, the outbox row and the quota charge in one write, answer, then publish. A 2xx therefore
 * means durable in S3 and recorded in Cassandra, with the event owed to Kafka written down. Every
 * failure gives the hold back and removes what was stored, then the upload's intent.
 *
 * <p>A body of unknown length holds its type's maximum and is charged its real size at the end.
 * The hold comes from this instance's quota lease, so it usually costs no round trip.
 */
public final class UploadFlow implements MediaUploads {
  private static final Logger log = LoggerFactory.getLogger(UploadFlow.class);

  private final UploadService streaming;
  private final HistoryStore history;
  private final QuotaStore quotas;
  private final OutboxRelay relay;
  /** How long an upload whose recording failed is retried to be undone in Cassandra before its object is left. */
  static final Duration UNDO_PATIENCE = Duration.ofMinutes(10);
  private static final long UNDO_RETRY_MS = 250;
  private static final long UNDO_RETRY_MAX_MS = 5_000;

  private final UploadRecorder recorder;
  /** How often a running upload renews its intent; see {@link #intentRenewal(Duration)}. */
  private final Duration intentRenewal;

  public UploadFlow(UploadService streaming, HistoryStore history, QuotaStore quotas, OutboxRelay relay,
      UploadRecorder recorder, Duration orphanGrace) {
    this.recorder = recorder;
    this.intentRenewal = intentRenewal(orphanGrace);
    this.streaming = streaming;
    this.history = history;
    this.quotas = quotas;
    this.relay = relay;
  }

  @Override
  public Future<StoredMedia> upload(Context context, UploadRequest request, ReadStream<Buffer> source,
      long startedNanos) {
    String id = MediaId.next();
    String owner = request.owner();
    long holding = request.declaredLength() >= 0 ? request.declaredLength() : request.maxBytes();
    UploadIntent intent = history.intentFor(owner, id, ObjectKeys.mediaKey(owner, id));
    // The intent is written before the first byte goes to storage, so a crash anywhere after it
    // leaves a trace the orphan reconciler can follow; the recording batch removes it, and a
    // failed upload removes it once its cleanup is confirmed.
    return quotas.hold(owner, id, holding)
        .compose(hold -> history.recordIntent(intent)
            .compose(noted -> renewedWhileStreaming(context, intent,
                streaming.upload(context, request, source, id, intentRemovedOnceCleanedUp(intent))))
            .compose(stored -> record(context, stored, intent, hold, request.origin(), startedNanos))
            .onFailure(failure -> hold.release()))
        // Every refusal or failure, quota included, is an event for the dashboards.
        .onFailure(failure -> recordFailure(request, id, failure, startedNanos));
  }

  /**
   * Charges the quota in the history write; if that write fails, the client hears so at once and
   * the upload is undone behind it: when the write may still land (it timed out), what it would
   * leave in Cassandra first, then the object.
   */
  private Future<StoredMedia> record(Context context, StoredMedia stored, UploadIntent intent, QuotaHold hold,
      Origin origin, long startedNanos) {
    FinishedUpload upload = new FinishedUpload(stored.owner(), stored.id(), stored.contentType(), stored.size(),
        stored.sha256(), stored.key(), stored.createdAt(), origin);
    HistoryEvent event = recorder.event(upload, MediaId.next(), stored.createdAt(), elapsedMillis(startedNanos));
    return hold.charge(stored.size())
        .recover(failure -> undo(stored, intent, failure))
        .compose(charge -> recorder.writeHistory(upload, event, Optional.of(charge))
            .recover(failure -> {
              if (!(failure instanceof RecordingOutcomeUnknown unknown)) {
                return undo(stored, intent, failure);
              }
              unrecordThenDiscard(context.owner(), upload, event, Optional.of(charge), stored, intent, 1,
                  System.nanoTime() + UNDO_PATIENCE.toNanos());
              return Future.failedFuture(unknown.answer());
            }))
        .map(recorded -> {
          hold.recorded();
          recorder.publish(recorded);
          return stored;
        });
  }

  /** Nothing was written to Cassandra for it: the object goes, then the intent. */
  private <T> Future<T> undo(StoredMedia stored, UploadIntent intent, Throwable failure) {
    discard(stored, intent);
    return Future.failedFuture(failure instanceof ApiException ? failure : ErrorCode.HISTORY_UNAVAILABLE.error());
  }

  /**
   * Removes what the failed write may have left (retried while Cassandra is away, up to
   * {@link #UNDO_PATIENCE}), then the object. Found by the fault suite: a batch that timed out while
   * Cassandra was paused landed when it woke, after the object had been removed, leaving an ACTIVE
   * row with no object and a quota charge its instance no longer counted. Given up, the object
   * stays: its row may exist, and the orphan reconciler removes it when the intent says it is not.
   */
  private void unrecordThenDiscard(Vertx vertx, FinishedUpload upload, HistoryEvent event,
      Optional<QuotaCharge> charge, StoredMedia stored, UploadIntent intent, int attempt, long deadlineNanos) {
    recorder.unwriteHistory(upload, event, charge)
        .onSuccess(v -> discard(stored, intent))
        .onFailure(e -> {
          if (System.nanoTime() > deadlineNanos) {
            log.error("Upload {} could not be undone in Cassandra for {} ({}); its object {} is kept for the orphan"
                + " reconciler", stored.id(), UNDO_PATIENCE, e.toString(), stored.key());
            return;
          }
          vertx.setTimer(Math.min(UNDO_RETRY_MAX_MS, UNDO_RETRY_MS * attempt), id -> unrecordThenDiscard(vertx, upload,
              event, charge, stored, intent, attempt + 1, deadlineNanos));
        });
  }

  private void discard(StoredMedia stored, UploadIntent intent) {
    streaming.discard(stored)
        .onSuccess(removed -> removeIntent(intent))
        .onFailure(e -> log.warn("Object {} of an unrecorded upload not removed: {}", stored.key(), e.toString()));
  }

  /**
   * A third of the orphan grace (at least a second): the orphan reconciler takes intents older than
   * the grace, so a running upload renews its own well before that, however long storage keeps it
   * waiting. Found by the fault suite: with a 10 s grace, S3 frozen for 20 s held uploads longer
   * than that; the reconciler removed an object whose upload then answered 201, and its download
   * answered 404. With the default 24 h grace no upload lives long enough to renew.
   */
  static Duration intentRenewal(Duration orphanGrace) {
    Duration third = orphanGrace.dividedBy(3);
    return third.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : third;
  }

  /** Renews the intent until the bytes are stored (or failed); recording or cleanup removes it after. */
  private <T> Future<T> renewedWhileStreaming(Context context, UploadIntent intent, Future<T> streamed) {
    Vertx vertx = context.owner();
    long timer = vertx.setPeriodic(intentRenewal.toMillis(), tick -> history.recordIntent(intent.renewed(Instant.now()))
        .onFailure(e -> log.debug("Intent of {} not renewed: {}", intent.mediaId(), e.toString())));
    return streamed.onComplete(done -> vertx.cancelTimer(timer));
  }

  /** A promise for the streaming's cleanup: once nothing is left in the store, the intent goes. */
  private Promise<Void> intentRemovedOnceCleanedUp(UploadIntent intent) {
    Promise<Void> cleanedUp = Promise.promise();
    cleanedUp.future().onSuccess(removed -> removeIntent(intent));
    return cleanedUp;
  }

  /**
   * Removes the intent of a failed upload whose object is gone. Best effort: Cassandra being away
   * is often why the upload failed, and a left intent only costs the orphan reconciler a check.
   */
  private void removeIntent(UploadIntent intent) {
    history.removeIntent(intent).onFailure(e -> log.debug("Intent of failed upload {} left to the orphan"
        + " reconciler: {}", intent.mediaId(), e.toString()));
  }

  /** An UPLOAD_FAILED event for the dashboards; best effort, never in the client's way. */
  private void recordFailure(UploadRequest request, String id, Throwable failure, long startedNanos) {
    String status = failure instanceof ApiException api ? api.code().name() : "INTERNAL_ERROR";
    HistoryEvent event = HistoryEvent.failed(MediaId.next(), Instant.now(), request.owner(), id,
        request.contentType(), Math.max(0, request.declaredLength()), status, elapsedMillis(startedNanos),
        request.origin());
    history.recordEvent(event)
        .onSuccess(v -> relay.publishNow(history.outboxEntryFor(event)))
        .onFailure(e -> log.debug("UPLOAD_FAILED event not recorded: {}", e.toString()));
  }

  private static long elapsedMillis(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
