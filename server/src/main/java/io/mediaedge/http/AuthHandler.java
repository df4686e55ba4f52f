package io.mediaedge.http;

import io.mediaedge.auth.JwtAuthenticator;
import io.mediaedge.auth.Principal;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/** Puts the verified caller on the routing context, or fails the request with 401. */
final class AuthHandler implements Handler<RoutingContext> {
  private static final String PRINCIPAL = "media-edge.principal";

  private final JwtAuthenticator authenticator;

  AuthHandler(JwtAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    authenticator.authenticate(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))
        .onSuccess(principal -> {
          ctx.put(PRINCIPAL, principal);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  static Principal principal(RoutingContext ctx) {
    Principal principal = ctx.get(PRINCIPAL);
    if (principal == null) {
      throw new IllegalStateException("route has no AuthHandler before it");
    }
    return principal;
  }
}
