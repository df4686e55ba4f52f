package io.mediaedge.buffers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.DuplicatedByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.WrappedByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A body chunk left in the pooled direct buffer Netty read (or decrypted) it into, instead of the
 * heap copy Vert.x makes of every chunk: an upload's request body, or an object's bytes from S3.
 * Vert.x copies a chunk only when its allocator is one of Netty's pooled ones; this wrapper names
 * an unpooled allocator, so Vert.x hands it on as it is and the bytes go from one socket to the
 * other without a copy or a heap allocation.
 *
 * <p>Whoever consumes the bytes {@link #claim claims} the pooled buffer and releases it once the
 * connection it writes them to has taken them (the upload body and the download writer do). A
 * chunk nobody claims (a request refused before its body was read, a connection closed with
 * chunks still queued in Vert.x, a small error body from S3) is released when it becomes
 * unreachable: every slice and duplicate of it keeps it reachable, so the memory cannot go back
 * to the pool while a view of it is still in use.
 */
public final class ReceivedChunk extends WrappedByteBuf {
  private static final Cleaner CLEANER = Cleaner.create();

  private final ByteBuf pooled;
  private final AtomicBoolean claimed;

  /** Takes over {@code pooled}'s one reference. */
  public ReceivedChunk(ByteBuf pooled) {
    super(new NamingUnpooled(pooled));
    this.pooled = pooled;
    this.claimed = new AtomicBoolean();
    AtomicBoolean taken = claimed;
    // The action must not reach this object, or it would never become unreachable.
    CLEANER.register(this, () -> {
      if (taken.compareAndSet(false, true)) {
        pooled.release();
      }
    });
  }

  /**
   * The pooled buffer behind {@code chunk} if it is an unclaimed received chunk (or a view of
   * one); the caller now owns its one reference and must release it. Null otherwise.
   */
  public static ByteBuf claim(Buffer chunk) {
    ByteBuf buf = ((BufferInternal) chunk).getByteBuf();
    while (buf != null && !(buf instanceof ReceivedChunk) && !(buf instanceof View)) {
      ByteBuf inner = buf.unwrap();
      if (inner == buf) {
        return null;
      }
      buf = inner;
    }
    ReceivedChunk root = buf instanceof View view ? view.root : (ReceivedChunk) buf;
    if (root == null || !root.claimed.compareAndSet(false, true)) {
      return null;
    }
    return root.pooled;
  }

  @Override
  public ByteBuf slice() {
    return new View(this, buf.slice());
  }

  @Override
  public ByteBuf slice(int index, int length) {
    return new View(this, buf.slice(index, length));
  }

  @Override
  public ByteBuf duplicate() {
    return new View(this, buf.duplicate());
  }

  /** A slice or duplicate: the same pooled memory, and a reference that keeps the chunk reachable. */
  private static final class View extends WrappedByteBuf {
    private final ReceivedChunk root;

    View(ReceivedChunk root, ByteBuf view) {
      super(view);
      this.root = root;
    }

    @Override
    public ByteBuf slice() {
      return new View(root, buf.slice());
    }

    @Override
    public ByteBuf slice(int index, int length) {
      return new View(root, buf.slice(index, length));
    }

    @Override
    public ByteBuf duplicate() {
      return new View(root, buf.duplicate());
    }
  }

  /**
   * The pooled buffer under an unpooled allocator's name, which is what Vert.x looks at before it
   * copies. Nothing is allocated through it. It duplicates a {@link Plain} wrapper of the buffer,
   * not the buffer itself: a {@code DuplicatedByteBuf} unwraps a pooled slice (the classic pooled
   * allocator's {@code PooledSlicedByteBuf}) to the buffer under it and loses the slice's offset,
   * so under {@code -Dio.netty.allocator.type=pooled} every chunk read as the start of the buffer
   * the HTTP head was read into.
   */
  @SuppressWarnings("deprecation")
  private static final class NamingUnpooled extends DuplicatedByteBuf {
    NamingUnpooled(ByteBuf pooled) {
      super(new Plain(pooled));
    }

    @Override
    public ByteBufAllocator alloc() {
      return UnpooledByteBufAllocator.DEFAULT;
    }
  }

  /** The buffer as it is: same indexes, same reference count, nothing unwrapped. */
  private static final class Plain extends WrappedByteBuf {
    Plain(ByteBuf buffer) {
      super(buffer);
    }
  }
}
