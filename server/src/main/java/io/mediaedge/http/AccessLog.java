package io.mediaedge.http;

import io.mediaedge.edge.EdgeView;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request ({@code logging.accessLog}), written when its response has ended or its
 * connection closed under it: method, route (the route table's pattern, so ids do not explode a
 * log index), status, bytes out and in, duration, and the client's country and ASN. On the
 * request's own context, so the line carries its request id. Requests the HTTP codec refused
 * before routing get the same line without route or origin.
 */
final class AccessLog {
  /** The logger to route or silence on its own: {@code media-edge.access}. */
  static final String LOGGER = "media-edge.access";
  private static final String ROUTE = "media-edge.route";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  private final boolean enabled;

  AccessLog(boolean enabled) {
    this.enabled = enabled;
  }

  /** First handler of the route table: arranges the line for the end of the response. */
  void watch(RoutingContext ctx) {
    if (enabled) {
      long started = System.nanoTime();
      ctx.addEndHandler(done -> write(ctx.request(), started, ctx.get(ROUTE), EdgeHandler.viewIfTagged(ctx)));
    }
    ctx.next();
  }

  /** For a request answered outside the route table (the codec refused it). */
  void watch(HttpServerRequest request) {
    if (enabled) {
      long started = System.nanoTime();
      request.response().endHandler(v -> write(request, started, null, null));
    }
  }

  private static void write(HttpServerRequest request, long started, String route, EdgeView view) {
    HttpServerResponse response = request.response();
    long micros = (System.nanoTime() - started) / 1_000;
    String country = view == null ? "" : view.geo().country();
    String asn = view == null ? "" : view.asn();
    String method = request.method().name();
    int status = response.getStatusCode();
    long bytes = response.bytesWritten();
    log.atInfo()
        .addKeyValue("method", method)
        .addKeyValue("route", route)
        .addKeyValue("status", status)
        .addKeyValue("bytes", bytes)
        .addKeyValue("bytesIn", request.bytesRead())
        .addKeyValue("durationMs", micros / 1000.0)
        .addKeyValue("country", country)
        .addKeyValue("asn", asn)
        .addKeyValue("completed", response.ended())
        .log("{} {} {} {} B {} ms{}{}{}", method, route == null ? "-" : route, status, bytes, micros / 1000.0,
            country.isEmpty() ? "" : " " + country, asn.isEmpty() ? "" : " AS" + asn,
            response.ended() ? "" : " (connection closed before the response ended)");
  }

  /**
   * Makes every route of {@code router} with a path pattern note that pattern (with the mount
   * point of a sub-router) before anything else runs for it: a handler that fails sends the
   * request through the failure handlers, after which the router no longer tells which route it
   * was on. Call it once the table is complete; wildcard routes ({@code /v1/*}) are left out.
   * Without the access log the table is left as it is.
   */
  void nameRoutes(Router router) {
    if (!enabled) {
      return;
    }
    for (Route route : List.copyOf(router.getRoutes())) {
      String path = route.getPath();
      if (path == null || path.endsWith("*")) {
        continue;
      }
      // Before every route the table registered (their orders count up from 0).
      Route naming = router.route(path).order(-1);
      if (route.methods() != null) {
        route.methods().forEach(naming::method);
      }
      naming.handler(ctx -> {
        String mount = ctx.mountPoint();
        ctx.put(ROUTE, mount == null || mount.isEmpty() ? path
            : (mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount) + path);
        ctx.next();
      });
    }
  }
}
