package io.mediaedge;

import io.mediaedge.cassandra.HistoryModule;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.events.OutboxRelay;
import io.mediaedge.http.HttpVerticle;
import io.mediaedge.media.DeletionSweeper;
import io.mediaedge.media.OrphanReconciler;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.tus.ResumableExpiry;
import io.mediaedge.upload.UploadService;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's lifecycle: wire the parts ({@link EdgeWiring}), deploy one HTTP verticle per event
 * loop, say ready, and on stop go unready first, drain, then close. Production ({@link Main}), dev
 * mode and the tests start the server through this one method, so tests exercise the real wiring.
 */
public final class EdgeServer {
  private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);

  private final Vertx vertx;
  private final AtomicBoolean ready;
  private final EdgeWiring parts;
  private final List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();
  private String deploymentId;

  private EdgeServer(Vertx vertx, EdgeWiring parts, AtomicBoolean ready) {
    this.vertx = vertx;
    this.parts = parts;
    this.ready = ready;
  }

  /** Starts the server with the S3 store the configuration names. */
  public static Future<EdgeServer> start(Vertx vertx, EdgeConfig config) {
    return start(vertx, config, store -> store);
  }

  /**
   * Starts the server, letting the caller wrap the store (tests inject faults this way; the
   * wiring stays the production one).
   */
  public static Future<EdgeServer> start(Vertx vertx, EdgeConfig config, Function<MediaStore, MediaStore> storeWrapper) {
    AtomicBoolean ready = new AtomicBoolean();
    return EdgeWiring.build(vertx, config, storeWrapper, ready::get)
        .compose(parts -> {
          EdgeServer server = new EdgeServer(vertx, parts, ready);
          return server.deploy().map(server)
              .onFailure(e -> parts.stopRounds())
              .recover(e -> parts.close().transform(closed -> Future.failedFuture(e)));
        });
  }

  private Future<Void> deploy() {
    EdgeConfig config = parts.config;
    parts.start(vertx);
    int instances = config.server().eventLoopsOrCores();
    DeploymentOptions options = new DeploymentOptions().setInstances(instances)
        .setThreadingModel(ThreadingModel.EVENT_LOOP);
    return vertx.deployVerticle(() -> {
      HttpVerticle verticle = new HttpVerticle(config.server(), parts::routes, parts.tls.reloader().orElse(null),
          parts.edge.metrics(), config.logging().accessLog());
      verticles.add(verticle);
      return verticle;
    }, options).onSuccess(id -> {
      deploymentId = id;
      parts.tls.start();
      ready.set(true);
      log.info("media-edge listening: https={} http={} region={} event loops={} history={}", httpsPort(), httpPort(),
          config.server().region(), instances, parts.history.isPresent() ? "on" : "off");
    }).mapEmpty();
  }

  public int httpsPort() {
    return verticles.isEmpty() ? -1 : verticles.get(0).httpsPort();
  }

  public int httpPort() {
    return verticles.isEmpty() ? -1 : verticles.get(0).httpPort();
  }

  public EdgeConfig config() {
    return parts.config;
  }

  public UploadService streaming() {
    return parts.streaming;
  }

  public OutboxRelay relay() {
    return requireHistory().relay;
  }

  public DeletionSweeper sweeper() {
    return requireHistory().sweeper;
  }

  public ResumableExpiry resumableExpiry() {
    return requireHistory().expiry;
  }

  public OrphanReconciler reconciler() {
    return requireHistory().reconciler;
  }

  public EdgeServices edge() {
    return parts.edge;
  }

  /** The Cassandra side; there is none when {@code history.enabled} is false. */
  public HistoryModule history() {
    return requireHistory().module;
  }

  private HistoryParts requireHistory() {
    return parts.history.orElseThrow(() -> new IllegalStateException("This server runs with history.enabled false:"
        + " it has no history, events, sweeper, reconciler or resumable expiry"));
  }

  public boolean isReady() {
    return ready.get();
  }

  /** Readiness goes false first (so load balancers stop sending), then listeners drain. */
  public Future<Void> stop() {
    ready.set(false);
    parts.stopRounds();
    Future<Void> undeployed = deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
    return undeployed.eventually(parts::close);
  }
}
