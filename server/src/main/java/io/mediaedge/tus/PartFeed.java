package io.mediaedge.tus;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * One part of a resumable upload on its way to S3 while it is still arriving: the bytes the PATCH
 * copied into the part's buffer so far are handed out as views (direct, so the socket
 * writes them without a copy), as the store's
 * connection asks for them. The buffer keeps every byte, so a part whose body is cut can still be
 * stored as the upload's tail, and a part whose streamed write failed can be written again whole.
 *
 * <p>Single subscriber; everything runs on the request's context (demand arriving elsewhere is
 * moved there).
 */
final class PartFeed implements Publisher<ByteBuffer> {
  /** Most bytes in one view: a few socket writes' worth, as the single-request path hands out. */
  private static final int PIECE = 64 * 1024;

  private final Context context;
  private final ByteBuffer buffer;
  private final int length;
  private Subscriber<? super ByteBuffer> subscriber;
  private long demand;
  private int filled;
  private int sent;
  private boolean over;
  private Throwable failure;

  /** {@code length} bytes from index 0 of {@code buffer}; the caller fills them in order. */
  PartFeed(Context context, ByteBuffer buffer, int length) {
    this.context = context;
    this.buffer = buffer;
    this.length = length;
  }

  /** The first {@code bytes} of the part are in the buffer now. */
  void filledTo(int bytes) {
    filled = Math.min(bytes, length);
    drain();
  }

  /** The part will not arrive whole (the body was cut): the write it feeds must fail, so S3 keeps nothing. */
  void fail(Throwable cause) {
    if (failure == null && !over) {
      failure = cause;
      drain();
    }
  }

  @Override
  public void subscribe(Subscriber<? super ByteBuffer> s) {
    onContext(() -> {
      if (subscriber != null) {
        s.onSubscribe(new Subscription() {
          @Override
          public void request(long n) { }

          @Override
          public void cancel() { }
        });
        s.onError(new IllegalStateException("a part is written by one request at a time"));
        return;
      }
      subscriber = s;
      s.onSubscribe(new Subscription() {
        @Override
        public void request(long n) {
          onContext(() -> {
            demand = n <= 0 || demand + n < 0 ? Long.MAX_VALUE : demand + n;
            drain();
          });
        }

        @Override
        public void cancel() {
          onContext(() -> over = true);
        }
      });
      drain();
    });
  }

  private void drain() {
    if (subscriber == null || over) {
      return;
    }
    while (demand > 0 && sent < filled) {
      int piece = Math.min(PIECE, filled - sent);
      ByteBuffer view = buffer.slice(sent, piece);
      sent += piece;
      demand--;
      subscriber.onNext(view);
      if (over) {
        return;
      }
    }
    if (sent == length) {
      over = true;
      subscriber.onComplete();
    } else if (failure != null) {
      over = true;
      subscriber.onError(failure);
    }
  }

  private void onContext(Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }
}
