package io.mediaedge.upload;

import io.vertx.core.Context;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;

/**
 * What an upload body whose lease grows holds in memory beyond its queue: the pieces handed to the
 * store and not yet taken by its connection, and the lease that covers them with the queue. The
 * lease doubles up to its cap when the body has no room, and shrinks back to its first share once
 * everything has drained. Used on the body's context only.
 */
final class GrowingLease {
  private final MemoryBudget.Lease lease;
  private final long cap;
  private final long firstShare;
  private boolean growthAsked;
  /** Bytes handed to the store that its connection has not taken yet. */
  private long inFlight;
  /**
   * Pieces handed to the store, by the very buffer handed, until its connection has taken each.
   * By identity, not in order: the parts of a multipart upload go over different connections, and
   * a later part's chunk may be taken before an earlier part's last one.
   */
  private final IdentityHashMap<ByteBuffer, BodyPiece> handedOver = new IdentityHashMap<>();

  GrowingLease(MemoryBudget.Lease lease, long cap) {
    this.lease = lease;
    this.cap = cap;
    this.firstShare = lease.bytes();
  }

  /** Whether {@code queued} bytes, what is in flight and {@code landing} more fit in the lease. */
  boolean fits(long queued, long landing) {
    return queued + inFlight + landing <= lease.bytes();
  }

  /** {@code piece} went to the store as {@code handed}; it is released when that buffer is taken. */
  void handed(ByteBuffer handed, BodyPiece piece) {
    inFlight += piece.bytes().length();
    handedOver.put(handed, piece);
  }

  /**
   * The store's connection took {@code chunk} (or dropped it): its piece goes back to the pool and
   * no longer counts. False when the buffer was not one handed out (or was reported already).
   */
  boolean taken(ByteBuffer chunk, long queued) {
    BodyPiece piece = handedOver.remove(chunk);
    if (piece == null) {
      return false;
    }
    piece.release();
    inFlight -= piece.bytes().length();
    if (inFlight == 0 && queued == 0) {
      // The client, not the store, sets the pace now: more memory would not make it faster.
      lease.shrinkTo(firstShare);
    }
    return true;
  }

  /**
   * Asks the lease to grow by {@code chunk} or by what it holds, whichever is more, up to its cap;
   * true when the bytes were granted at once. Otherwise the growth waits in the budget, and
   * {@code granted} runs on {@code context} when it comes; meanwhile the body reads on within the
   * lease as the store takes what is held.
   */
  boolean grewAtOnce(long chunk, Context context, Runnable granted) {
    if (growthAsked) {
      return false;
    }
    long held = lease.bytes();
    long extra = Math.min(cap - held, Math.max(chunk, held));
    if (extra <= 0) {
      return false;
    }
    growthAsked = true;
    if (lease.grow(extra, context, () -> {
      growthAsked = false;
      granted.run();
    })) {
      growthAsked = false;
      return true;
    }
    return false;
  }
}
