package io.mediaedge.http;

import io.mediaedge.auth.JwtAuthenticator;
import io.mediaedge.auth.PropertyExtractor;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.edge.EdgeTagger;
import io.mediaedge.edge.RouteHints;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.media.MediaService;
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

  /** Builds the handlers for {@code services} and registers them: what each event loop serves. */
  public static Router create(Vertx vertx, Services services, JwtAuthenticator authenticator) {
    return create(vertx, ApiHandlers.build(services, authenticator));
  }

  /** Registers {@code h}: nothing but the table. */
  static Router create(Vertx vertx, ApiHandlers h) {
    Router router = Router.router(vertx);
    router.route().handler(h.securityHeaders());
    router.route().handler(RequestTargetCheck::check);
    router.get("/healthz").handler(h.health()::live);
    router.get("/readyz").handler(h.health()::ready);
    router.get("/metrics").handler(h.metrics()::scrape);
    router.get("/.well-known/media-edge/pins").handler(h.pins()::handle);

    router.route("/v1/*").handler(h.edge()::tag);
    router.post("/v1/media").handler(UploadHandler::holdBody).handler(h.auth()).handler(h.upload()::upload);
    router.get("/v1/media/:id").handler(h.auth()).handler(h.media()::download);
    router.head("/v1/media/:id").handler(h.auth()).handler(h.media()::download);
    router.delete("/v1/media/:id").handler(h.auth()).handler(h.media()::delete);
    router.get("/v1/edge").handler(h.auth()).handler(h.edge()::describe);

    if (h.listing().isPresent() && h.tus().isPresent()) {
      MediaHistoryHandler listing = h.listing().get();
      TusHandler tus = h.tus().get();
      router.get("/v1/media").handler(h.auth()).handler(listing::list);
      router.get("/v1/media/:id/history").handler(h.auth()).handler(listing::history);

      // Resumable uploads (tus 1.0.0); OPTIONS is the CORS preflight too, so it needs no token.
      router.route("/v1/uploads").handler(tus::protocol);
      router.route("/v1/uploads/:id").handler(tus::protocol);
      router.options("/v1/uploads").handler(tus::options);
      router.options("/v1/uploads/:id").handler(tus::options);
      router.post("/v1/uploads").handler(h.auth()).handler(tus::create);
      router.head("/v1/uploads/:id").handler(h.auth()).handler(tus::head);
      router.patch("/v1/uploads/:id").handler(h.auth()).handler(tus::patch);
      router.delete("/v1/uploads/:id").handler(h.auth()).handler(tus::terminate);
    } else {
      // Listings, histories and resumable uploads live in Cassandra: without it, 501.
      router.get("/v1/media").handler(HistoryOffHandler::refuse);
      router.get("/v1/media/:id/history").handler(HistoryOffHandler::refuse);
      router.route("/v1/uploads").handler(h.historyOff()::tus);
      router.route("/v1/uploads/:id").handler(h.historyOff()::tus);
    }

    FailureHandler failures = h.failures();
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
