package io.mediaedge.upload;

import io.mediaedge.config.EdgeConfig.ServerConfig;
import io.mediaedge.config.EdgeConfig.StorageConfig;
import io.mediaedge.config.EdgeConfig.UploadConfig;
import io.mediaedge.config.PartSizes;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.storage.MediaStore.BufferedBody;
import io.mediaedge.storage.MediaStore.MultipartUpload;
import io.mediaedge.storage.MediaStore.ObjectAttributes;
import io.mediaedge.storage.MediaStore.ObjectInfo;
import io.mediaedge.storage.MediaStore.StreamedBody;
import io.mediaedge.storage.ObjectKeys;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streaming an upload into storage: get memory, check the first bytes, stream the body into the
 * store, and clean up on every failure so a failed upload leaves no object and no multipart upload.
 *
 * <p>Three ways into the store: a known length up to the threshold streams as one put with no
 * buffering beyond the read-ahead window; a larger known length streams part by part (each part's
 * length is known, so nothing is buffered either); an unknown length buffers one part at a time,
 * because S3 needs each part's length before its first byte.
 */
public final class UploadService {
  private static final Logger log = LoggerFactory.getLogger(UploadService.class);
  /** A failed upload's cleanup is retried for about six minutes; after that only a bucket lifecycle rule removes it. */
  private static final int UNDO_ATTEMPTS = 12;
  private static final long UNDO_FIRST_DELAY_MILLIS = 1_000;
  private static final long UNDO_MAX_DELAY_MILLIS = 60_000;

  /** What the HTTP layer learned from the request headers. */
  /** What the upload handler learned from the request headers, and where the request came from. */
  public record UploadRequest(String owner, String contentType, long maxBytes, long declaredLength,
      byte[] expectedSha256, Origin origin) {}

  /** A stored media object. */
  public record StoredMedia(String id, String owner, String contentType, long size, String sha256, Instant createdAt,
      String key) {}

  /**
   * Bytes a client must have sent before its upload takes a connection to the store (fewer if the
   * body is shorter): a client that trickles its body cannot pin S3 connections, which every upload
   * shares, while the slow-upload guard is still measuring it. Within any upload's first share.
   */
  static final long SHOWN_BEFORE_STORING = UploadConfig.MIN_LEASE;

  private final Vertx vertx;
  private final MediaStore store;
  private final MemoryBudget budget;
  private final UploadsPerUser perUser;
  private final StorageConfig storageConfig;
  private final UploadConfig uploadConfig;
  private final ServerConfig serverConfig;

  public UploadService(Vertx vertx, MediaStore store, MemoryBudget budget, StorageConfig storageConfig,
      UploadConfig uploadConfig, ServerConfig serverConfig) {
    this.vertx = vertx;
    this.store = store;
    this.budget = budget;
    this.perUser = new UploadsPerUser(uploadConfig.maxPerUser());
    this.storageConfig = storageConfig;
    this.uploadConfig = uploadConfig;
    this.serverConfig = serverConfig;
  }

  public MemoryBudget budget() {
    return budget;
  }

  /** The per-user limit on uploads in progress, shared with resumable uploads. */
  public UploadsPerUser perUser() {
    return perUser;
  }

  /** Removes a stored object whose upload could not be recorded. */
  Future<Void> discard(StoredMedia media) {
    return store.delete(media.key());
  }

  /**
   * Streams {@code source} (paused by the caller) into the store as media {@code id}; runs on the
   * request's context.
   */
  public Future<StoredMedia> upload(Context context, UploadRequest request, ReadStream<Buffer> source, String id) {
    return upload(context, request, source, id, Promise.promise());
  }

  /**
   * As above, and tells when a failed upload is confirmed to have left nothing in the store:
   * {@code cleanedUp} completes when the first cleanup try that succeeds has removed its object or
   * multipart upload (at once when nothing was written), and fails when the cleanup is given up.
   * It is left pending when the upload succeeds. The failed future itself may come first: the
   * answer waits for the first cleanup try only.
   */
  public Future<StoredMedia> upload(Context context, UploadRequest request, ReadStream<Buffer> source, String id,
      Promise<Void> cleanedUp) {
    long threshold = storageConfig.singlePutThreshold();
    boolean buffersParts = request.declaredLength() < 0;
    long partSize = partSize(request.declaredLength());
    long leaseBytes = uploadConfig.leaseFor(request.declaredLength(), buffersParts, partSize);
    // A streamed body starts small and grows with what actually piles up; gathered parts need their
    // whole lease before the first byte (see MemoryBudget).
    long admitted = buffersParts ? leaseBytes : UploadConfig.firstShare(leaseBytes);
    Optional<UploadsPerUser.Slot> slot = perUser.start(request.owner());
    if (slot.isEmpty()) {
      cleanedUp.tryComplete();
      return Future.failedFuture(perUser.refusal());
    }
    Future<MemoryBudget.Lease> leased = budget.acquire(context, admitted, uploadConfig.budgetWait());
    // Without memory not a byte was read, so nothing reached the store.
    leased.onFailure(noMemory -> cleanedUp.tryComplete());
    return leased.compose(lease -> {
      UploadBody body = new UploadBody(context, source, request.maxBytes(), request.declaredLength(),
          request.expectedSha256(), uploadConfig.streamWindow());
      (buffersParts ? body : body.growsWithin(lease, leaseBytes)).start();
      SlowUploadGuard guard = new SlowUploadGuard(vertx, body, serverConfig.minUploadRate(),
          serverConfig.minUploadRateInterval()).start();
      String key = ObjectKeys.mediaKey(request.owner(), id);
      Attempt attempt = new Attempt(body, key, new ObjectAttributes(request.owner(), request.contentType(), Map.of()),
          cleanedUp);
      return checkSignature(body, request.contentType())
          .compose(v -> buffersParts ? Future.succeededFuture() : body.whenQueued(Math.min(request.declaredLength(),
              SHOWN_BEFORE_STORING)))
          .compose(v -> request.declaredLength() >= 0 && request.declaredLength() <= threshold
              ? attempt.single(request.declaredLength())
              : buffersParts ? attempt.bufferedParts(partSize) : attempt.streamedParts(request.declaredLength(), partSize))
          .compose(stored -> attempt.finish(stored, id, request))
          .recover(failure -> attempt.cleanUp(failure))
          .onComplete(ar -> {
            guard.stop();
            lease.release();
          });
    }).onComplete(done -> slot.get().end()); // however it ends, memory refused included
  }

  private Future<Void> checkSignature(UploadBody body, String contentType) {
    return body.peek(MediaSignature.BYTES_NEEDED).compose(head -> {
      if (head.length() == 0) {
        return Future.failedFuture(ErrorCode.EMPTY_BODY.error());
      }
      if (!MediaSignature.matches(contentType, head.getBytes())) {
        return Future.failedFuture(ErrorCode.MEDIA_TYPE_MISMATCH.error(
            "The content does not look like " + contentType + "."));
      }
      return Future.succeededFuture();
    });
  }

  /** Parts of the configured size, grown for huge bodies so 10,000 parts always suffice. */
  long partSize(long declaredLength) {
    return PartSizes.forLength(declaredLength, storageConfig.partSize());
  }

  /** One upload's writes, and the one owner of what they leave behind on failure. */
  private final class Attempt {
    private final UploadBody body;
    private final String key;
    private final ObjectAttributes attributes;
    private MultipartUpload multipart;
    /** Completes when every part started so far has its answer, success or not. */
    private Future<Void> partsSettled = Future.succeededFuture();
    private boolean putStarted;
    private boolean multipartCompleted;
    private final Promise<Void> cleanedUp;

    Attempt(UploadBody body, String key, ObjectAttributes attributes, Promise<Void> cleanedUp) {
      this.body = body;
      this.key = key;
      this.attributes = attributes;
      this.cleanedUp = cleanedUp;
    }

    Future<ObjectInfo> single(long length) {
      putStarted = true;
      return store.put(key, new StreamedBody(length, body.slice(length), body::taken), attributes);
    }

    Future<ObjectInfo> streamedParts(long length, long partSize) {
      return store.startMultipart(key, attributes).compose(upload -> {
        multipart = upload;
        return streamPart(1, 0, length, partSize, Future.succeededFuture());
      }).compose(v -> complete());
    }

    private Future<ObjectInfo> complete() {
      return multipart.complete().onSuccess(info -> multipartCompleted = true);
    }

    /**
     * Streams part {@code number} and, once its last byte is handed to the store, the next one,
     * while S3 still stores and answers for this one: at most two parts in flight, which costs no
     * memory, as both read from the one body window. {@code previous} is the part before.
     */
    private Future<Void> streamPart(int number, long offset, long length, long partSize, Future<Void> previous) {
      long size = Math.min(partSize, length - offset);
      Promise<Void> handedOver = Promise.promise();
      Future<Void> part = track(multipart.uploadPart(number, new StreamedBody(size, body.slice(size, handedOver), body::taken)));
      long next = offset + size;
      if (next >= length) {
        return Future.all(previous, part).mapEmpty();
      }
      Promise<Void> sent = Promise.promise();
      // A slice that ends early (the SDK cancelled it, the body failed) only says the part will
      // fail: its own answer carries the translated error, so that is the one passed on.
      handedOver.future().onSuccess(v -> sent.tryComplete());
      part.onComplete(ar -> settle(sent, ar));
      return Future.all(previous, sent.future())
          .compose(v -> streamPart(number + 1, next, length, partSize, part));
    }

    private static void settle(Promise<Void> promise, AsyncResult<Void> result) {
      if (result.succeeded()) {
        promise.tryComplete();
      } else {
        promise.tryFail(result.cause());
      }
    }

    /** Keeps a part in flight known, so a cleanup waits for it before aborting the upload. */
    private Future<Void> track(Future<Void> part) {
      Future<Void> earlier = partsSettled;
      partsSettled = Future.join(earlier, part).transform(ar -> Future.succeededFuture());
      return part;
    }

    Future<ObjectInfo> bufferedParts(long partSize) {
      return body.take(partSize).compose(first -> body.hasMore().compose(more -> {
        if (!more) {
          // A short body of unknown length: one put, no multipart bookkeeping.
          putStarted = true;
          return store.put(key, new BufferedBody(first), attributes);
        }
        return store.startMultipart(key, attributes).compose(upload -> {
          multipart = upload;
          return bufferedPart(1, first, partSize);
        }).compose(v -> complete());
      }));
    }

    private Future<Void> bufferedPart(int number, List<ByteBuffer> chunks, long partSize) {
      return multipart.uploadPart(number, new BufferedBody(chunks))
          .compose(v -> body.hasMore())
          .compose(more -> more
              ? body.take(partSize).compose(next -> bufferedPart(number + 1, next, partSize))
              : Future.succeededFuture());
    }

    Future<StoredMedia> finish(ObjectInfo stored, String id, UploadRequest request) {
      if (body.failure() != null || body.sha256() == null) {
        // Cannot happen if the store honoured the body's error, but a 201 must never lie.
        return Future.failedFuture(body.failure() != null ? body.failure() : ErrorCode.INTERNAL_ERROR.error());
      }
      String sha256 = HexFormat.of().formatHex(body.sha256());
      StoredMedia media = new StoredMedia(id, request.owner(), request.contentType(), body.received(), sha256,
          Instant.now().truncatedTo(ChronoUnit.MILLIS), key);
      if (multipart == null) {
        return Future.succeededFuture(media);
      }
      // A multipart object's metadata is fixed at its start, before the hash is known: tag it.
      return store.tag(key, Map.of("sha256", sha256)).map(media);
    }

    <T> Future<T> cleanUp(Throwable failure) {
      body.abort(failure);
      // A part still on its way could land after the abort and keep its storage: let it end first
      // (the aborted body fails it at once).
      return partsSettled.compose(v -> undo(1)).transform(ar -> Future.failedFuture(failure));
    }

    /**
     * Removes what this attempt wrote. The answer waits for the first try only; when the store is
     * unreachable (the usual reason an upload failed), later tries run in the background.
     */
    private Future<Void> undo(int attempt) {
      Future<Void> undo = Future.succeededFuture();
      if (multipart != null && !multipartCompleted) {
        undo = multipart.abort();
      } else if (putStarted || multipartCompleted) {
        undo = store.delete(key);
      }
      return undo.onSuccess(v -> cleanedUp.tryComplete()).onFailure(e -> {
        if (attempt >= UNDO_ATTEMPTS) {
          log.error("Gave up cleaning up after a failed upload to {}: {}", key, e.toString());
          cleanedUp.tryFail(e);
          return;
        }
        long delay = Math.min(UNDO_MAX_DELAY_MILLIS, UNDO_FIRST_DELAY_MILLIS << (attempt - 1));
        log.warn("Could not clean up after a failed upload to {}, trying again in {} ms: {}", key, delay, e.toString());
        vertx.setTimer(delay, id -> undo(attempt + 1));
      });
    }
  }
}
