package io.mediaedge.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * Liveness (the process answers) and readiness (it takes new work; false while draining). Both say
 * whether this instance runs with history, so an operator sees at once which kind it is.
 */
final class HealthHandler {
  private final BooleanSupplier ready;
  private final String region;
  private final boolean history;

  HealthHandler(BooleanSupplier ready, String region, boolean history) {
    this.ready = ready;
    this.region = region;
    this.history = history;
  }

  void live(RoutingContext ctx) {
    reply(ctx, 200, "ok");
  }

  void ready(RoutingContext ctx) {
    boolean isReady = ready.getAsBoolean();
    reply(ctx, isReady ? 200 : 503, isReady ? "ready" : "draining");
  }

  private void reply(RoutingContext ctx, int status, String state) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(new JsonObject().put("status", state).put("region", region).put("history", history ? "on" : "off")
            .encode());
  }
}
