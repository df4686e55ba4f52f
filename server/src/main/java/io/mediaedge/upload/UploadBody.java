package io.mediaedge.upload;

import io.mediaedge.config.EdgeConfig.UploadConfig;
import io.mediaedge.errors.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;

/**
 * An upload's request body, read from the client socket on demand. It reads ahead at most one
 * window, hashes and counts every byte as it arrives, refuses bytes past the size limit, and hands
 * the bytes out in order to one consumer at a time: a peek at the first bytes, exact-length
 * slices as Reactive Streams publishers (with real backpressure: the client is only read when S3
 * asks for more), or buffered runs for parts of unknown length.
 *
 * <p>The digest is checked the moment the last byte arrives, before that byte is handed on, so a
 * body that does not match its Content-Digest never completes an S3 write.
 *
 * <p>With a growing lease ({@link #growsWithin}) the read-ahead is not a fixed window: the body
 * reads on while what it holds (queued, or handed to the store and not yet taken by its
 * connection) leaves room for one more chunk in its lease, asks the budget for more when it does
 * not, and gives back what it no longer needs once everything has drained.
 *
 * <p>Everything here runs on the request's event loop; subscribers' calls hop onto it.
 */
public final class UploadBody {
  /** The most one read of the client's socket delivers, as far as leases are concerned. */
  private static final long CHUNK = UploadConfig.MIN_LEASE;

  private final Context context;
  private final ReadStream<Buffer> source;
  private final long maxBytes;
  private final long declaredLength;
  private final int window;
  /** Null for a resumable PATCH, whose flow hashes what it keeps itself. */
  private final BodyDigest sha256;
  /** A resumable PATCH keeps what arrived before a cut; a single-request upload fails instead. */
  private final boolean keepBytesOnCut;
  private boolean cut;

  /** The lease this body grows and shrinks, or null: then it reads ahead a fixed window. */
  private GrowingLease lease;

  /** Bytes received and not yet consumed (in pooled buffers only with a growing lease). */
  private final ArrayDeque<BodyPiece> queue = new ArrayDeque<>();
  private long queuedBytes;
  private long received;
  private boolean sourceEnded;
  private boolean fetchOutstanding;
  private boolean filling;
  private boolean refill;
  private boolean heldBack;
  private Throwable failure;
  private Runnable waiter;

  /**
   * @param declaredLength the Content-Length, or -1 when unknown
   * @param expectedSha256 the Content-Digest's SHA-256, or null
   */
  public UploadBody(Context context, ReadStream<Buffer> source, long maxBytes, long declaredLength,
      byte[] expectedSha256, int window) {
    this(context, source, maxBytes, declaredLength, expectedSha256, window, false);
  }

  private UploadBody(Context context, ReadStream<Buffer> source, long maxBytes, long declaredLength,
      byte[] expectedSha256, int window, boolean resumable) {
    this.context = context;
    this.source = source;
    this.maxBytes = maxBytes;
    this.declaredLength = declaredLength;
    this.window = window;
    this.keepBytesOnCut = resumable;
    this.sha256 = resumable ? null : new BodyDigest(expectedSha256);
  }

  /**
   * A resumable upload's PATCH body. It is not hashed here (the flow hashes the bytes it keeps),
   * and a cut connection is an end, not a failure: the consumer takes what arrived, then sees the
   * end with {@link #wasCut()} true, so those bytes can still be made durable.
   */
  public static UploadBody resumable(Context context, ReadStream<Buffer> source, long maxBytes, long declaredLength,
      int window) {
    return new UploadBody(context, source, maxBytes, declaredLength, null, window, true);
  }

  /**
   * Reads ahead within {@code lease} instead of a fixed window, growing it up to {@code cap} as
   * bytes pile up and shrinking it back to what it started with once they have drained. Only for a
   * body consumed through {@link #slice} by a store that reports each chunk {@link #taken}; call
   * before {@link #start()}.
   */
  public UploadBody growsWithin(MemoryBudget.Lease lease, long cap) {
    this.lease = new GrowingLease(lease, cap);
    return this;
  }

  /**
   * The store's connection took {@code bytes} handed to it: they no longer count against the
   * lease. Any thread; the count changes on the body's context.
   */
  public void taken(ByteBuffer chunk) {
    onContext(() -> onTaken(chunk));
  }

  /** Runs {@code task} now when on the body's context, else on it. */
  private void onContext(Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }

  private void onTaken(ByteBuffer chunk) {
    if (lease != null && lease.taken(chunk, queuedBytes)) {
      fillWindow();
    }
  }

  /** Whether the body ended early: the connection was cut or closed before the declared length. */
  public boolean wasCut() {
    return cut;
  }

  /** Starts reading; call once, on the request's context, with the request paused. */
  public UploadBody start() {
    source.pause();
    source.handler(this::onData);
    source.endHandler(v -> onEnd());
    source.exceptionHandler(this::onSourceFailure);
    // A connection that closed while earlier handlers ran (auth, quota, lease) reported it to no
    // one: without this check the body would wait forever for bytes that cannot come.
    if (source instanceof HttpServerRequest request && request.response().closed()) {
      onSourceFailure(new IllegalStateException("connection closed before the body was read"));
      return this;
    }
    fillWindow();
    return this;
  }

  public long received() {
    return received;
  }

  public long declaredLength() {
    return declaredLength;
  }

  /** Whether every byte of the body has arrived from the client (it may not be consumed yet). */
  public boolean allReceived() {
    return sourceEnded || received == declaredLength;
  }

  /** The SHA-256 of the whole body, once its last byte has arrived; null before. */
  public byte[] sha256() {
    return sha256 == null ? null : sha256.value();
  }

  /** Whether the server held the client back (full window) since the last call; resets the flag. */
  public boolean takeHeldBack() {
    boolean was = heldBack || !roomToRead();
    heldBack = false;
    return was;
  }

  /**
   * Stops reading and fails whoever is waiting: S3 failed, the client is too slow, shutdown. On
   * the body's own context this happens at once, so the request's handlers are let go before the
   * error answer takes the request over (a deferred release would undo the answer's handlers).
   */
  public void abort(Throwable cause) {
    onContext(() -> fail(cause));
  }

  public Throwable failure() {
    return failure;
  }

  /** The first {@code n} bytes (fewer if the body is shorter), left in place for the consumers. */
  public Future<Buffer> peek(int n) {
    return once(() -> queuedBytes >= n || sourceEnded, () -> {
      Buffer head = Buffer.buffer(n);
      for (BodyPiece piece : queue) {
        if (head.length() >= n) {
          break;
        }
        head.appendBuffer(piece.bytes(), 0, Math.min(piece.bytes().length(), n - head.length()));
      }
      return head;
    });
  }

  /**
   * Completes once {@code n} bytes are queued, or the body has ended with fewer; nothing is
   * consumed or copied. {@code n} must fit in what the body may read ahead.
   */
  public Future<Void> whenQueued(long n) {
    return once(() -> queuedBytes >= n || sourceEnded, () -> null);
  }

  /** Whether bytes remain after what has been consumed; waits until that is known. */
  public Future<Boolean> hasMore() {
    return once(() -> queuedBytes > 0 || sourceEnded, () -> queuedBytes > 0);
  }

  /**
   * Completes with {@code value} as soon as {@code ready} holds, checked now and again whenever
   * bytes arrive or the body ends (reading on meanwhile); fails with the body's failure.
   */
  private <T> Future<T> once(BooleanSupplier ready, Supplier<T> value) {
    Promise<T> promise = Promise.promise();
    new Runnable() {
      @Override
      public void run() {
        if (failure != null) {
          promise.fail(failure);
        } else if (ready.getAsBoolean()) {
          promise.complete(value.get());
        } else {
          waiter = this;
          fillWindow();
        }
      }
    }.run();
    return promise.future();
  }

  /** Consumes up to {@code n} bytes, fewer only at the end of the body, as the received chunks. */
  public Future<List<ByteBuffer>> take(long n) {
    return BodyRun.take(this, n);
  }

  /** Exactly {@code length} bytes of the body as a single-subscriber publisher. */
  public Publisher<ByteBuffer> slice(long length) {
    return new BodySlice(this, length, Promise.promise());
  }

  /**
   * As {@link #slice(long)}; {@code handedOver} completes once the slice's last byte went to its
   * subscriber (the next slice may start while the store still finishes this one), or fails when
   * the slice ends otherwise.
   */
  public Publisher<ByteBuffer> slice(long length, Promise<Void> handedOver) {
    return new BodySlice(this, length, handedOver);
  }

  // What a slice reads (package-private: kept off this class's public API; on the body's context).

  Context context() {
    return context;
  }

  boolean hasQueued() {
    return !queue.isEmpty();
  }

  /** Whether no more bytes will arrive: the last one did, or a resumable body's connection was cut. */
  boolean sourceEnded() {
    return sourceEnded;
  }

  /** Runs {@code task} once when bytes arrive or the body ends or fails, instead of any earlier waiter. */
  void waitFor(Runnable task) {
    waiter = task;
  }

  /** Forgets {@code task} if it is still the one waiting. */
  void stopWaiting(Runnable task) {
    if (waiter == task) {
      waiter = null;
    }
  }


  /** Consumes the next queued piece, cut to at most {@code atMost} bytes, as the buffer to hand on. */
  ByteBuffer next(long atMost) {
    BodyPiece piece = queue.poll();
    if (piece.bytes().length() > atMost) {
      int cut = (int) atMost;
      queue.addFirst(piece.rest(cut));
      piece = piece.head(cut);
    }
    queuedBytes -= piece.bytes().length();
    ByteBuffer handed = nio(piece.bytes());
    if (lease != null) {
      lease.handed(handed, piece);
    } else {
      piece.release();
    }
    return handed;
  }

  static ByteBuffer nio(Buffer chunk) {
    return ((BufferInternal) chunk).getByteBuf().nioBuffer();
  }

  /** Reads ahead again if the window (or lease) has room. */
  void fillWindow() {
    if (filling) {
      refill = true;
      return;
    }
    filling = true;
    try {
      do {
        refill = false;
        if (sourceEnded || failure != null || fetchOutstanding) {
          break;
        }
        if (!roomToRead()) {
          if (lease != null && lease.grewAtOnce(CHUNK, context, this::fillWindow)) {
            refill = true;
            continue;
          }
          heldBack = true;
          break;
        }
        fetchOutstanding = true;
        source.fetch(1);
      } while (refill);
    } finally {
      filling = false;
    }
  }

  /**
   * Whether another chunk may be read: the window has room or, with a lease, what is held plus
   * one more chunk (no more than the body still owes) fits in it.
   */
  private boolean roomToRead() {
    if (lease == null) {
      return queuedBytes < window;
    }
    long landing = declaredLength >= 0 ? Math.min(CHUNK, Math.max(0, declaredLength - received)) : CHUNK;
    return lease.fits(queuedBytes, landing);
  }

  private void onData(Buffer chunk) {
    fetchOutstanding = false;
    // Only a body whose store reports what its connection took (a growing lease) keeps the pooled
    // bytes: the others (gathered parts, resumable PATCHes) hold them longer than a chunk's trip.
    BodyPiece piece = BodyPiece.received(chunk, lease != null);
    chunk = piece.bytes();
    if (failure != null || sourceEnded) {
      piece.release();
      return;
    }
    received += chunk.length();
    if (received > maxBytes) {
      piece.release();
      fail(ErrorCode.MEDIA_TOO_LARGE.error("The body passed the " + maxBytes + "-byte limit for its media type."));
      return;
    }
    if (sha256 != null) {
      sha256.update(nio(chunk));
    }
    queue.add(piece);
    queuedBytes += chunk.length();
    if (received == declaredLength) {
      finishDigest();
    }
    wake();
    fillWindow();
  }

  private void onEnd() {
    fetchOutstanding = false;
    if (failure != null) {
      return;
    }
    if (declaredLength >= 0 && received < declaredLength) {
      endEarly(ErrorCode.UPLOAD_INCOMPLETE.error());
      return;
    }
    sourceEnded = true;
    finishDigest();
    wake();
  }

  private void onSourceFailure(Throwable cause) {
    endEarly(ErrorCode.UPLOAD_INCOMPLETE.error("The connection closed before the body was complete."));
  }

  private void endEarly(Throwable cause) {
    if (!keepBytesOnCut) {
      fail(cause);
      return;
    }
    if (sourceEnded) {
      return;
    }
    cut = true;
    sourceEnded = true;
    source.handler(null);
    source.endHandler(null);
    source.exceptionHandler(null);
    wake();
  }

  private void finishDigest() {
    if (sha256 != null && !sha256.finishAndMatch()) {
      fail(ErrorCode.DIGEST_MISMATCH.error());
    }
  }

  private void fail(Throwable cause) {
    if (failure != null) {
      return;
    }
    failure = cause;
    queue.forEach(BodyPiece::release);
    queue.clear();
    queuedBytes = 0;
    // Stay paused: nothing more is read from a client whose upload has failed.
    source.handler(null);
    source.endHandler(null);
    source.exceptionHandler(null);
    wake();
  }

  private void wake() {
    Runnable w = waiter;
    if (w != null) {
      waiter = null;
      w.run();
    }
  }
}
