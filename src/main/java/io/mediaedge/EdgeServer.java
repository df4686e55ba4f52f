package io.mediaedge;

import io.mediaedge.auth.JwtAuthenticator;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.http.ApiRoutes;
import io.mediaedge.http.HttpVerticle;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.storage.S3MediaStore;
import io.mediaedge.upload.MemoryBudget;
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
 * The composition root: builds every component from the configuration, deploys one HTTP verticle
 * per event loop, and takes it all down again. Production ({@link Main}), dev mode and the tests
 * start the server through this one method, so tests exercise the real wiring.
 */
public final class EdgeServer {
  private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);

  private final Vertx vertx;
  private final EdgeConfig config;
  private final MediaStore store;
  private final UploadService uploads;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();
  private String deploymentId;

  private EdgeServer(Vertx vertx, EdgeConfig config, MediaStore store) {
    this.vertx = vertx;
    this.config = config;
    this.store = store;
    this.uploads = new UploadService(vertx, store, new MemoryBudget(config.upload().memoryBudget()), config);
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
    // Fails fast, before anything listens, when no key can be loaded.
    new JwtAuthenticator(vertx, config.auth());
    EdgeServer server = new EdgeServer(vertx, config, storeWrapper.apply(new S3MediaStore(vertx, config.storage())));
    return server.deploy().map(server);
  }

  private Future<Void> deploy() {
    int instances = config.server().eventLoopsOrCores();
    DeploymentOptions options = new DeploymentOptions().setInstances(instances)
        .setThreadingModel(ThreadingModel.EVENT_LOOP);
    return vertx.deployVerticle(() -> {
      HttpVerticle verticle = new HttpVerticle(config, v -> ApiRoutes.create(v, config,
          new JwtAuthenticator(v, config.auth()), store, uploads, ready::get));
      verticles.add(verticle);
      return verticle;
    }, options).onSuccess(id -> {
      deploymentId = id;
      ready.set(true);
      log.info("media-edge listening: https={} http={} region={} event loops={}", httpsPort(), httpPort(),
          config.server().region(), instances);
    }).mapEmpty();
  }

  public int httpsPort() {
    return verticles.isEmpty() ? -1 : verticles.get(0).httpsPort();
  }

  public int httpPort() {
    return verticles.isEmpty() ? -1 : verticles.get(0).httpPort();
  }

  public EdgeConfig config() {
    return config;
  }

  public UploadService uploads() {
    return uploads;
  }

  public boolean isReady() {
    return ready.get();
  }

  /** Readiness goes false first (so load balancers stop sending), then listeners drain. */
  public Future<Void> stop() {
    ready.set(false);
    Future<Void> undeployed = deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
    return undeployed.eventually(store::close);
  }
}
