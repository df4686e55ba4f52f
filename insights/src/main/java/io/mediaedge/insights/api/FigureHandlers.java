package io.mediaedge.insights.api;

import io.mediaedge.eventschema.HistoryEvent.Action;
import io.mediaedge.insights.detect.AdvisoryBoard;
import io.mediaedge.insights.query.InsightsQueries;
import io.mediaedge.insights.query.Window;
import io.mediaedge.insights.steering.SteeringBoard;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The {@code /api/v1/} handlers: read and check the parameters on the event loop, run the query as
 * blocking work (a day's window merges 1,440 minutes), answer JSON. Bad parameters fail the route
 * with an {@link ApiProblem}; the failure handler renders it.
 */
final class FigureHandlers {
  static final String DEFAULT_WINDOW = "15m";
  static final int DEFAULT_TOP = 30;
  static final String DEFAULT_BASELINE = "24h";

  private final InsightsQueries queries;
  private final AdvisoryBoard advisories;
  private final SteeringBoard steering;

  FigureHandlers(InsightsQueries queries, AdvisoryBoard advisories, SteeringBoard steering) {
    this.queries = queries;
    this.advisories = advisories;
    this.steering = steering;
  }

  void summary(RoutingContext ctx) {
    Window window = window(ctx);
    answer(ctx, () -> JsonViews.summary(queries.summary(window)));
  }

  void countries(RoutingContext ctx) {
    Window window = window(ctx);
    answer(ctx, () -> withWindow(window)
        .put("countries", JsonViews.array(queries.countries(window), JsonViews::country)));
  }

  void topCountries(RoutingContext ctx) {
    Window window = window(ctx);
    int limit = integer(ctx, "limit", DEFAULT_TOP, 1, 250);
    answer(ctx, () -> withWindow(window)
        .put("countries", JsonViews.array(queries.topCountries(window, limit), JsonViews::country)));
  }

  void contentTypes(RoutingContext ctx) {
    Window window = window(ctx);
    answer(ctx, () -> withWindow(window)
        .put("contentTypes", JsonViews.array(queries.contentTypes(window), JsonViews::type)));
  }

  void contentLengths(RoutingContext ctx) {
    Window window = window(ctx);
    Action action = action(ctx);
    answer(ctx, () -> withWindow(window).put("action", action.name())
        .put("buckets", JsonViews.array(queries.contentLengths(window, action), JsonViews::length)));
  }

  void latency(RoutingContext ctx) {
    Window window = window(ctx);
    Action action = action(ctx);
    int step = step(ctx, window);
    answer(ctx, () -> withWindow(window).put("action", action.name()).put("stepMinutes", step)
        .put("regions", JsonViews.array(queries.latency(window, action, step), JsonViews::region)));
  }

  void thumbnails(RoutingContext ctx) {
    Window window = window(ctx);
    int step = step(ctx, window);
    answer(ctx, () -> JsonViews.thumbnails(queries.thumbnails(window, step)));
  }

  void isps(RoutingContext ctx) {
    Window window = window(ctx);
    String baselineText = ctx.request().getParam("baseline", DEFAULT_BASELINE);
    int baseline = parse(() -> Window.parse(baselineText, queries.retentionMinutes()), "baseline").minutes();
    long minRequests = integer(ctx, "minRequests", 1, 1, Integer.MAX_VALUE);
    int limit = integer(ctx, "limit", 100, 1, 5000);
    answer(ctx, () -> {
      Instant windowStart = Instant.ofEpochSecond(window.firstMinute(queries.nowMinute()) * 60);
      var overrides = steering.overridesByNetwork();
      return withWindow(window).put("baselineWindow", Window.describe(baseline))
          .put("isps", JsonViews.array(queries.networks(window, baseline, minRequests).stream().limit(limit).toList(),
              n -> AdvisoryViews.networkRow(n, advisories, overrides, windowStart)));
    });
  }

  /** The networks flagged now and the recent decisions: a snapshot, nothing to compute. */
  void advisories(RoutingContext ctx) {
    answer(ctx, () -> AdvisoryViews.board(advisories, steering));
  }

  /** What each region that follows advisories reports it steers now. */
  void steering(RoutingContext ctx) {
    answer(ctx, () -> SteeringViews.board(steering));
  }

  /** A series' step: {@code ?step=}, at most the window, or one that gives about 60 points. */
  private static int step(RoutingContext ctx, Window window) {
    String stepText = ctx.request().getParam("step");
    return stepText == null ? InsightsQueries.defaultStep(window) : parse(() -> Window.parse(stepText,
        window.minutes()), "step").minutes();
  }

  private static JsonObject withWindow(Window window) {
    return new JsonObject().put("window", window.toString());
  }

  private Window window(RoutingContext ctx) {
    String text = ctx.request().getParam("window", DEFAULT_WINDOW);
    return parse(() -> queries.window(text), "window");
  }

  private static Action action(RoutingContext ctx) {
    String text = ctx.request().getParam("action", Action.UPLOAD.name());
    try {
      return Action.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badParameter("action must be one of UPLOAD, DOWNLOAD, DELETE, UPLOAD_FAILED (got '"
          + text + "')");
    }
  }

  private static int integer(RoutingContext ctx, String name, int fallback, int min, int max) {
    String text = ctx.request().getParam(name);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below, with the range
    }
    throw ApiProblem.badParameter(name + " must be a whole number from " + min + " to " + max + " (got '" + text
        + "')");
  }

  private static <T> T parse(Callable<T> parser, String name) {
    try {
      return parser.call();
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badParameter(e.getMessage().startsWith(name) ? e.getMessage()
          : name + ": " + e.getMessage().replaceFirst("^window ", ""));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void answer(RoutingContext ctx, Callable<JsonObject> query) {
    ctx.vertx().executeBlocking(query, false).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (!ctx.response().closed()) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
            .end(result.result().encode());
      }
    });
  }
}
