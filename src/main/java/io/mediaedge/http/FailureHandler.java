package io.mediaedge.http;

import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
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
 * status. Unknown failures are logged here and shown only as INTERNAL_ERROR. When the response has
 * already started, a second one cannot be written: the stream is reset instead.
 */
final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().closed() || ctx.failure() instanceof ResponseBodySubscriber.ClientGoneException) {
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
    if (failure == null && status > 0) {
      return ErrorCode.forStatus(status).error();
    }
    log.error("Unhandled failure on {} {}", request.method(), request.path(), failure);
    return ErrorCode.INTERNAL_ERROR.error();
  }

  /** Writes the error as JSON, or resets the stream when a response is already under way. */
  static void send(HttpServerRequest request, ApiException error) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(error.status());
    error.headers().forEach(response::putHeader);
    response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    response.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    boolean unreadBody = !request.isEnded();
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    if (unreadBody && !http2) {
      // The rest of the body will not be read, so this connection cannot carry another request.
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    String body = new JsonObject().put("error", error.code().name()).put("message", error.getMessage()).encode();
    var ended = request.method() == HttpMethod.HEAD
        ? response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length())).end()
        : response.end(body);
    if (unreadBody && http2) {
      // RST_STREAM NO_ERROR after the full answer tells the client to stop sending (RFC 9113
      // section 8.1); else it blocks on a flow-control window the paused body never reopens.
      ended.onComplete(v -> response.reset(0));
    } else if (unreadBody) {
      ended.onComplete(v -> request.connection().close());
    }
  }
}
