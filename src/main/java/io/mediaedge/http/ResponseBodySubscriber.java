package io.mediaedge.http;

import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Writes a publisher of bytes (an S3 object) to an HTTP response with backpressure: the next chunk
 * is requested from S3 only while the client's write queue has room, so a slow reader slows S3
 * instead of filling the heap. A client that goes away cancels the S3 stream.
 */
final class ResponseBodySubscriber implements Subscriber<ByteBuffer> {
  /** The reader went away mid-body: nothing to answer, nothing to log as an error. */
  static final class ClientGoneException extends RuntimeException {
    ClientGoneException() {
      super("client closed the connection", null, false, false);
    }
  }

  private final Context context;
  private final HttpServerResponse response;
  private final Promise<Void> done = Promise.promise();
  private final AtomicReference<Subscription> subscription = new AtomicReference<>();

  ResponseBodySubscriber(Context context, HttpServerResponse response) {
    this.context = context;
    this.response = response;
  }

  Future<Void> done() {
    return done.future();
  }

  @Override
  public void onSubscribe(Subscription s) {
    if (!subscription.compareAndSet(null, s)) {
      s.cancel();
      return;
    }
    context.runOnContext(v -> {
      response.closeHandler(closed -> {
        if (!response.ended()) {
          s.cancel();
          done.tryFail(new ClientGoneException());
        }
      });
      s.request(1);
    });
  }

  @Override
  public void onNext(ByteBuffer chunk) {
    context.runOnContext(v -> {
      if (response.closed()) {
        return;
      }
      response.write(BufferInternal.buffer(Unpooled.wrappedBuffer(chunk)));
      if (response.writeQueueFull()) {
        response.drainHandler(drained -> subscription.get().request(1));
      } else {
        subscription.get().request(1);
      }
    });
  }

  @Override
  public void onError(Throwable failure) {
    context.runOnContext(v -> done.tryFail(failure));
  }

  @Override
  public void onComplete() {
    context.runOnContext(v -> {
      done.tryComplete();
      if (!response.closed()) {
        response.end();
      }
    });
  }
}
