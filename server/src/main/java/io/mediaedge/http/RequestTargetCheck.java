package io.mediaedge.http;

import io.mediaedge.errors.ErrorCode;
import io.vertx.core.internal.net.RFC3986;
import io.vertx.ext.web.RoutingContext;

/**
 * First on every route: a request target whose percent-escapes do not decode ({@code %zz},
 * {@code %4}) is refused here with 400 INVALID_ESCAPE, before a handler reading a query parameter
 * or a path parameter trips over it and the failure looks like ours.
 */
final class RequestTargetCheck {
  private RequestTargetCheck() {}

  static void check(RoutingContext ctx) {
    String path = ctx.request().path();
    try {
      if (path != null) {
        RFC3986.decodeURIComponent(path, false);
      }
      ctx.request().params();
    } catch (IllegalArgumentException malformed) {
      throw ErrorCode.INVALID_ESCAPE.error();
    }
    ctx.next();
  }
}
