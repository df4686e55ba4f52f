package io.mediaedge.http;

import io.mediaedge.config.IpAddresses;
import io.mediaedge.edge.IpRanges;
import io.mediaedge.errors.ErrorCode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: the Prometheus text exposition of our registry, for scrapers on the
 * networks the configuration allows (loopback and private ranges by default); others get 404.
 */
final class MetricsHandler {
  private final PrometheusMeterRegistry registry;
  private final IpRanges allowed;

  MetricsHandler(PrometheusMeterRegistry registry, IpRanges allowed) {
    this.registry = registry;
    this.allowed = allowed;
  }

  void scrape(RoutingContext ctx) {
    boolean permitted = IpAddresses.parse(ctx.request().connection().remoteAddress().hostAddress())
        .map(allowed::contains).orElse(false);
    if (!permitted) {
      throw ErrorCode.NOT_FOUND.error();
    }
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(registry.scrape());
  }
}
