package io.mediaedge.tus;

import io.mediaedge.config.EdgeConfig.ServerConfig;
import io.mediaedge.config.EdgeConfig.UploadConfig;
import io.mediaedge.config.ResumableConfig;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.history.ResumableStore;
import io.mediaedge.history.ResumableUpload;
import io.mediaedge.storage.AssembledObjects;
import io.mediaedge.storage.MediaStore.BufferedBody;
import io.mediaedge.storage.MediaStore.ObjectAttributes;
import io.mediaedge.storage.MediaStore.StreamedBody;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.storage.ObjectKeys;
import io.mediaedge.tus.ResumableUploads.Append;
import io.mediaedge.upload.MediaSignature;
import io.mediaedge.upload.MemoryBudget;
import io.mediaedge.upload.SlowUploadGuard;
import io.mediaedge.upload.UploadBody;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PATCH of a resumable upload, run under the upload's lease. Bytes fill the current part in
 * memory (starting with the stored tail, if any). A part that will arrive whole within this PATCH
 * (its Content-Length says so) streams to S3 as it fills, from the same buffer; any other part is
 * written once full. A full part is appended to the object's assembly and, unless the request
 * carries a checksum, committed: the new offset, the assembly's new state and the SHA-256 state at
 * the part's end are written to the state row by compare-and-set. Writes and commits run behind the
 * body: the next part fills (in a second buffer, when the memory budget has one free) while the
 * previous one is still being acknowledged and committed, and commits stay in part order. When the
 * body ends, normally or by a cut, the bytes past the last full part are written as a new tail
 * object and committed the same way (a part cut while streaming is reset, so S3 keeps none of it).
 * So the offset a client sees after a cut is exactly what is durable, and nothing received is lost.
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
  private final MemoryBudget.Lease memory;
  private final int partSize;

  private ResumableUpload state;
  /** The assembly's state with this PATCH's parts; committed with the offset, or dropped with them. */
  private String assembly;
  private final PartBuffers buffers;
  /** Part buffers taken from {@link #buffers}; given back once every write that reads them is over. */
  private final List<ByteBuffer> owned = new ArrayList<>();
  /** Owned buffers no part uses. */
  private final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
  /** One, or two once the lease grew by a part (never waited for: the second buffer is optional). */
  private int buffersAllowed = 1;
  /** Full parts whose write has not ended, oldest first; their buffers are still read. */
  private final ArrayDeque<Part> writing = new ArrayDeque<>();
  /** Every write this PATCH started, kept to wait for before the buffers go back. */
  private final List<Future<?>> writes = new ArrayList<>();
  /** Parts appended to {@link #assembly} and committed, in order; a failure here ends the PATCH. */
  private Future<Void> written = Future.succeededFuture();
  /** The part being filled; null between parts. */
  private Part part;
  /** The index the next part takes in the assembly, and the first this PATCH writes. */
  private int nextIndex;
  private int firstIndex;
  /** Bytes of the file that have arrived so far: the durable offset plus this PATCH's bytes. */
  private long position;
  /** The file offset after this PATCH's last byte, or -1 when its length is not declared. */
  private final long patchEnd;
  private ResumableSha256 hash;
  private UploadBody body;
  private boolean leaseLost;
  /** Where a PATCH's time goes (debug log): the storage behind, or the client. */
  private long waitedForBuffer;
  private long waitedForBody;

  /** A part: its buffer (bytes from index 0), the file offset of its first byte, how full it is. */
  private static final class Part {
    final ByteBuffer buffer;
    final long start;
    final int capacity;
    final int index;
    int bytes;
    /** Set when the part streams to S3 as it fills. */
    PartFeed feed;
    Future<String> streamed;
    /** Set once full: the write whose ETag goes into the assembly. */
    Future<String> written;

    Part(ByteBuffer buffer, long start, int capacity, int index) {
      this.buffer = buffer;
      this.start = start;
      this.capacity = capacity;
      this.index = index;
    }

    /** The bytes so far, as a body; the store reads a view, the buffer stays as it is. */
    BufferedBody filled() {
      return new BufferedBody(List.of(buffer.slice(0, bytes)));
    }
  }

  PatchWriter(Context context, MediaStore store, AssembledObjects assemblies, ResumableStore states,
      ResumableConfig resumableConfig, UploadConfig uploadConfig, ServerConfig serverConfig, PartBuffers buffers,
      ResumableUpload state, String holder, Append append, long remaining, MemoryBudget.Lease memory) {
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
    this.memory = memory;
    this.partSize = Math.toIntExact(state.partSize());
    this.checksum = append.checksum() == null ? null : append.checksum().newDigest();
    this.assembly = state.storageState();
    this.hash = ResumableSha256.restore(state.hashState());
    this.position = state.durableOffset();
    this.patchEnd = append.contentLength() >= 0 ? state.durableOffset() + append.contentLength() : -1;
  }

  /** Completes with the state after this PATCH (its offset is what is durable now). */
  Future<ResumableUpload> run() {
    log.debug("PATCH of {} from {} ({} bytes declared)", state.uploadId(), state.durableOffset(), append.contentLength());
    try {
      firstIndex = assembly == null ? 0 : assemblies.parts(assembly);
      nextIndex = firstIndex;
    } catch (IllegalArgumentException e) {
      log.error("Unreadable assembly state of {}: {}", state.uploadId(), e.getMessage());
      return Future.failedFuture(ErrorCode.STORAGE_ERROR.error("The stored state of the upload cannot be read."));
    }
    body = UploadBody.resumable(context, append.body(), remaining, append.contentLength(),
        uploadConfig.streamWindow()).start();
    SlowUploadGuard guard = new SlowUploadGuard(context.owner(), body, serverConfig.minUploadRate(),
        serverConfig.minUploadRateInterval()).start();
    long renewEvery = Math.max(100, resumableConfig.lease().toMillis() / 3);
    long renewal = context.owner().setPeriodic(renewEvery, id -> renewLease());
    if (patchEnd < 0 || patchEnd - position > partSize) {
      // More than one part to come: a second buffer lets the next part fill while this one is acknowledged.
      buffersAllowed = memory.tryGrow(partSize) ? 2 : 1;
    }
    long started = System.nanoTime();
    return checkSignature()
        .compose(v -> beginAssembly())
        .compose(v -> startPart())
        .compose(v -> loadTail())
        .compose(v -> fill())
        .onComplete(x -> log.debug("PATCH of {} over in {} ms with {} part buffer(s); {} ms waiting for a buffer"
            + " (its part's write to storage), {} ms for the client's bytes", state.uploadId(),
            (System.nanoTime() - started) / 1_000_000, buffersAllowed, waitedForBuffer / 1_000_000,
            waitedForBody / 1_000_000))
        .transform(done -> {
          context.owner().cancelTimer(renewal);
          guard.stop();
          if (done.failed()) {
            body.abort(done.cause());
            if (part != null && part.feed != null) {
              part.feed.fail(done.cause());
            }
          }
          // The buffers go back once no write reads them any more (failed writes end too).
          return Future.join(writes).transform(settled -> {
            owned.forEach(buffers::release);
            return done.succeeded() ? Future.succeededFuture(done.result()) : Future.failedFuture(done.cause());
          });
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

  /**
   * The upload's first PATCH begins the assembly; the state records it with the first commit.
   * While the state names none, any multipart upload of the key was begun by an earlier PATCH that
   * never committed (killed, cut before its first part, refused by its checksum): under the lease
   * nobody else writes to it and no object exists yet, so it is aborted first. (If that PATCH's
   * commit timed out and lands later still, it loses the compare-and-set to this one's or wins it
   * and this PATCH fails; in that rare order the upload ends at its expiry.)
   */
  private Future<Void> beginAssembly() {
    if (assembly != null) {
      return Future.succeededFuture();
    }
    return store.abortMultipartUploads(state.objectKey())
        .onSuccess(strays -> {
          if (strays > 0) {
            log.info("Upload {}: {} unrecorded assembly(ies) of an earlier PATCH aborted", state.uploadId(), strays);
          }
        })
        .compose(strays -> assemblies.begin(state.objectKey(),
            new ObjectAttributes(state.owner(), state.contentType(), Map.of())))
        .onSuccess(begun -> assembly = begun)
        .mapEmpty();
  }

  /** The stored tail becomes the start of the part being filled. */
  private Future<Void> loadTail() {
    if (state.tailKey() == null || state.tailLength() == 0) {
      return Future.succeededFuture();
    }
    return store.get(state.tailKey(), 0, state.tailLength() - 1)
        .compose(content -> TailReader.readInto(content, part.buffer))
        .compose(loaded -> {
          if (loaded != state.tailLength()) {
            return Future.failedFuture(ErrorCode.STORAGE_ERROR.error("The stored tail has the wrong size."));
          }
          part.bytes = Math.toIntExact(loaded);
          return Future.succeededFuture();
        });
  }

  /**
   * Takes the next part's buffer (waiting while every buffer this PATCH may use is still being
   * written) and, if the part will arrive whole within this PATCH, opens its write to S3.
   */
  private Future<Void> startPart() {
    if (spare.isEmpty() && owned.size() < buffersAllowed) {
      ByteBuffer fresh = buffers.acquire(partSize);
      owned.add(fresh);
      spare.add(fresh);
    }
    if (spare.isEmpty()) {
      long waitStarted = System.nanoTime();
      return writing.peekFirst().written.transform(ended -> {
        waitedForBuffer += System.nanoTime() - waitStarted;
        return startPart();
      });
    }
    // The first part begins with the stored tail, which loadTail puts into it next.
    long start = nextIndex == firstIndex ? position - state.tailLength() : position;
    int capacity = state.length() >= 0 ? Math.toIntExact(Math.min(partSize, state.length() - start)) : partSize;
    ByteBuffer buffer = spare.poll();
    buffer.clear();
    part = new Part(buffer, start, capacity, nextIndex++);
    if (patchEnd >= 0 && start + capacity <= patchEnd) {
      part.feed = new PartFeed(context, buffer, capacity);
      part.streamed = assemblies.writePart(assembly, part.index,
          new StreamedBody(capacity, part.feed));
      writes.add(part.streamed);
    }
    return Future.succeededFuture();
  }

  private Future<ResumableUpload> fill() {
    if (written.failed()) {
      return Future.failedFuture(written.cause());
    }
    // Small takes, copied into the part buffer at once: heap chunks never pile up to a part.
    long wanted = Math.min(TAKE, part.capacity - part.bytes);
    long asked = System.nanoTime();
    return body.take(wanted).compose(chunks -> {
      waitedForBody += System.nanoTime() - asked;
      long taken = 0;
      for (ByteBuffer chunk : chunks) {
        hash.update(chunk.duplicate());
        if (checksum != null) {
          checksum.update(chunk.duplicate());
        }
        taken += chunk.remaining();
        part.buffer.put(chunk.duplicate());
      }
      part.bytes += Math.toIntExact(taken);
      position += taken;
      if (part.feed != null) {
        part.feed.filledTo(part.bytes);
      }
      if (leaseLost) {
        return Future.failedFuture(ErrorCode.UPLOAD_LOCKED.error());
      }
      boolean bodyOver = taken < wanted;
      if (part.bytes == part.capacity) {
        boolean lastByte = state.length() >= 0 && position == state.length();
        closePart(lastByte);
        if (lastByte || bodyOver || position == patchEnd) {
          return end();
        }
        return body.hasMore().compose(more -> more ? startPart().compose(v -> fill()) : end());
      }
      return bodyOver ? end() : fill();
    });
  }

  /**
   * The part is full: its write (streamed already, or from the buffer now; a streamed write that
   * failed is tried once more from the buffer) is appended to the assembly in part order and, unless
   * the request carries a checksum or the upload is complete, committed with the hash at its end.
   */
  private void closePart(boolean lastByte) {
    Part full = part;
    part = null;
    long offset = position;
    byte[] hashAtEnd = hash.export();
    Future<String> etag = full.streamed == null
        ? assemblies.writePart(assembly, full.index, full.filled())
        : full.streamed.recover(failure -> {
          log.debug("Streamed part {} of {} failed ({}); writing it again from memory", full.index,
              state.uploadId(), failure.toString());
          return assemblies.writePart(assembly, full.index, full.filled());
        });
    writes.add(etag);
    full.written = etag;
    writing.add(full);
    etag.onComplete(ended -> {
      writing.remove(full);
      spare.add(full.buffer);
    });
    written = written.compose(v -> etag).compose(tag -> {
      log.debug("Upload {} part {} ending at {}", state.uploadId(), full.index, offset);
      assembly = assemblies.withPart(assembly, tag);
      return checksum == null && !lastByte ? commit(offset, null, 0, hashAtEnd).<Void>mapEmpty()
          : Future.<Void>succeededFuture();
    });
  }

  /** The body is over (all of it, or cut): make what arrived durable, or discard it on a bad checksum. */
  private Future<ResumableUpload> end() {
    Part open = part;
    if (open != null && open.feed != null) {
      // It will not arrive whole: reset its write; its bytes go into the tail instead.
      open.feed.fail(ErrorCode.UPLOAD_INCOMPLETE.error("The part was cut short."));
      open.streamed.onFailure(e -> log.debug("Cut part {} of {} not stored: {}", open.index, state.uploadId(),
          e.toString()));
    }
    return written.compose(v -> {
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
      int tailLength = open == null ? 0 : open.bytes;
      if (offset == state.durableOffset() && tailLength == state.tailLength()
          && Objects.equals(assembly, state.storageState())) {
        return Future.succeededFuture(state);
      }
      byte[] hashAtEnd = hash.export();
      if (tailLength == 0 || state.length() >= 0 && offset == state.length()) {
        // Parts only, the last of them possibly short: no tail.
        return commit(offset, null, 0, hashAtEnd);
      }
      String tailKey = ObjectKeys.tailKey(state.owner(), state.uploadId(), offset);
      return store.put(tailKey, open.filled(),
              new ObjectAttributes(state.owner(), "application/octet-stream", Map.of()))
          .compose(stored -> commit(offset, tailKey, tailLength, hashAtEnd));
    });
  }

  /** Writes the new offset; the old tail object goes once nothing points to it. */
  private Future<ResumableUpload> commit(long offset, String tailKey, long tailLength, byte[] hashState) {
    String oldTail = state.tailKey();
    ResumableUpload next = state.progressed(offset, assembly, tailKey, tailLength, hashState,
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
}
