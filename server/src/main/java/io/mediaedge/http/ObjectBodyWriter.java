package io.mediaedge.http;

import io.mediaedge.errors.ErrorCode;
import io.mediaedge.media.MediaApi;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
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
  /**
   * Smaller pieces are gathered up to this before they go out. The store hands over whatever each
   * read of its socket held, and every response write is flushed on its own: over TLS each piece
   * becomes records and a system call of its own, and the client pays per record. Four full TLS
   * records; at most this much waits for the next piece (the end of the body sends the rest).
   */
  static final int MIN_WRITE = 64 * 1024;

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
    Gathering gathering = new Gathering();
    body.handler(chunk -> {
      written[0] += chunk.length();
      Buffer out = gathering.add(chunk);
      if (out == null) {
        return;
      }
      response.write(out);
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
        Buffer rest = gathering.rest();
        if (rest != null) {
          response.end(rest);
        } else {
          response.end();
        }
      }
      done.tryComplete();
    });
    body.resume();
    return done.future();
  }

  /** Pieces on their way out: what is ready to write, at least {@link #MIN_WRITE} at a time. */
  static final class Gathering {
    private Buffer gathered;

    /** What to write now that {@code piece} came, or null while less than {@link #MIN_WRITE} is held. */
    Buffer add(Buffer piece) {
      if (gathered == null && piece.length() >= MIN_WRITE) {
        return piece;
      }
      if (gathered == null) {
        gathered = Buffer.buffer(MIN_WRITE);
      }
      gathered.appendBuffer(piece);
      if (gathered.length() < MIN_WRITE) {
        return null;
      }
      Buffer out = gathered;
      gathered = null;
      return out;
    }

    /** What is still held once the body has ended, or null. */
    Buffer rest() {
      Buffer out = gathered;
      gathered = null;
      return out;
    }
  }
}
