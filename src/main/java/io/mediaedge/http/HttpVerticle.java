package io.mediaedge.http;

import io.mediaedge.config.EdgeConfig;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.tls.CertificateReloader;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One event loop's listeners (HTTPS, and plain HTTP when enabled) serving the route table. Vert.x
 * spreads connections over the instances deployed for each core.
 */
public final class HttpVerticle extends VerticleBase {
  private final EdgeConfig config;
  private final Function<io.vertx.core.Vertx, Router> routes;
  private final CertificateReloader certificates;
  private final List<HttpServer> servers = new ArrayList<>();
  /** Connections that have not finished their first request's headers, with their timer. */
  private final Map<HttpConnection, Long> awaitingHeaders = new WeakHashMap<>();

  /**
   * @param certificates what the TLS listener serves and the reloader it follows; null when
   *     {@code server.https} is off
   */
  public HttpVerticle(EdgeConfig config, Function<io.vertx.core.Vertx, Router> routes,
      CertificateReloader certificates) {
    this.config = config;
    this.routes = routes;
    this.certificates = certificates;
  }

  @Override
  public Future<?> start() {
    Router router = routes.apply(vertx);
    List<Future<HttpServer>> listening = new ArrayList<>();
    if (config.server().https().enabled()) {
      listening.add(listen(ListenerOptions.https(config, certificates.current()), router)
          .onSuccess(server -> certificates.attach(server, set -> ListenerOptions.sslOptions(config, set))));
    }
    if (config.server().http().enabled()) {
      listening.add(listen(ListenerOptions.plain(config), router));
    }
    return Future.all(listening);
  }

  private Future<HttpServer> listen(HttpServerOptions options, Router router) {
    HttpServer server = vertx.createHttpServer(options)
        .connectionHandler(this::watchHeaderTime)
        .invalidRequestHandler(HttpVerticle::invalidRequest)
        .requestHandler(request -> {
          Long timer = awaitingHeaders.remove(request.connection());
          if (timer != null) {
            vertx.cancelTimer(timer);
          }
          router.handle(request);
        });
    servers.add(server);
    return server.listen();
  }

  /** Slow-header clients (slowloris) are cut when their first request's headers take too long. */
  private void watchHeaderTime(HttpConnection connection) {
    long timer = vertx.setTimer(config.server().headerTimeout().toMillis(), id -> {
      if (awaitingHeaders.remove(connection) != null) {
        connection.close();
      }
    });
    awaitingHeaders.put(connection, timer);
    connection.closeHandler(v -> {
      Long pending = awaitingHeaders.remove(connection);
      if (pending != null) {
        vertx.cancelTimer(pending);
      }
    });
  }

  /** Requests the HTTP codec could not parse still get the JSON error shape. */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ErrorCode code = ErrorCode.BAD_REQUEST;
    if (cause instanceof TooLongFrameException) {
      String message = String.valueOf(cause.getMessage()).toLowerCase();
      code = message.contains("header") ? ErrorCode.HEADERS_TOO_LARGE : ErrorCode.URI_TOO_LONG;
    }
    FailureHandler.send(request, code.error());
  }

  public int httpsPort() {
    return config.server().https().enabled() ? servers.get(0).actualPort() : -1;
  }

  public int httpPort() {
    return config.server().http().enabled() ? servers.get(servers.size() - 1).actualPort() : -1;
  }

  /** Stops taking connections and lets in-flight requests finish within the grace period. */
  @Override
  public Future<?> stop() {
    long grace = config.server().shutdownGrace().toMillis();
    if (certificates != null && config.server().https().enabled()) {
      certificates.detach(servers.get(0));
    }
    return Future.all(servers.stream().map(s -> s.shutdown(grace, TimeUnit.MILLISECONDS)).toList());
  }

}
