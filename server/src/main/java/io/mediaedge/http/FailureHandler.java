package io.mediaedge.http;

import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.buffers.ReceivedChunk;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place errors become responses: {@code {"error": CODE, "message": text}} with the code's
 * status, counted by code. Unknown failures are logged here and shown only as INTERNAL_ERROR; a
 * client's mistake is never logged above debug, so input alone cannot fill the error log. When the
 * response has already started, a second one cannot be written: the stream is reset instead.
 */
final class FailureHandler implements Handler<RoutingContext> {
  private static final String RETRY_AFTER = "Retry-After";
  /** Long enough for a reconnect or a budget to free, short enough not to stall a user. */
  static final String RETRY_AFTER_UNAVAILABLE_SECONDS = "2";
  private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);
  /** How long and how much of a refused body is read and dropped before the connection closes. */
  static final long LINGER_MILLIS = 5_000;
  static final long LINGER_BYTES = 16L << 20;

  private final ErrorCounter errors;

  FailureHandler(ErrorCounter errors) {
    this.errors = errors;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().closed() || ctx.failure() instanceof ObjectBodyWriter.ClientGoneException) {
      log.debug("Client went away during {} {}", ctx.request().method(), ctx.request().path());
      return;
    }
    ApiException error = toApiError(ctx.failure(), ctx.statusCode(), ctx.request());
    send(ctx.request(), error);
  }

  static ApiException toApiError(Throwable failure, int status, HttpServerRequest request) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof HttpException http) {
      return ErrorCode.forStatus(http.getStatusCode()).error();
    }
    if (status >= 400 && status < 500) {
      // The router's own refusals (fail(400, why)): the client's mistake, not our failure.
      log.debug("{} on {} {}: {}", status, request.method(), request.path(), String.valueOf(failure));
      return ErrorCode.forStatus(status).error();
    }
    if (failure == null && status > 0) {
      return ErrorCode.forStatus(status).error();
    }
    log.error("Unhandled failure on {} {}", request.method(), request.path(), failure);
    return ErrorCode.INTERNAL_ERROR.error();
  }

  /** Writes the error as JSON, or resets the stream when a response is already under way. */
  void send(HttpServerRequest request, ApiException error) {
    errors.count(error);
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(error.status());
    if (error.status() == 503 && !error.headers().containsKey(RETRY_AFTER)) {
      // Every 503 is a moment's shortage (memory, S3, Cassandra): say when to come back, so
      // clients and proxies retry instead of failing the user's upload.
      response.putHeader(RETRY_AFTER, RETRY_AFTER_UNAVAILABLE_SECONDS);
    }
    error.headers().forEach(response::putHeader);
    response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    response.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    boolean unreadBody = !request.isEnded();
    if (unreadBody && request.version() != HttpVersion.HTTP_2) {
      // The rest of the body will not be used, so this connection cannot carry another request.
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    String body = new JsonObject().put("error", error.code().name()).put("message", error.getMessage()).encode();
    // Vert.x leaves the body out of an answer to HEAD (by the method on the wire, so a HEAD reached
    // through X-HTTP-Method-Override, a POST, keeps it) and still sends its Content-Length.
    var ended = response.end(body);
    if (unreadBody) {
      ended.onComplete(v -> lingerThenClose(request));
    }
  }

  /**
   * Reads and drops what is left of a refused body for a bounded time and size before closing.
   * Many clients (the JDK's among them) read the answer only once they have sent the whole body,
   * and a connection closed under them loses the answer; a paused HTTP/2 stream would leave them
   * waiting on a flow-control window that never reopens.
   */
  private static void lingerThenClose(HttpServerRequest request) {
    io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    Runnable close = () -> {
      if (http2) {
        request.response().reset(0x8);
      } else {
        request.connection().close();
      }
    };
    if (context == null) {
      close.run();
      return;
    }
    if (request.isEnded()) {
      // the body finished arriving while the answer was written: nothing left to drain
      if (!http2) {
        close.run();
      }
      return;
    }
    long[] dropped = {0};
    long timer = context.owner().setTimer(LINGER_MILLIS, id -> close.run());
    request.exceptionHandler(e -> context.owner().cancelTimer(timer));
    request.endHandler(v -> {
      context.owner().cancelTimer(timer);
      if (!http2) {
        close.run();
      }
    });
    request.handler(chunk -> {
      ByteBuf pooled = ReceivedChunk.claim(chunk);
      if (pooled != null) {
        pooled.release(); // dropped unread: back to the pool now rather than at the next GC
      }
      dropped[0] += chunk.length();
      if (dropped[0] > LINGER_BYTES && context.owner().cancelTimer(timer)) {
        close.run();
      }
    });
    request.resume();
  }
}
