package io.mediaedge.http;

import io.mediaedge.auth.JwtAuthenticator;
import io.mediaedge.auth.PropertyExtractor;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.edge.EdgeTagger;
import io.mediaedge.edge.IpRanges;
import io.mediaedge.edge.RouteHints;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.media.MediaApi;
import io.mediaedge.media.MediaId;
import io.mediaedge.media.MediaService;
import io.mediaedge.media.RecordedMedia;
import io.mediaedge.media.StorageOnlyMedia;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.tls.PinPublisher;
import io.mediaedge.tus.ResumableUploads;
import io.mediaedge.upload.UploadFlow;
import io.mediaedge.upload.UploadService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** The route table: it reads like the API in DESIGN.md. */
public final class ApiRoutes {
  private ApiRoutes() {}

  /**
   * What the routes serve: the flows, stores and edge services the composition root built.
   * {@code history} is empty when {@code history.enabled} is false.
   */
  public record Services(EdgeConfig config, MediaStore store, UploadService streaming, Optional<HistoryFlows> history,
      BooleanSupplier ready, EdgeTagger tagger, PropertyExtractor properties, RouteHints routes,
      PrometheusMeterRegistry metrics, PinPublisher pins) {}

  /** The flows that need Cassandra and Kafka, and the key that signs listing cursors. */
  public record HistoryFlows(UploadFlow uploads, ResumableUploads resumable, MediaService media, byte[] cursorKey) {}

  public static Router create(Vertx vertx, Services services, JwtAuthenticator authenticator) {
    EdgeConfig config = services.config();
    Optional<HistoryFlows> history = services.history();
    AuthHandler auth = new AuthHandler(authenticator);
    EdgeHandler edge = new EdgeHandler(services.tagger(), services.properties(), services.routes(),
        config.properties().maxMetadataBytes());
    // Without history an upload is the streaming into storage alone: the same code path, memory
    // budget and checks, with no quota, row or event around it.
    UploadHandler upload = new UploadHandler(history.<UploadHandler.Uploads>map(flows -> flows.uploads()::upload)
        .orElse((context, request, body, startedNanos) -> services.streaming().upload(context, request, body,
            MediaId.next())), config.upload(), edge);
    MediaHandler media = new MediaHandler(services.store(), history
        .<MediaApi>map(flows -> new RecordedMedia(flows.media()))
        .orElseGet(() -> new StorageOnlyMedia(services.store())), edge);
    HealthHandler health = new HealthHandler(services.ready(), config.server().region(), history.isPresent());
    MetricsHandler metrics = new MetricsHandler(services.metrics(), IpRanges.of(config.server().metricsAllowedFrom()));
    FailureHandler failures = new FailureHandler(new ErrorCounter(services.metrics()));

    Router router = Router.router(vertx);
    router.route().handler(new SecurityHeaders(config.server().https().hsts()));
    router.route().handler(RequestTargetCheck::check);
    router.get("/healthz").handler(health::live);
    router.get("/readyz").handler(health::ready);
    router.get("/metrics").handler(metrics::scrape);
    router.get("/.well-known/media-edge/pins").handler(new PinsHandler(services.pins())::handle);

    router.route("/v1/*").handler(edge::tag);
    router.post("/v1/media").handler(UploadHandler::holdBody).handler(auth).handler(upload::upload);
    router.get("/v1/media/:id").handler(auth).handler(media::download);
    router.head("/v1/media/:id").handler(auth).handler(media::download);
    router.delete("/v1/media/:id").handler(auth).handler(media::delete);
    router.get("/v1/edge").handler(auth).handler(edge::describe);

    if (history.isPresent()) {
      MediaHistoryHandler listing = new MediaHistoryHandler(history.get().media(),
          new ListingCursor(history.get().cursorKey()));
      TusHandler tus = new TusHandler(history.get().resumable(), config, edge);
      router.get("/v1/media").handler(auth).handler(listing::list);
      router.get("/v1/media/:id/history").handler(auth).handler(listing::history);

      // Resumable uploads (tus 1.0.0); OPTIONS is the CORS preflight too, so it needs no token.
      router.route("/v1/uploads").handler(tus::protocol);
      router.route("/v1/uploads/:id").handler(tus::protocol);
      router.options("/v1/uploads").handler(tus::options);
      router.options("/v1/uploads/:id").handler(tus::options);
      router.post("/v1/uploads").handler(auth).handler(tus::create);
      router.head("/v1/uploads/:id").handler(auth).handler(tus::head);
      router.patch("/v1/uploads/:id").handler(auth).handler(tus::patch);
      router.delete("/v1/uploads/:id").handler(auth).handler(tus::terminate);
    } else {
      // Listings, histories and resumable uploads live in Cassandra: without it, 501.
      HistoryOffHandler off = new HistoryOffHandler(config.resumable().corsAllowedOrigins());
      router.get("/v1/media").handler(HistoryOffHandler::refuse);
      router.get("/v1/media/:id/history").handler(HistoryOffHandler::refuse);
      router.route("/v1/uploads").handler(off::tus);
      router.route("/v1/uploads/:id").handler(off::tus);
    }

    router.route().failureHandler(failures);
    // The router's own answers: no route, no method, and a path that did not decode while routes
    // were matched (the router would log each at ERROR and answer in plain text).
    router.errorHandler(400, ctx -> failures.send(ctx.request(), ErrorCode.INVALID_ESCAPE.error()));
    router.errorHandler(404, ctx -> failures.send(ctx.request(), ErrorCode.NOT_FOUND.error()));
    router.errorHandler(405, ctx -> failures.send(ctx.request(), ErrorCode.METHOD_NOT_ALLOWED.error()));
    router.errorHandler(500, failures);
    return router;
  }
}
