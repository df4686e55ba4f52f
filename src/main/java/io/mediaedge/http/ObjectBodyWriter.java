package io.mediaedge.http;

import io.mediaedge.storage.MediaStore.ObjectContent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a stored object's bytes to an HTTP response with backpressure: the store's stream is
 * paused while the client's write queue is full, so a slow reader slows S3 instead of filling
 * memory. A client that goes away abandons the store's read. Runs on the request's context, where
 * the store's stream delivers too.
 */
final class ObjectBodyWriter {
  /** The reader went away mid-body: nothing to answer, nothing to log as an error. */
  static final class ClientGoneException extends RuntimeException {
    ClientGoneException() {
      super("client closed the connection", null, false, false);
    }
  }

  private ObjectBodyWriter() {}

  /** Completes when the last byte was handed to the response and the response ended. */
  static Future<Void> write(ObjectContent content, HttpServerResponse response) {
    Promise<Void> done = Promise.promise();
    var body = content.body();
    response.closeHandler(closed -> {
      if (!response.ended()) {
        content.abandon().run();
        done.tryFail(new ClientGoneException());
      }
    });
    body.handler(chunk -> {
      response.write(chunk);
      if (response.writeQueueFull()) {
        body.pause();
        response.drainHandler(drained -> body.resume());
      }
    });
    body.exceptionHandler(failure -> {
      // Headers are gone already: the failure handler can only cut the connection.
      content.abandon().run();
      done.tryFail(failure);
    });
    body.endHandler(end -> {
      if (!response.closed()) {
        response.end();
      }
      done.tryComplete();
    });
    body.resume();
    return done.future();
  }
}
