package io.mediaedge.http;

import io.mediaedge.config.EdgeConfig.ServerConfig;
import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.tls.CertificateReloader;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerConnection;
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
  /** Vert.x's names for its HTTP/1.x request decoder and its own handler in a connection's pipeline. */
  private static final String HTTP1_DECODER = "httpDecoder";
  private static final String VERTX_HANDLER = "handler";
  private final ServerConfig config;
  private final Function<io.vertx.core.Vertx, Router> routes;
  private final CertificateReloader certificates;
  private final MeterRegistry metrics;
  private final AccessLog accessLog;
  private FailureHandler failures;
  private ErrorCounter errors;
  private final List<HttpServer> servers = new ArrayList<>();
  /** Connections that have not finished their first request's headers, with their timer. */
  private final Map<HttpConnection, Long> awaitingHeaders = new WeakHashMap<>();

  /**
   * @param certificates what the TLS listener serves and the reloader it follows; null when
   *     {@code server.https} is off
   * @param metrics where refused requests are counted
   * @param accessLog whether requests the codec refuses get an access-log line (the route table
   *     logs the others)
   */
  public HttpVerticle(ServerConfig config, Function<io.vertx.core.Vertx, Router> routes,
      CertificateReloader certificates, MeterRegistry metrics, boolean accessLog) {
    this.config = config;
    this.routes = routes;
    this.certificates = certificates;
    this.metrics = metrics;
    this.accessLog = new AccessLog(accessLog);
  }

  @Override
  public Future<?> start() {
    errors = new ErrorCounter(metrics);
    failures = new FailureHandler(errors);
    Router router = routes.apply(vertx);
    List<Future<HttpServer>> listening = new ArrayList<>();
    if (config.https().enabled()) {
      listening.add(listen(ListenerOptions.https(config, certificates.current()), router)
          .onSuccess(server -> certificates.attach(server, set -> ListenerOptions.sslOptions(config, set))));
    }
    if (config.http().enabled()) {
      listening.add(listen(ListenerOptions.plain(config), router));
    }
    return Future.all(listening);
  }

  private Future<HttpServer> listen(HttpServerOptions options, Router router) {
    HttpServer server = vertx.createHttpServer(options)
        .connectionHandler(connection -> {
          watchHeaderTime(connection);
          holdToStrictFraming(connection, options);
        })
        .invalidRequestHandler(this::invalidRequest)
        .requestHandler(request -> {
          Long timer = awaitingHeaders.remove(request.connection());
          if (timer != null) {
            vertx.cancelTimer(timer);
          }
          RequestIdentity.begin(request);
          router.handle(request);
        });
    servers.add(server);
    return server.listen();
  }

  /** Slow-header clients (slowloris) are cut when their first request's headers take too long. */
  private void watchHeaderTime(HttpConnection connection) {
    long timer = vertx.setTimer(config.headerTimeout().toMillis(), id -> {
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

  /**
   * HTTP/1.x connections get our strict request decoder in place of Vert.x's and the guard that
   * answers malformed bodies (see {@link StrictRequestDecoder}, {@link BodyFramingGuard}). Vert.x
   * calls this as soon as it has built the connection's pipeline, before a byte of a request is
   * decoded; HTTP/2 connections have no HTTP/1.x decoder and are left as they are.
   */
  private void holdToStrictFraming(HttpConnection connection, HttpServerOptions options) {
    if (!(connection instanceof HttpServerConnection http1)) {
      return;
    }
    ChannelPipeline pipeline = http1.channelHandlerContext().pipeline();
    if (pipeline.get(HTTP1_DECODER) == null) {
      return;
    }
    pipeline.replace(HTTP1_DECODER, HTTP1_DECODER, new StrictRequestDecoder(options));
    pipeline.addBefore(VERTX_HANDLER, BodyFramingGuard.NAME, new BodyFramingGuard(errors));
  }

  /** Requests the HTTP codec or our decoder refused still get the JSON error shape. */
  private void invalidRequest(HttpServerRequest request) {
    RequestIdentity.begin(request);
    accessLog.watch(request);
    Throwable cause = request.decoderResult().cause();
    ApiException error = ErrorCode.BAD_REQUEST.error();
    if (cause instanceof ApiException refused) {
      error = refused;
    } else if (cause instanceof TooLongFrameException) {
      String message = String.valueOf(cause.getMessage()).toLowerCase();
      error = (message.contains("header") ? ErrorCode.HEADERS_TOO_LARGE : ErrorCode.URI_TOO_LONG).error();
    }
    failures.send(request, error);
  }

  public int httpsPort() {
    return config.https().enabled() ? servers.get(0).actualPort() : -1;
  }

  public int httpPort() {
    return config.http().enabled() ? servers.get(servers.size() - 1).actualPort() : -1;
  }

  /** Stops taking connections and lets in-flight requests finish within the grace period. */
  @Override
  public Future<?> stop() {
    long grace = config.shutdownGrace().toMillis();
    if (certificates != null && config.https().enabled()) {
      certificates.detach(servers.get(0));
    }
    return Future.all(servers.stream().map(s -> s.shutdown(grace, TimeUnit.MILLISECONDS)).toList());
  }

}
