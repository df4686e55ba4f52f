package io.mediaedge.http;

import io.mediaedge.errors.ErrorCode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The routes that need history, when {@code history.enabled} is false: each answers 501
 * HISTORY_DISABLED. No token is asked for first: the answer is the same for everyone and says only
 * how this region is set up.
 */
final class HistoryOffHandler {
  private final List<String> corsAllowedOrigins;

  HistoryOffHandler(List<String> corsAllowedOrigins) {
    this.corsAllowedOrigins = corsAllowedOrigins;
  }

  static void refuse(RoutingContext ctx) {
    ctx.fail(ErrorCode.HISTORY_DISABLED.error());
  }

  /**
   * Every {@code /v1/uploads/} request. OPTIONS still answers as a CORS preflight: a browser's tus
   * client then sends its POST and reads the 501, where a refused preflight would reach it as an
   * opaque network error that tus-js-client keeps retrying. The answer names no Tus-Version or
   * Tus-Extension, so a client asking what the server offers learns that tus is not offered here.
   */
  void tus(RoutingContext ctx) {
    TusHandler.allowOrigin(ctx, corsAllowedOrigins);
    if (ctx.request().method() == HttpMethod.OPTIONS) {
      TusHandler.answerPreflight(ctx.response());
    } else {
      refuse(ctx);
    }
  }
}
