package io.mediaedge.http;

import io.mediaedge.errors.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** The route table: it reads like the API in DESIGN.md. It only registers; {@link ApiHandlers} builds. */
public final class ApiRoutes {
  private ApiRoutes() {}

  /** Registers {@code h}: what each event loop serves. */
  public static Router create(Vertx vertx, ApiHandlers h) {
    Router router = Router.router(vertx);
    router.route().handler(h.accessLog()::watch);
    router.route().handler(h.securityHeaders());
    router.route().handler(RequestTargetCheck::check);
    router.get("/healthz").handler(h.health()::live);
    router.get("/readyz").handler(h.health()::ready);
    router.get("/metrics").handler(h.metrics()::scrape);
    router.get("/.well-known/media-edge/pins").handler(h.pins()::handle);
    router.get("/openapi.json").handler(h.openApi()::serve);

    router.route("/v1/*").handler(h.edge()::tag);
    router.post("/v1/media").handler(UploadHandler::holdBody).handler(h.auth()).handler(h.upload()::upload);
    router.get("/v1/media").handler(h.auth()).handler(h.listing()::list);
    router.get("/v1/media/:id").handler(h.auth()).handler(h.media()::download);
    router.head("/v1/media/:id").handler(h.auth()).handler(h.media()::download);
    router.delete("/v1/media/:id").handler(h.auth()).handler(h.media()::delete);
    router.get("/v1/media/:id/history").handler(h.auth()).handler(h.listing()::history);
    router.get("/v1/media/:id/thumbnails/:size").handler(h.auth()).handler(h.media()::thumbnail);
    router.head("/v1/media/:id/thumbnails/:size").handler(h.auth()).handler(h.media()::thumbnail);
    // Signed links: made by the owner, read with no token (the link is the permission).
    h.links().ifPresent(links -> {
      router.post("/v1/media/:id/links").handler(UploadHandler::holdBody).handler(h.auth()).handler(links::create);
      router.get("/v1/media/:id/content").handler(links::serve);
      router.head("/v1/media/:id/content").handler(links::serve);
      router.get("/v1/media/:id/thumbnails/:size/content").handler(links::serveThumbnail);
      router.head("/v1/media/:id/thumbnails/:size/content").handler(links::serveThumbnail);
    });
    router.get("/v1/edge").handler(h.auth()).handler(h.edge()::describe);
    // Resumable uploads live in Cassandra: with history off their table is one that refuses them.
    router.route("/v1/uploads*").subRouter(h.tus()
        .map(tus -> resumableUploads(vertx, h, tus))
        .orElseGet(() -> resumableUploadsRefused(vertx, h)));

    FailureHandler failures = h.failures();
    router.route().failureHandler(failures);
    // The router's own answers: no route, no method, and a path that did not decode while routes
    // were matched (the router would log each at ERROR and answer in plain text).
    router.errorHandler(400, ctx -> failures.send(ctx.request(), ErrorCode.INVALID_ESCAPE.error()));
    router.errorHandler(404, ctx -> failures.send(ctx.request(), ErrorCode.NOT_FOUND.error()));
    router.errorHandler(405, ctx -> failures.send(ctx.request(), ErrorCode.METHOD_NOT_ALLOWED.error()));
    router.errorHandler(500, failures);
    h.accessLog().nameRoutes(router);
    return router;
  }

  /**
   * tus 1.0.0 at {@code /v1/uploads/}, behind CORS for browsers' tus clients. OPTIONS tells what
   * the server offers and needs no token; a browser's preflight is answered by the CORS handler.
   */
  private static Router resumableUploads(Vertx vertx, ApiHandlers h, TusHandler tus) {
    Router uploads = Router.router(vertx);
    h.uploadsCors().ifPresent(cors -> uploads.route().handler(cors));
    uploads.route("/").handler(tus::protocol);
    uploads.route("/:id").handler(tus::protocol);
    uploads.options("/").handler(tus::options);
    uploads.options("/:id").handler(tus::options);
    uploads.post("/").handler(h.auth()).handler(tus::create);
    uploads.head("/:id").handler(h.auth()).handler(tus::head);
    uploads.patch("/:id").handler(h.auth()).handler(tus::patch);
    uploads.delete("/:id").handler(h.auth()).handler(tus::terminate);
    h.accessLog().nameRoutes(uploads);
    return uploads;
  }

  /** History off: every request gets 501, after CORS so that a browser's script can read it. */
  private static Router resumableUploadsRefused(Vertx vertx, ApiHandlers h) {
    Router uploads = Router.router(vertx);
    h.uploadsCors().ifPresent(cors -> uploads.route().handler(cors));
    uploads.route().handler(HistoryOffHandler::refuseTus);
    return uploads;
  }
}
