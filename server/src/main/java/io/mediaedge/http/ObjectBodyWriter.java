package io.mediaedge.http;

import io.mediaedge.buffers.ReceivedChunk;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.media.MediaApi;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a media's bytes to an HTTP response with backpressure: the store's stream is
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

  private static final Logger log = LoggerFactory.getLogger(ObjectBodyWriter.class);

  private ObjectBodyWriter() {}

  /** Completes when the last byte was handed to the response and the response ended. */
  static Future<Void> write(MediaApi.Bytes content, HttpServerResponse response) {
    if (response.closed()) {
      // The client left while the store was asked: its close handler has run already, so give the
      // store's connection back now instead of reading a body nobody takes.
      content.abandon().run();
      return Future.failedFuture(new ClientGoneException());
    }
    Promise<Void> done = Promise.promise();
    var body = content.body();
    long[] written = {0};
    response.closeHandler(closed -> {
      if (!response.ended()) {
        content.abandon().run();
        done.tryFail(new ClientGoneException());
      }
    });
    body.handler(chunk -> {
      written[0] += chunk.length();
      ByteBuf pooled = ReceivedChunk.claim(chunk);
      Future<Void> taken = response.write(chunk);
      if (pooled != null) {
        // Written or failed, the connection is done with the bytes: the pool may have them back.
        taken.onComplete(writeDone -> pooled.release());
      }
      if (response.writeQueueFull()) {
        body.pause();
        response.drainHandler(drained -> body.resume());
      }
    });
    body.exceptionHandler(failure -> {
      // Headers are gone already: the failure handler can only cut the connection.
      log.warn("The store's read of {} broke after {} of {} bytes: {}", content.name(), written[0],
          content.size(), failure.toString());
      content.abandon().run();
      done.tryFail(ErrorCode.STORAGE_UNAVAILABLE.error());
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
