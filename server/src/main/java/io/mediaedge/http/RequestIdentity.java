package io.mediaedge.http;

import io.mediaedge.trace.RequestIds;
import io.mediaedge.trace.RequestScope;
import io.mediaedge.trace.RequestTrace;
import io.mediaedge.trace.TraceParent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * Gives every request its identity before anything else runs, so that every response (errors
 * and refusals included) carries {@code X-Request-Id} and every log line made while serving it
 * names it: the client's id when sane, else a fresh one ({@link RequestIds}); its
 * {@code traceparent} when well formed, else a new trace ({@link TraceParent}), passed on to S3.
 */
final class RequestIdentity {
  private RequestIdentity() {}

  /** Reads the request's ids, binds them to its Vert.x context and sets the response header. */
  static RequestTrace begin(HttpServerRequest request) {
    RequestTrace trace = RequestTrace.fromHeaders(request.headers().getAll(RequestIds.HEADER),
        request.getHeader(TraceParent.HEADER));
    RequestScope.bind(Vertx.currentContext(), trace);
    request.response().putHeader(RequestIds.HEADER, trace.requestId());
    return trace;
  }
}
