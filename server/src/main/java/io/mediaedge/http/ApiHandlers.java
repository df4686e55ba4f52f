package io.mediaedge.http;

import io.mediaedge.auth.JwtAuthenticator;
import io.mediaedge.auth.PropertyExtractor;
import io.mediaedge.config.PropertiesConfig;
import io.mediaedge.config.EdgeConfig.ServerConfig;
import io.mediaedge.config.EdgeConfig.UploadConfig;
import io.mediaedge.config.ResumableConfig;
import io.mediaedge.edge.EdgeTagger;
import io.mediaedge.edge.IpRanges;
import io.mediaedge.edge.RouteHints;
import io.mediaedge.media.MediaApi;
import io.mediaedge.tls.PinPublisher;
import io.mediaedge.tus.ResumableUploads;
import io.mediaedge.upload.MediaUploads;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Optional;
import java.time.Clock;
import io.mediaedge.links.LinkSigner;
import io.mediaedge.config.LinksConfig;
import java.util.function.BooleanSupplier;

/**
 * Every handler the route table registers, built once per event loop from the parts the
 * composition root made; {@link ApiRoutes} only registers them. {@code tus} is absent with history
 * off; {@code uploadsCors} when no browser origin is allowed.
 */
public record ApiHandlers(SecurityHeaders securityHeaders, AuthHandler auth, EdgeHandler edge, UploadHandler upload,
    MediaHandler media, MediaHistoryHandler listing, HealthHandler health, MetricsHandler metrics, PinsHandler pins,
    OpenApiDocument openApi, FailureHandler failures, Optional<TusHandler> tus, Optional<CorsHandler> uploadsCors,
    AccessLog accessLog, Optional<LinkHandler> links) {

  /**
   * What the handlers serve: the flows and the media port, the edge services, and the settings
   * they read. {@code resumable} is empty when {@code history.enabled} is false.
   */
  public record Parts(MediaApi media, MediaUploads uploads, Optional<ResumableUploads> resumable, byte[] cursorKey,
      BooleanSupplier ready, EdgeTagger tagger, PropertyExtractor properties, RouteHints routes,
      PrometheusMeterRegistry metrics, PinPublisher pins, OpenApiDocument openApi, ServerConfig server,
      UploadConfig upload, ResumableConfig resumableConfig, PropertiesConfig propertiesConfig, boolean history,
      boolean accessLog, Optional<LinkSigner> linkSigner, LinksConfig linksConfig) {}

  /** One event loop's handlers; {@code authenticator} is that loop's own. */
  public static ApiHandlers build(Parts parts, JwtAuthenticator authenticator) {
    EdgeHandler edge = new EdgeHandler(parts.tagger(), parts.properties(), parts.routes(),
        parts.propertiesConfig().maxMetadataBytes());
    MediaHandler media = new MediaHandler(parts.media(), edge);
    Optional<LinkHandler> links = parts.linkSigner()
        .map(signer -> new LinkHandler(parts.media(), media, signer, parts.linksConfig(), Clock.systemUTC()));
    return new ApiHandlers(
        new SecurityHeaders(parts.server().https().hsts()),
        new AuthHandler(authenticator),
        edge,
        new UploadHandler(parts.uploads(), parts.upload(), edge),
        media,
        new MediaHistoryHandler(parts.media(), new ListingCursor(parts.cursorKey()), links),
        new HealthHandler(parts.ready(), parts.server().region(), parts.history()),
        new MetricsHandler(parts.metrics(), IpRanges.of(parts.server().metricsAllowedFrom())),
        new PinsHandler(parts.pins()),
        parts.openApi(),
        new FailureHandler(new ErrorCounter(parts.metrics())),
        parts.resumable().map(uploads -> new TusHandler(uploads, parts.upload(), parts.resumableConfig(), edge)),
        TusHandler.cors(parts.resumableConfig().corsAllowedOrigins()),
        new AccessLog(parts.accessLog()),
        links);
  }
}
