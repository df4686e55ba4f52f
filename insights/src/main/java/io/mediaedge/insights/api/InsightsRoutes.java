package io.mediaedge.insights.api;

import io.mediaedge.insights.detect.AdvisoryBoard;
import io.mediaedge.insights.query.InsightsQueries;
import io.mediaedge.insights.steering.SteeringBoard;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route table of insights; it reads like the API in the README's "Insights" section, then
 * the dashboard page at {@code /} and its assets. Every error is JSON,
 * {@code {"error": CODE, "message": …}}, rendered here only.
 */
public final class InsightsRoutes {
  private static final Logger log = LoggerFactory.getLogger(InsightsRoutes.class);
  /** The dashboard page's files, a class-path folder. */
  static final String PAGE = "io/mediaedge/insights/page";
  /** Where WebJars keep their files on the class path (ECharts, its world map). */
  static final String WEBJARS = "META-INF/resources/webjars";
  private static final long WEBJAR_MAX_AGE_SECONDS = 7 * 24 * 3600;

  private InsightsRoutes() {}

  /**
   * @param ready whether this instance answers with global figures (read the partials topic up to
   *     its end at start, and consumes)
   * @param advisories what ISP-trouble detection decided (empty when it is off)
   * @param steering what the regions that follow advisories report they steer
   */
  public static Router router(Vertx vertx, InsightsQueries queries, PrometheusMeterRegistry registry,
      BooleanSupplier ready, AdvisoryBoard advisories, SteeringBoard steering) {
    Router router = Router.router(vertx);
    FigureHandlers figures = new FigureHandlers(queries, advisories, steering);
    LiveFeed live = new LiveFeed(queries, advisories, steering);
    router.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/readyz").handler(ctx -> json(ctx, ready.getAsBoolean() ? 200 : 503,
        new JsonObject().put("ready", ready.getAsBoolean())));
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
    router.get("/api/v1/summary").handler(figures::summary);
    router.get("/api/v1/countries").handler(figures::countries);
    router.get("/api/v1/countries/top").handler(figures::topCountries);
    router.get("/api/v1/content-types").handler(figures::contentTypes);
    router.get("/api/v1/content-lengths").handler(figures::contentLengths);
    router.get("/api/v1/latency").handler(figures::latency);
    router.get("/api/v1/thumbnails").handler(figures::thumbnails);
    router.get("/api/v1/isps").handler(figures::isps);
    router.get("/api/v1/advisories").handler(figures::advisories);
    router.get("/api/v1/steering").handler(figures::steering);
    router.get("/api/v1/live").handler(live::stream);
    // The page and its chart library come from the class path, never from a CDN: it works offline.
    // WebJars carry their version in the path, so browsers may keep them; the page's own files
    // are checked again every time, so a new release shows at the next load.
    router.get("/webjars/*").handler(StaticHandler.create(WEBJARS).setMaxAgeSeconds(WEBJAR_MAX_AGE_SECONDS));
    router.get("/*").handler(StaticHandler.create(PAGE).setCachingEnabled(false));
    router.route().last().handler(ctx -> ctx.fail(new ApiProblem(404, "NOT_FOUND", "no such resource: "
        + ctx.request().path())));
    router.route().failureHandler(InsightsRoutes::failure);
    return router;
  }

  private static void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ApiProblem problem;
    if (failure instanceof ApiProblem known) {
      problem = known;
    } else if (failure == null && ctx.statusCode() == 405) {
      problem = new ApiProblem(405, "METHOD_NOT_ALLOWED", "only GET is served here");
    } else if (failure == null && ctx.statusCode() > 0 && ctx.statusCode() < 500) {
      problem = new ApiProblem(ctx.statusCode(), "BAD_REQUEST", "the request cannot be served");
    } else {
      log.error("Unexpected failure serving {}", ctx.request().path(), failure);
      problem = new ApiProblem(500, "INTERNAL_ERROR", "an internal error; it is logged");
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    json(ctx, problem.status(), new JsonObject().put("error", problem.code()).put("message", problem.getMessage()));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body.encode());
  }
}
