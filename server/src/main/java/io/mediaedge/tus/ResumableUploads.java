package io.mediaedge.tus;

import io.mediaedge.config.EdgeConfig.ServerConfig;
import io.mediaedge.config.EdgeConfig.UploadConfig;
import io.mediaedge.config.ResumableConfig;
import io.mediaedge.config.PartSizes;
import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.events.OutboxRelay;
import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.QuotaStore;
import io.mediaedge.history.ResumableStore;
import io.mediaedge.history.ResumableUpload;
import io.mediaedge.storage.AssembledObjects;
import io.mediaedge.storage.MediaStore.ObjectAttributes;
import io.mediaedge.storage.MediaStore.ObjectInfo;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.storage.ObjectKeys;
import io.mediaedge.media.MediaId;
import io.mediaedge.media.UploadRecorder;
import io.mediaedge.media.UploadRecorder.FinishedUpload;
import io.mediaedge.upload.MemoryBudget;
import io.mediaedge.upload.UploadsPerUser;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumable uploads (the flows behind tus): creation, appending bytes, status, termination,
 * expiry and the finish that turns a completed upload into media exactly like a single-request
 * upload (media row, UPLOAD event, outbox, quota commit).
 *
 * <p>Each upload is one object assembled from equal parts ({@link AssembledObjects}). The state
 * (durable offset, the storage's opaque state of the assembly, the tail object holding bytes past
 * the last full part, the SHA-256 state) lives in Cassandra and changes only by compare-and-set,
 * so any instance can continue an upload; one PATCH at a time holds the upload's lease. See
 * {@link PatchWriter} for how bytes become durable.
 */
public final class ResumableUploads {
  private static final Logger log = LoggerFactory.getLogger(ResumableUploads.class);

  /**
   * What a creation request asks for. {@code length} is -1 when deferred; {@code rawMetadata} is
   * the {@code Upload-Metadata} header as sent (HEAD returns it unchanged).
   */
  public record Creation(String owner, String contentType, long length, long maxBytes, JsonObject metadata,
      Origin origin, String rawMetadata) {}

  /** What the client is told about an upload. */
  public record Progress(String uploadId, long offset, long length, Instant expiresAt, boolean finished,
      String metadata) {
    public boolean deferred() {
      return length < 0;
    }
  }

  /**
   * A PATCH: where the client says it resumes, an optional late length and checksum, the body, and
   * what to do once the body is wanted ({@code 100 Continue}: only after the offset and the lease
   * are settled, so a refused PATCH is refused before its body is sent).
   */
  public record Append(String owner, String uploadId, long offset, long uploadLength, long contentLength,
      UploadChecksum checksum, ReadStream<Buffer> body, Runnable bodyWanted) {}

  /** HEAD waits up to 20 × 100 ms for a PATCH under way to finish before it answers 423. */
  static final int HEAD_WAIT_ATTEMPTS = 20;
  static final long HEAD_WAIT_STEP_MILLIS = 100;

  private final io.vertx.core.Vertx vertx;
  /** Tails, and the finished object's head and tag. */
  private final MediaStore store;
  private final AssembledObjects assemblies;
  private final ResumableStore states;
  private final HistoryStore history;
  private final QuotaStore quotas;
  private final OutboxRelay relay;
  private final MemoryBudget budget;
  private final UploadsPerUser perUser;
  private final UploadRecorder recorder;
  /** A couple of idle part buffers are kept: most instances run few PATCHes at once. */
  private final PartBuffers partBuffers = new PartBuffers(2);
  private final ResumableConfig resumableConfig;
  private final UploadConfig uploadConfig;
  private final ServerConfig serverConfig;
  /** Names this instance in leases, for the logs of whoever finds one held. */
  private final String instance = "edge-" + UUID.randomUUID();

  public ResumableUploads(io.vertx.core.Vertx vertx, MediaStore store, AssembledObjects assemblies,
      ResumableStore states, HistoryStore history, QuotaStore quotas, OutboxRelay relay, UploadRecorder recorder,
      MemoryBudget budget, UploadsPerUser perUser, ResumableConfig resumableConfig, UploadConfig uploadConfig,
      ServerConfig serverConfig) {
    this.vertx = vertx;
    this.recorder = recorder;
    this.store = store;
    this.assemblies = assemblies;
    this.states = states;
    this.history = history;
    this.quotas = quotas;
    this.relay = relay;
    this.budget = budget;
    this.perUser = perUser;
    this.resumableConfig = resumableConfig;
    this.uploadConfig = uploadConfig;
    this.serverConfig = serverConfig;
  }

  /** Reserves the quota and writes the state. */
  public Future<Progress> create(Creation creation) {
    long limit = Math.min(creation.maxBytes(), resumableConfig.maxSize());
    if (creation.length() == 0) {
      return Future.failedFuture(ErrorCode.EMPTY_BODY.error("Upload-Length is 0: there is no media to upload."));
    }
    if (creation.length() > limit) {
      return Future.failedFuture(ErrorCode.MEDIA_TOO_LARGE.error("Upload-Length is " + creation.length()
          + " bytes; at most " + limit + " are allowed for " + creation.contentType() + "."));
    }
    String id = MediaId.next();
    String key = ObjectKeys.mediaKey(creation.owner(), id);
    // A deferred length holds the type's maximum until the upload finishes and settles.
    long reserved = creation.length() >= 0 ? creation.length() : limit;
    long partSize = partSize(creation.length() >= 0 ? creation.length() : limit);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    // No assembly yet: the first PATCH begins it under the lease. Nothing is stored under the key
    // before the row that owns it exists, so whatever a crash leaves there, the row's end removes.
    ResumableUpload state = new ResumableUpload(id, creation.owner(), serverConfig.region(), creation.contentType(),
        creation.length(), 0, partSize, key, null, null, 0, new Sha256State().export(), creation.rawMetadata(),
        creation.origin(), reserved, now, now.plus(resumableConfig.expiry()), false, 0);
    return quotas.reserve(creation.owner(), id, reserved)
        .compose(held -> states.create(state))
        .compose(created -> created ? Future.succeededFuture(progress(state))
            : Future.failedFuture(ErrorCode.INTERNAL_ERROR.error()))
        .recover(failure -> {
          quotas.release(creation.owner(), id)
              .onFailure(e -> log.warn("Quota hold of {} left to expire: {}", id, e.toString()));
          return Future.failedFuture(failure);
        });
  }

  /**
   * HEAD: the durable offset; an upload completed but not yet recorded is finished first. While a
   * PATCH holds the upload (typically one whose connection was just cut, still storing its tail)
   * the offset is about to move: HEAD waits a little for it, then answers 423 so the client asks
   * again, rather than hand out an offset its next PATCH would find stale (409, which clients such
   * as tus-java-client do not retry).
   */
  public Future<Progress> status(String owner, String uploadId) {
    return untilUnlocked(uploadId, HEAD_WAIT_ATTEMPTS)
        .compose(free -> owned(owner, uploadId))
        .compose(state -> state.complete() && !state.finished()
            ? finish(state).map(this::progress)
            : Future.succeededFuture(progress(state)));
  }

  private Future<Void> untilUnlocked(String uploadId, int attemptsLeft) {
    if (!MediaId.isValid(uploadId)) {
      return Future.succeededFuture();
    }
    return states.leaseHeld(uploadId).compose(held -> {
      if (!held) {
        return Future.succeededFuture();
      }
      if (attemptsLeft <= 1) {
        return Future.failedFuture(ErrorCode.UPLOAD_LOCKED.error());
      }
      io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
      vertx.setTimer(HEAD_WAIT_STEP_MILLIS, id -> untilUnlocked(uploadId, attemptsLeft - 1).onComplete(later));
      return later.future();
    });
  }

  /** PATCH: appends the body at {@code offset} under the upload's lease. */
  public Future<Progress> append(Context context, Append append) {
    return owned(append.owner(), append.uploadId()).compose(first -> {
      checkOffset(first, append.offset());
      String holder = instance + "/" + UUID.randomUUID();
      return states.acquireLease(append.uploadId(), holder, resumableConfig.lease()).compose(acquired -> {
        if (!acquired) {
          log.debug("PATCH of {} refused: another request holds the lease", append.uploadId());
          return Future.failedFuture(ErrorCode.UPLOAD_LOCKED.error());
        }
        // Read again under the lease: the first read may predate the previous holder's last commit.
        return owned(append.owner(), append.uploadId())
            .compose(state -> appendLeased(context, state, append, holder))
            .onFailure(e -> log.debug("PATCH of {} failed: {}", append.uploadId(), e.toString()))
            .eventually(() -> states.releaseLease(append.uploadId(), holder)
                .onFailure(e -> log.debug("Lease of {} left to lapse: {}", append.uploadId(), e.toString())));
      });
    });
  }

  private Future<Progress> appendLeased(Context context, ResumableUpload found, Append append, String holder) {
    checkOffset(found, append.offset());
    if (found.finished()) {
      return Future.succeededFuture(progress(found));
    }
    Future<ResumableUpload> sized = Future.succeededFuture(found);
    if (append.uploadLength() >= 0) {
      sized = declareLength(found, append.uploadLength());
    }
    return sized.compose(state -> {
      if (state.complete()) {
        return finish(state).map(this::progress);
      }
      long remaining = state.deferred() ? state.reservedBytes() - state.durableOffset()
          : state.length() - state.durableOffset();
      if (append.contentLength() > remaining) {
        return Future.failedFuture(ErrorCode.MEDIA_TOO_LARGE.error("The body is " + append.contentLength()
            + " bytes but only " + remaining + " remain of the upload."));
      }
      long leaseBytes = uploadConfig.leaseFor(state.length(), true, state.partSize());
      Optional<UploadsPerUser.Slot> slot = perUser.start(state.owner());
      if (slot.isEmpty()) {
        return Future.failedFuture(perUser.refusal());
      }
      // However the PATCH ends, memory refused included, its slot frees.
      return budget.acquire(context, leaseBytes, uploadConfig.budgetWait()).compose(memory -> {
        PatchWriter writer = new PatchWriter(context, store, assemblies, states, resumableConfig, uploadConfig,
            serverConfig, partBuffers, state, holder,
            append, remaining, memory);
        append.bodyWanted().run();
        return writer.run()
            .compose(written -> written.complete() ? finish(written) : Future.succeededFuture(written))
            .map(this::progress)
            .onComplete(done -> memory.release());
      }).onComplete(done -> slot.get().end());
    });
  }

  /** creation-defer-length: the length arrives with a PATCH, once, and may not be less than what is stored. */
  private Future<ResumableUpload> declareLength(ResumableUpload state, long length) {
    if (!state.deferred()) {
      return state.length() == length ? Future.succeededFuture(state)
          : Future.failedFuture(ErrorCode.INVALID_HEADER.error("Upload-Length cannot change once declared."));
    }
    if (length < state.durableOffset() || length == 0) {
      return Future.failedFuture(ErrorCode.INVALID_HEADER.error("Upload-Length is less than the bytes already"
          + " uploaded."));
    }
    if (length > state.reservedBytes()) {
      return Future.failedFuture(ErrorCode.MEDIA_TOO_LARGE.error("Upload-Length is " + length + " bytes; at most "
          + state.reservedBytes() + " are allowed."));
    }
    ResumableUpload next = state.withLength(length, state.reservedBytes());
    return states.update(next).compose(applied -> applied ? Future.succeededFuture(next)
        : Future.failedFuture(ErrorCode.UPLOAD_LOCKED.error()));
  }

  /**
   * Turns a completed upload into media: completes the object's assembly (or finds it completed),
   * checks the stored size, commits the quota, records the media row, event and outbox row, and
   * marks the state finished. Every step is idempotent, so whoever finds a completed upload that is
   * not finished (HEAD, PATCH, the expiry sweeper) can run it again.
   */
  Future<ResumableUpload> finish(ResumableUpload state) {
    long started = System.nanoTime();
    ObjectAttributes attributes = new ObjectAttributes(state.owner(), state.contentType(), Map.of());
    String sha256 = HexFormat.of().formatHex(ResumableSha256.restore(state.hashState()).digest());
    return assemblies.complete(state.storageState(), state.length(), attributes)
        .<Optional<ObjectInfo>>map(Optional::of)
        // Completed already by an earlier try: then the object is there.
        .recover(failure -> store.head(state.objectKey()).compose(found -> found.isPresent()
            ? Future.succeededFuture(found) : Future.failedFuture(failure)))
        .compose(completed -> {
          log.debug("Resumable upload {} assembled in {} ms", state.uploadId(), (System.nanoTime() - started) / 1_000_000);
          return store.head(state.objectKey());
        })
        .compose(head -> {
          long size = head.map(ObjectInfo::size).orElse(-1L);
          if (size != state.length()) {
            log.error("Resumable upload {} assembled to {} bytes instead of {}", state.uploadId(), size, state.length());
            return Future.failedFuture(ErrorCode.STORAGE_ERROR.error("The assembled object has the wrong size."));
          }
          return store.tag(state.objectKey(), Map.of("sha256", sha256));
        })
        // Recorded again by a retry after a failure here: the same event id, so consumers drop the copy.
        .compose(tagged -> recorder.record(new FinishedUpload(state.owner(), state.uploadId(), state.contentType(),
                state.length(), sha256, state.objectKey(), state.createdAt(), state.origin()),
            MediaId.derived(state.createdAt(), "upload/" + state.uploadId()),
            Instant.now().truncatedTo(ChronoUnit.MILLIS), (System.nanoTime() - started) / 1_000_000))
        .compose(event -> {
          ResumableUpload finished = state.markFinished();
          return states.update(finished).map(applied -> {
            recorder.publish(event);
            deleteTails(finished).onFailure(e -> log.debug("Tails of {} wait for the row's expiry: {}",
                state.uploadId(), e.toString()));
            return finished;
          });
        });
  }

  /** DELETE (termination): aborts the assembly, removes tail and state, gives the quota back. */
  public Future<Void> terminate(String owner, String uploadId) {
    return owned(owner, uploadId).compose(state -> {
      String holder = instance + "/" + UUID.randomUUID();
      return states.acquireLease(uploadId, holder, resumableConfig.lease()).compose(acquired -> {
        if (!acquired) {
          return Future.failedFuture(ErrorCode.UPLOAD_LOCKED.error());
        }
        return discard(state).eventually(() -> states.releaseLease(uploadId, holder));
      });
    });
  }

  /**
   * The expiry sweeper's step for one upload: a finished one past its expiry loses its row, a
   * completed one is finished, an abandoned one is discarded. Skipped while someone holds its lease.
   */
  public Future<Boolean> expireIfDue(String uploadId) {
    return states.find(uploadId).compose(found -> {
      if (found.isEmpty() || found.get().expiresAt().isAfter(Instant.now())) {
        return Future.succeededFuture(false);
      }
      ResumableUpload state = found.get();
      String holder = instance + "/expiry";
      return states.acquireLease(uploadId, holder, resumableConfig.lease()).compose(acquired -> {
        if (!acquired) {
          return Future.succeededFuture(false);
        }
        Future<Void> step = state.complete() && !state.finished() ? finish(state).mapEmpty() : discard(state);
        return step.map(true).eventually(() -> states.releaseLease(uploadId, holder));
      });
    });
  }

  private Future<Void> discard(ResumableUpload state) {
    if (state.finished()) {
      // Termination after completion, or the end of a finished row: the media exists; only the
      // tails and the bookkeeping go.
      return deleteTails(state).compose(v -> states.remove(state));
    }
    return store.abortMultipartUploads(state.objectKey())
        .compose(aborted -> deleteTails(state))
        .compose(v -> quotas.release(state.owner(), state.uploadId()))
        .compose(v -> states.remove(state))
        .onSuccess(v -> log.info("Resumable upload {} discarded at {} of {} bytes", state.uploadId(),
            state.durableOffset(), state.length()));
  }

  /**
   * Removes every tail of the upload, not only the one the state names: a PATCH whose commit timed
   * out leaves a tail no state points to. With the assemblies (a PATCH that begins one first aborts
   * any an earlier PATCH began and never recorded; a discarded upload aborts every one of its key),
   * nothing an instance stored for the upload outlives its row, whatever it failed to record.
   */
  private Future<Void> deleteTails(ResumableUpload state) {
    return store.deleteUnder(ObjectKeys.tailPrefix(state.owner(), state.uploadId()))
        .onSuccess(deleted -> log.debug("Resumable upload {}: {} tail(s) removed", state.uploadId(), deleted))
        .mapEmpty();
  }

  /** The upload if the caller owns it and it lives in this region; 404, 410 or 307 otherwise. */
  private Future<ResumableUpload> owned(String owner, String uploadId) {
    if (!MediaId.isValid(uploadId)) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.error());
    }
    return states.find(uploadId).compose(found -> {
      if (found.isEmpty() || !found.get().owner().equals(owner)) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.error());
      }
      ResumableUpload state = found.get();
      if (!state.region().equals(serverConfig.region())) {
        return Future.failedFuture(elsewhere(state));
      }
      if (!state.finished() && state.expiresAt().isBefore(Instant.now())) {
        return Future.failedFuture(ErrorCode.UPLOAD_GONE.error());
      }
      return Future.succeededFuture(state);
    });
  }

  /**
   * An upload begun in another region continues there: its parts belong to that region's bucket.
   * The client is sent to the same path on that region's hostname.
   */
  private ApiException elsewhere(ResumableUpload state) {
    String base = resumableConfig.regionUrls().get(state.region());
    if (base == null) {
      log.warn("Upload {} belongs to region {}, which has no resumable.regionUrls entry", state.uploadId(),
          state.region());
      return ErrorCode.NOT_FOUND.error();
    }
    return ErrorCode.UPLOAD_IN_OTHER_REGION.error("This upload belongs to region " + state.region() + ".")
        .withHeader("Location", base + "/v1/uploads/" + state.uploadId());
  }

  private static void checkOffset(ResumableUpload state, long offset) {
    if (offset != state.durableOffset()) {
      throw ErrorCode.OFFSET_MISMATCH.error("Upload-Offset is " + offset + " but the upload is at "
          + state.durableOffset() + ".");
    }
  }

  private Progress progress(ResumableUpload state) {
    return new Progress(state.uploadId(), state.durableOffset(), state.length(), state.expiresAt(), state.finished(),
        state.metadata() == null ? "" : state.metadata());
  }

  /** Equal parts of the configured size, grown so a declared length never needs more than 10,000. */
  long partSize(long length) {
    return PartSizes.forLength(length, resumableConfig.partSize());
  }
}
