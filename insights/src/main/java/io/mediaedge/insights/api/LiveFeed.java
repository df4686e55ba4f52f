package io.mediaedge.insights.api;

import io.mediaedge.eventschema.HistoryEvent.Action;
import io.mediaedge.insights.detect.AdvisoryBoard;
import io.mediaedge.insights.steering.SteeringBoard;
import io.mediaedge.insights.query.InsightsQueries;
import io.mediaedge.insights.query.Window;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/live?window=}: the dashboard's panels as server-sent events, one {@code panels}
 * event at once and then every {@link #INTERVAL_MS}, each the whole picture of the window (so a page
 * that missed one loses nothing). Each event's fields have the shapes of the matching
 * {@code /api/v1/} answers.
 */
final class LiveFeed {
  /** How often a connected page is sent fresh panels: the partials themselves move every 2 s. */
  static final long INTERVAL_MS = 3_000;
  /** Rows of the ISP table: the busiest networks; the rest are in {@code /api/v1/isps}. */
  static final int ISP_ROWS = 50;
  private static final int BASELINE_MINUTES = 24 * 60;
  private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);

  private final InsightsQueries queries;
  private final AdvisoryBoard advisories;
  private final SteeringBoard steering;

  LiveFeed(InsightsQueries queries, AdvisoryBoard advisories, SteeringBoard steering) {
    this.queries = queries;
    this.advisories = advisories;
    this.steering = steering;
  }

  void stream(RoutingContext ctx) {
    String text = ctx.request().getParam("window", FigureHandlers.DEFAULT_WINDOW);
    Window window;
    try {
      window = queries.window(text);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badParameter(e.getMessage());
    }
    HttpServerResponse response = ctx.response().setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        // proxies that buffer responses (nginx) would hold the events back
        .putHeader("X-Accel-Buffering", "no");
    // an EventSource that loses the stream reconnects after this many ms
    response.write("retry: " + INTERVAL_MS + "\n\n");
    Vertx vertx = ctx.vertx();
    boolean[] busy = {false};
    Runnable push = () -> {
      // a slow page or a slow merge skips a beat rather than piling up snapshots in memory
      if (busy[0] || response.closed() || response.writeQueueFull()) {
        return;
      }
      busy[0] = true;
      vertx.executeBlocking(() -> snapshot(window), false).onComplete(result -> {
        busy[0] = false;
        if (response.closed()) {
          return;
        }
        if (result.succeeded()) {
          response.write("event: panels\ndata: " + result.result().encode() + "\n\n");
        } else {
          log.error("The live panels of window {} could not be made", window, result.cause());
          response.write("event: failure\ndata: " + new JsonObject().put("error", "INTERNAL_ERROR")
              .put("message", "the panels could not be made; it is logged").encode() + "\n\n");
        }
      });
    };
    long timer = vertx.setPeriodic(INTERVAL_MS, id -> push.run());
    response.closeHandler(v -> vertx.cancelTimer(timer));
    response.exceptionHandler(e -> vertx.cancelTimer(timer));
    push.run();
  }

  /** Every panel of the page over the window, in one JSON object (blocking: merges slots). */
  JsonObject snapshot(Window window) {
    int step = InsightsQueries.defaultStep(window);
    Instant windowStart = Instant.ofEpochSecond(window.firstMinute(queries.nowMinute()) * 60);
    var overrides = steering.overridesByNetwork();
    return new JsonObject().put("window", window.toString()).put("at", Instant.now().toString())
        .put("summary", JsonViews.summary(queries.summary(window)))
        .put("countries", JsonViews.array(queries.countries(window), JsonViews::country))
        .put("topCountries", JsonViews.array(queries.topCountries(window, FigureHandlers.DEFAULT_TOP),
            JsonViews::country))
        .put("contentTypes", JsonViews.array(queries.contentTypes(window), JsonViews::type))
        .put("contentLengths", new JsonObject().put("action", Action.UPLOAD.name())
            .put("buckets", JsonViews.array(queries.contentLengths(window, Action.UPLOAD), JsonViews::length)))
        .put("latency", new JsonObject().put("action", Action.UPLOAD.name()).put("stepMinutes", step)
            .put("regions", JsonViews.array(queries.latency(window, Action.UPLOAD, step), JsonViews::region)))
        .put("thumbnails", JsonViews.thumbnails(queries.thumbnails(window, step)))
        .put("isps", new JsonObject().put("baselineWindow", Window.describe(BASELINE_MINUTES))
            .put("rows", JsonViews.array(queries.networks(window, BASELINE_MINUTES, 1).stream()
                .limit(ISP_ROWS).toList(), n -> AdvisoryViews.networkRow(n, advisories, overrides, windowStart))))
        .put("steering", SteeringViews.summary(steering));
  }
}
