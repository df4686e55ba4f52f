package io.mediaedge.http;

import io.mediaedge.config.HstsConfig;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Adds {@code Strict-Transport-Security} to every response given over TLS, so a browser that has
 * seen it never tries plain HTTP (where an attacker could strip TLS) until the max-age runs out.
 * Never on the plain listener: RFC 6797 section 7.2 forbids it over plain HTTP, where an attacker
 * could forge or strip it anyway.
 */
final class SecurityHeaders implements Handler<RoutingContext> {
  static final String HSTS = "Strict-Transport-Security";

  /** The header's value, or null when {@code server.https.hsts.maxAge} is 0. */
  private final String hsts;

  SecurityHeaders(HstsConfig config) {
    hsts = config.enabled()
        ? "max-age=" + config.maxAge().toSeconds() + (config.includeSubDomains() ? "; includeSubDomains" : "")
        : null;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (hsts != null && ctx.request().isSSL()) {
      ctx.response().putHeader(HSTS, hsts);
    }
    ctx.next();
  }
}
