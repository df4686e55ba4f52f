package io.mediaedge.http;

import io.mediaedge.auth.JwtAuthenticator;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.upload.UploadService;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.function.BooleanSupplier;

/** The route table: it reads like the API in DESIGN.md. */
public final class ApiRoutes {
  private ApiRoutes() {}

  public static Router create(Vertx vertx, EdgeConfig config, JwtAuthenticator authenticator, MediaStore store,
      UploadService uploads, BooleanSupplier ready) {
    AuthHandler auth = new AuthHandler(authenticator);
    UploadHandler upload = new UploadHandler(uploads, config.upload());
    MediaHandler media = new MediaHandler(store);
    HealthHandler health = new HealthHandler(ready, config.server().region());
    FailureHandler failures = new FailureHandler();

    Router router = Router.router(vertx);
    router.get("/healthz").handler(health::live);
    router.get("/readyz").handler(health::ready);

    router.post("/v1/media").handler(UploadHandler::holdBody).handler(auth).handler(upload::upload);
    router.get("/v1/media/:id").handler(auth).handler(media::download);
    router.head("/v1/media/:id").handler(auth).handler(media::download);
    router.delete("/v1/media/:id").handler(auth).handler(media::delete);

    router.route().failureHandler(failures);
    router.errorHandler(404, ctx -> FailureHandler.send(ctx.request(), ErrorCode.NOT_FOUND.error()));
    router.errorHandler(405, ctx -> FailureHandler.send(ctx.request(), ErrorCode.METHOD_NOT_ALLOWED.error()));
    router.errorHandler(500, failures);
    return router;
  }
}
