package io.mediaedge.http;

import io.mediaedge.errors.ErrorCode;
import io.mediaedge.tls.PinPublisher;
import io.mediaedge.tls.PinPublisher.PinDocument;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * {@code GET /.well-known/media-edge/pins}: the signed pin document, to anyone (it holds only
 * public values and its signature is what clients trust, not the channel). Cacheable for the time
 * until it is signed again; 404 when pinning is off.
 */
final class PinsHandler {
  private final PinPublisher pins;

  PinsHandler(PinPublisher pins) {
    this.pins = pins;
  }

  void handle(RoutingContext ctx) {
    Optional<PinDocument> current = pins.current();
    if (current.isEmpty()) {
      ctx.fail(ErrorCode.NOT_FOUND.error());
      return;
    }
    PinDocument document = current.get();
    ctx.response()
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=" + document.cacheSeconds())
        .putHeader(HttpHeaders.ETAG, document.etag());
    if (document.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(document.json());
  }
}
