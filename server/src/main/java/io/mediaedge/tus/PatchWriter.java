package io.mediaedge.tus;

import io.mediaedge.buffers.ReceivedChunk;
import io.mediaedge.config.EdgeConfig.ServerConfig;
import io.mediaedge.config.EdgeConfig.UploadConfig;
import io.mediaedge.config.ResumableConfig;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.history.ResumableStore;
import io.mediaedge.history.ResumableUpload;
import io.mediaedge.storage.AssembledObjects;
import io.mediaedge.storage.MediaStore.BufferedBody;
import io.mediaedge.storage.MediaStore.ObjectAttributes;
import io.mediaedge.storage.MediaStore.ObjectContent;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.storage.ObjectKeys;
import io.mediaedge.tus.ResumableUploads.Append;
import io.mediaedge.upload.MediaSignature;
import io.mediaedge.upload.SlowUploadGuard;
import io.mediaedge.upload.UploadBody;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PATCH of a resumable upload, run under the upload's lease. Bytes fill the current part in
 * memory (starting with the stored tail, if any); a full part is appended to the object's assembly
 * and, unless the request carries a checksum, is committed at once: the new offset, the assembly's
 * new state and the SHA-256 state are written to the state row by compare-and-set. When the body
 * ends, normally or by a cut, the bytes past the last full part are written as a new tail object
 * and committed the same way. So the offset a client sees after a cut is exactly what is durable,
 * and nothing received is lost.
 *
 * <p>With {@code Upload-Checksum} nothing is committed until the whole body has arrived and
 * matched; a mismatch (or a cut) discards it all, and the parts it wrote are simply written again
 * later, appended to the committed assembly state.
 */
final class PatchWriter {
  private static final Logger log = LoggerFactory.getLogger(PatchWriter.class);
  /** Bytes taken from the request at a time (a few network chunks). */
  private static final long TAKE = 256 * 1024;

  private final Context context;
  /** Tails. */
  private final MediaStore store;
  private final AssembledObjects assemblies;
  private final ResumableStore states;
  private final ResumableConfig resumableConfig;
  private final UploadConfig uploadConfig;
  private final ServerConfig serverConfig;
  private final String holder;
  private final Append append;
  private final long remaining;
  private final MessageDigest checksum;

  private ResumableUpload state;
  /** The assembly's state with this PATCH's parts; committed with the offset, or dropped with them. */
  private String assembly;
  private final PartBuffers buffers;
  /** The part being filled, off the heap (see {@link PartBuffers}); null until the PATCH starts. */
  private ByteBuffer part;
  private long partBytes;
  /** Bytes of the file that have arrived so far: the durable offset plus this PATCH's bytes. */
  private long position;
  private Sha256State hash;
  private UploadBody body;
  private boolean leaseLost;

  PatchWriter(Context context, MediaStore store, AssembledObjects assemblies, ResumableStore states,
      ResumableConfig resumableConfig, UploadConfig uploadConfig, ServerConfig serverConfig, PartBuffers buffers,
      ResumableUpload state, String holder, Append append, long remaining) {
    this.context = context;
    this.buffers = buffers;
    this.store = store;
    this.assemblies = assemblies;
    this.states = states;
    this.resumableConfig = resumableConfig;
    this.uploadConfig = uploadConfig;
    this.serverConfig = serverConfig;
    this.state = state;
    this.holder = holder;
    this.append = append;
    this.remaining = remaining;
    this.checksum = append.checksum() == null ? null : append.checksum().newDigest();
    this.assembly = state.storageState();
    this.hash = Sha256State.restore(state.hashState());
    this.position = state.durableOffset();
  }

  /** Completes with the state after this PATCH (its offset is what is durable now). */
  Future<ResumableUpload> run() {
    log.debug("PATCH of {} from {} ({} bytes declared)", state.uploadId(), state.durableOffset(), append.contentLength());
    body = UploadBody.resumable(context, append.body(), remaining, append.contentLength(),
        uploadConfig.streamWindow()).start();
    SlowUploadGuard guard = new SlowUploadGuard(context.owner(), body, serverConfig.minUploadRate(),
        serverConfig.minUploadRateInterval()).start();
    long renewEvery = Math.max(100, resumableConfig.lease().toMillis() / 3);
    long renewal = context.owner().setPeriodic(renewEvery, id -> renewLease());
    part = buffers.acquire(Math.toIntExact(state.partSize()));
    return checkSignature()
        .compose(v -> loadTail())
        .compose(v -> fill())
        .onComplete(done -> {
          context.owner().cancelTimer(renewal);
          guard.stop();
          // Every storage call that read the buffer has completed: the chain waited for each.
          buffers.release(part);
          if (done.failed()) {
            body.abort(done.cause());
          }
        });
  }

  /** The first bytes of an upload must look like its media type. */
  private Future<Void> checkSignature() {
    if (state.durableOffset() > 0) {
      return Future.succeededFuture();
    }
    return body.peek(MediaSignature.BYTES_NEEDED).compose(head -> {
      boolean wholeFile = state.length() >= 0 && head.length() == state.length();
      if (head.length() < MediaSignature.BYTES_NEEDED && !wholeFile) {
        // Too few bytes to judge yet; they are judged with the next PATCH's by the reader of the object.
        return Future.succeededFuture();
      }
      if (!MediaSignature.matches(state.contentType(), head.getBytes())) {
        return Future.failedFuture(ErrorCode.MEDIA_TYPE_MISMATCH.error(
            "The content does not look like " + state.contentType() + "."));
      }
      return Future.succeededFuture();
    });
  }

  /** The stored tail becomes the start of the part being filled. */
  private Future<Void> loadTail() {
    if (state.tailKey() == null || state.tailLength() == 0) {
      return Future.succeededFuture();
    }
    return store.get(state.tailKey(), 0, state.tailLength() - 1)
        .compose(this::readIntoPart)
        .compose(loaded -> {
          if (loaded != state.tailLength()) {
            return Future.failedFuture(ErrorCode.STORAGE_ERROR.error("The stored tail has the wrong size."));
          }
          partBytes = loaded;
          return Future.succeededFuture();
        });
  }

  private Future<ResumableUpload> fill() {
    // Small takes, copied into the part buffer at once: heap chunks never pile up to a part.
    long wanted = Math.min(TAKE, state.partSize() - partBytes);
    return body.take(wanted).compose(chunks -> {
      long taken = 0;
      for (ByteBuffer chunk : chunks) {
        hash.update(chunk.duplicate());
        if (checksum != null) {
          checksum.update(chunk.duplicate());
        }
        taken += chunk.remaining();
        part.put(chunk.duplicate());
      }
      partBytes += taken;
      position += taken;
      if (leaseLost) {
        return Future.failedFuture(ErrorCode.UPLOAD_LOCKED.error());
      }
      boolean bodyOver = taken < wanted;
      boolean lastByte = state.length() >= 0 && position == state.length();
      if (partBytes == state.partSize() || lastByte && partBytes > 0) {
        long offset = position;
        return appendPart().compose(v -> checksum == null && !lastByte ? commit(offset, null, 0)
                : Future.succeededFuture(state))
            .compose(v -> lastByte || bodyOver ? end() : fill());
      }
      return bodyOver ? end() : fill();
    });
  }

  /** The body is over (all of it, or cut): make what arrived durable, or discard it on a bad checksum. */
  private Future<ResumableUpload> end() {
    if (checksum != null) {
      if (body.wasCut()) {
        return Future.failedFuture(ErrorCode.UPLOAD_INCOMPLETE.error("The body was cut; with Upload-Checksum"
            + " nothing of it is kept."));
      }
      if (!append.checksum().matches(checksum.digest())) {
        return Future.failedFuture(ErrorCode.CHECKSUM_MISMATCH.error());
      }
    }
    long offset = position;
    if (body.wasCut()) {
      log.info("PATCH of {} cut after {} bytes; the upload is durable to {}", state.uploadId(), body.received(),
          offset);
    }
    if (offset == state.durableOffset() && partBytes == state.tailLength()
        && Objects.equals(assembly, state.storageState())) {
      return Future.succeededFuture(state);
    }
    if (partBytes == 0 || state.length() >= 0 && offset == state.length()) {
      // Parts only, the last of them possibly short: no tail.
      return commit(offset, null, 0);
    }
    String tailKey = ObjectKeys.tailKey(state.owner(), state.uploadId(), offset);
    long tailLength = partBytes;
    return store.put(tailKey, filled(),
            new ObjectAttributes(state.owner(), "application/octet-stream", Map.of()))
        .compose(stored -> commit(offset, tailKey, tailLength));
  }

  private Future<Void> appendPart() {
    log.debug("Upload {} part ending at {} ({} bytes)", state.uploadId(), position, partBytes);
    return assemblies.append(assembly, filled())
        .map(next -> {
          assembly = next;
          part.clear().limit(Math.toIntExact(state.partSize()));
          partBytes = 0;
          return null;
        });
  }

  /** Writes the new offset; the old tail object goes once nothing points to it. */
  private Future<ResumableUpload> commit(long offset, String tailKey, long tailLength) {
    String oldTail = state.tailKey();
    ResumableUpload next = state.progressed(offset, assembly, tailKey, tailLength, hash.export(),
        Instant.now().truncatedTo(ChronoUnit.MILLIS).plus(resumableConfig.expiry()));
    return states.update(next).compose(applied -> {
      if (!applied) {
        // Someone else changed the upload: our lease lapsed. What we wrote is theirs to overwrite.
        return Future.failedFuture(ErrorCode.UPLOAD_LOCKED.error());
      }
      state = next;
      if (oldTail != null && !oldTail.equals(tailKey)) {
        store.delete(oldTail).onFailure(e -> log.debug("Old tail {} not removed: {}", oldTail, e.toString()));
      }
      return Future.succeededFuture(next);
    });
  }

  private void renewLease() {
    states.renewLease(state.uploadId(), holder, resumableConfig.lease()).onComplete(ar -> {
      if (ar.failed() || !ar.result()) {
        leaseLost = true;
        body.abort(ErrorCode.UPLOAD_LOCKED.error());
      }
    });
  }

  /** The bytes of the part so far, as a body; the store reads a view, ours stays as it is. */
  private BufferedBody filled() {
    return new BufferedBody(List.of(part.duplicate().flip()));
  }

  /**
   * Reads a small object (a tail, below one part) straight into the part buffer; completes with
   * the bytes read. The chain waits for it, so nothing else touches the buffer meanwhile; the
   * store's stream delivers on the request's context.
   */
  private Future<Long> readIntoPart(ObjectContent content) {
    Promise<Long> promise = Promise.promise();
    long[] read = {0};
    var body = content.body();
    body.handler(chunk -> {
      read[0] += chunk.length();
      ByteBuf pooled = ReceivedChunk.claim(chunk);
      // A tail longer than the state says fails the size check; it must not overflow the part.
      if (chunk.length() <= part.remaining()) {
        part.put(((BufferInternal) chunk).getByteBuf().nioBuffer());
      }
      if (pooled != null) {
        pooled.release(); // copied into the part: S3's buffer can go back to the pool now
      }
    });
    body.exceptionHandler(failure -> {
      content.abandon().run();
      promise.tryFail(ErrorCode.STORAGE_UNAVAILABLE.error());
    });
    body.endHandler(end -> promise.tryComplete(read[0]));
    body.resume();
    return promise.future();
  }
}
