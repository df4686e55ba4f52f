package io.mediaedge.storage;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.streams.ReadStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes of one ranged read, as one stream that outlives a broken S3 connection. S3 (and any
 * proxy before it) may close a kept-alive connection while a body is still on its way; S3Mock's
 * Tomcat closes one every 100 requests, and about one 1 MiB range in 750 lost its last few hundred
 * bytes that way, which cost the client the whole download. When the response breaks before its
 * last byte, the rest is asked for again from the first byte not yet delivered, with
 * {@code If-Match} on the ETag the read began with, so every byte comes from the same object; a
 * changed object (412), a whole object where the rest was asked for, or a fourth break in a row
 * (three are resumed) ends the stream with the error. The reader sees
 * neither the break nor the new request. Runs on the caller's context, like the responses.
 */
final class ResumingObjectBody implements ReadStream<Buffer> {
  /** A request in flight and its answer, paused. */
  record Opened(HttpClientRequest request, HttpClientResponse response) {}

  /** Opens bytes {@code first..last} again, only if the object still has {@code etag}. */
  interface Reopen {
    Future<Opened> open(long first, long last, String etag);
  }

  private static final Logger log = LoggerFactory.getLogger(ResumingObjectBody.class);
  /** Breaks in a row resumed; a delivered chunk starts the count again. */
  private static final int RESUMES = 3;

  private final String key;
  private final long last;
  private final String etag;
  private final Reopen reopen;
  /** The first byte not yet delivered. */
  private long next;
  /** The response being read; null between a break and its replacement. */
  private Opened current;
  /** What the reader asked for and has not had yet; Long.MAX_VALUE when flowing. Paused at first. */
  private long demand;
  private int breaksInARow;
  private boolean done;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  /**
   * Reads {@code opened} (bytes {@code first..last} of {@code key}); without an ETag nothing
   * proves a second response is of the same object, so a break then ends the stream.
   */
  ResumingObjectBody(String key, Opened opened, long first, long last, String etag, Reopen reopen) {
    this.key = key;
    this.next = first;
    this.last = last;
    this.etag = etag;
    this.reopen = reopen;
    attach(opened);
  }

  private void attach(Opened opened) {
    current = opened;
    HttpClientResponse response = opened.response();
    response.pause();
    response.handler(chunk -> {
      if (current != opened) {
        return; // a broken response's queued bytes: the new request asks for them again
      }
      next += chunk.length();
      breaksInARow = 0;
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      Handler<Buffer> h = handler;
      if (h != null) {
        h.handle(chunk);
      }
    });
    response.endHandler(v -> {
      if (current == opened) {
        end();
      }
    });
    response.exceptionHandler(failure -> {
      if (current == opened) {
        broke(opened, failure);
      }
    });
    if (demand == Long.MAX_VALUE) {
      response.resume();
    } else if (demand > 0) {
      response.fetch(demand);
    }
  }

  private void broke(Opened broken, Throwable failure) {
    current = null;
    broken.request().reset(0, failure);
    if (done) {
      return;
    }
    if (next > last) {
      end(); // every byte arrived; only the connection's end went missing
      return;
    }
    if (etag == null || ++breaksInARow > RESUMES) {
      fail(failure);
      return;
    }
    log.info("S3's answer for {} broke with bytes {}-{} to come ({}): asking for them again", key, next, last,
        failure.toString());
    reopen.open(next, last, etag).onComplete(reopened -> {
      if (done) {
        if (reopened.succeeded()) {
          reopened.result().request().reset(0); // abandoned while the rest was asked for
        }
      } else if (reopened.succeeded()) {
        attach(reopened.result());
      } else {
        fail(reopened.cause());
      }
    });
  }

  private void end() {
    if (!done) {
      done = true;
      Handler<Void> h = endHandler;
      if (h != null) {
        h.handle(null);
      }
    }
  }

  private void fail(Throwable failure) {
    if (!done) {
      done = true;
      Handler<Throwable> h = exceptionHandler;
      if (h != null) {
        h.handle(failure);
      }
    }
  }

  /** The reader stops before the end: the store's request is reset and nothing more is asked for. */
  void abandon(Throwable why) {
    done = true;
    Opened opened = current;
    current = null;
    if (opened != null) {
      opened.request().reset(0, why);
    }
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    demand = 0;
    if (current != null) {
      current.response().pause();
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    demand = Long.MAX_VALUE;
    if (current != null) {
      current.response().resume();
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    if (amount > 0) {
      demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
      if (current != null) {
        current.response().fetch(amount);
      }
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }
}
