package io.mediaedge.upload;

import io.mediaedge.errors.ErrorCode;
import io.vertx.core.Promise;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * One exact-length run of an {@link UploadBody} as a single-subscriber Reactive Streams publisher.
 * It takes the body's bytes only as its subscriber asks for them, so the client is read no faster
 * than the store writes. Its drain runs on the body's context; the subscriber's calls hop onto it.
 */
final class BodySlice implements Publisher<ByteBuffer>, Subscription {

  private final UploadBody body;
  private long remaining;
  private long demand;
  private Subscriber<? super ByteBuffer> subscriber;
  private boolean done;
  private final Promise<Void> handedOver;
  private final Runnable drainTask = this::drain;

  BodySlice(UploadBody body, long length, Promise<Void> handedOver) {
    this.body = body;
    this.remaining = length;
    this.handedOver = handedOver;
  }

  @Override
  public void subscribe(Subscriber<? super ByteBuffer> s) {
    if (subscriber != null) {
      // The body cannot be read twice: a retried S3 request must fail, not send other bytes.
      s.onSubscribe(new Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      s.onError(new IllegalStateException("an upload body can be subscribed to only once"));
      return;
    }
    subscriber = s;
    s.onSubscribe(this);
  }

  @Override
  public void request(long n) {
    body.context().runOnContext(v -> {
      if (n <= 0) {
        finish(new IllegalArgumentException("Reactive Streams rule 3.9: request must be positive"));
        return;
      }
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      drain();
    });
  }

  @Override
  public void cancel() {
    body.context().runOnContext(v -> {
      done = true;
      handedOver.tryFail(new IllegalStateException("the store cancelled its read of the body"));
      body.stopWaiting(drainTask);
    });
  }

  private void drain() {
    if (done) {
      return;
    }
    while (demand > 0 && remaining > 0 && body.hasQueued() && body.failure() == null) {
      ByteBuffer chunk = body.next(remaining);
      remaining -= chunk.remaining();
      demand--;
      subscriber.onNext(chunk);
    }
    if (body.failure() != null) {
      finish(body.failure());
    } else if (remaining == 0) {
      done = true;
      handedOver.tryComplete();
      subscriber.onComplete();
    } else if (!body.hasQueued() && body.sourceEnded()) {
      finish(ErrorCode.UPLOAD_INCOMPLETE.error());
    } else if (demand > 0) {
      body.waitFor(drainTask);
    }
    body.fillWindow();
  }

  private void finish(Throwable cause) {
    if (!done) {
      done = true;
      handedOver.tryFail(cause);
      subscriber.onError(cause);
    }
  }
}
