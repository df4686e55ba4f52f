package io.mediaedge.http;

import io.mediaedge.auth.JwtAuthenticator;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.media.MediaService;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.tls.PinPublisher;
import io.mediaedge.upload.UploadFlow;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.function.BooleanSupplier;

/** The route table: it reads like the API in DESIGN.md. */
public final class ApiRoutes {
  private ApiRoutes() {}

  /** What the routes serve: the flows and stores the composition root built. */
  public record Services(EdgeConfig config, MediaStore store, UploadFlow uploads, MediaService media,
      byte[] cursorKey, BooleanSupplier ready, PinPublisher pins) {}

  public static Router create(Vertx vertx, Services services, JwtAuthenticator authenticator) {
    AuthHandler auth = new AuthHandler(authenticator);
    UploadHandler upload = new UploadHandler(services.uploads(), services.config().upload());
    MediaHandler media = new MediaHandler(services.store(), services.media(), new ListingCursor(services.cursorKey()));
    HealthHandler health = new HealthHandler(services.ready(), services.config().server().region());
    FailureHandler failures = new FailureHandler();

    Router router = Router.router(vertx);
    router.get("/healthz").handler(health::live);
    router.get("/readyz").handler(health::ready);
    router.get("/.well-known/media-edge/pins").handler(new PinsHandler(services.pins())::handle);

    router.post("/v1/media").handler(UploadHandler::holdBody).handler(auth).handler(upload::upload);
    router.get("/v1/media").handler(auth).handler(media::list);
    router.get("/v1/media/:id").handler(auth).handler(media::download);
    router.head("/v1/media/:id").handler(auth).handler(media::download);
    router.delete("/v1/media/:id").handler(auth).handler(media::delete);
    router.get("/v1/media/:id/history").handler(auth).handler(media::history);

    router.route().failureHandler(failures);
    router.errorHandler(404, ctx -> FailureHandler.send(ctx.request(), ErrorCode.NOT_FOUND.error()));
    router.errorHandler(405, ctx -> FailureHandler.send(ctx.request(), ErrorCode.METHOD_NOT_ALLOWED.error()));
    router.errorHandler(500, failures);
    return router;
  }
}
