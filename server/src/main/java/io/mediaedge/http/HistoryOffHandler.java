package io.mediaedge.http;

import io.mediaedge.errors.ErrorCode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Resumable uploads when {@code history.enabled} is false: 501 HISTORY_DISABLED, with no token
 * asked for first (the answer is the same for everyone and says only how this region is set up).
 * A browser's preflight still passes (the CORS handler answers it), so its tus client sends the
 * POST and reads the 501, where a refused preflight would reach it as an opaque network error that
 * tus-js-client keeps retrying. OPTIONS names no Tus-Version or Tus-Extension: a client asking what
 * the server offers learns that tus is not offered here.
 */
final class HistoryOffHandler {
  private HistoryOffHandler() {}

  static void refuseTus(RoutingContext ctx) {
    if (ctx.request().method() == HttpMethod.OPTIONS) {
      ctx.response().setStatusCode(204).end();
    } else {
      ctx.fail(ErrorCode.HISTORY_DISABLED.error());
    }
  }
}
