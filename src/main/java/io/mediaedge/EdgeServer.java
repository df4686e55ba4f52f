package io.mediaedge;

import io.mediaedge.auth.JwtAuthenticator;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.http.ApiRoutes;
import io.mediaedge.http.HttpVerticle;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.storage.S3MediaStore;
import io.mediaedge.tls.TlsModule;
import io.mediaedge.events.KafkaEventPublisher;
import io.mediaedge.events.OutboxRelay;
import io.mediaedge.history.HistoryModule;
import io.mediaedge.media.DeletionSweeper;
import io.mediaedge.media.MediaService;
import io.mediaedge.media.OrphanReconciler;
import io.mediaedge.media.ResumableExpiry;
import io.mediaedge.upload.MemoryBudget;
import io.mediaedge.upload.ResumableUploads;
import io.mediaedge.upload.UploadFlow;
import io.mediaedge.upload.UploadService;
import io.micrometer.core.instrument.Gauge;
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
 * The composition root: builds every component from the configuration (S3 store, Cassandra
 * history and quotas, Kafka publisher, outbox relay, deletion sweeper), deploys one HTTP verticle
 * per event loop, and takes it all down again. Production ({@link Main}), dev mode and the tests
 * start the server through this one method, so tests exercise the real wiring.
 */
public final class EdgeServer {
  private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);

  private final Vertx vertx;
  private final EdgeConfig config;
  private final MediaStore store;
  private final HistoryModule history;
  private final KafkaEventPublisher publisher;
  private final OutboxRelay relay;
  private final DeletionSweeper sweeper;
  private final OrphanReconciler reconciler;
  private final UploadService streaming;
  private final EdgeServices edge;
  private ResumableExpiry expiry;
  private final TlsModule tls;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();
  private String deploymentId;

  private EdgeServer(Vertx vertx, EdgeConfig config, MediaStore store, HistoryModule history,
      KafkaEventPublisher publisher, EdgeServices edge, TlsModule tls) {
    this.vertx = vertx;
    this.edge = edge;
    this.tls = tls;
    this.config = config;
    this.store = store;
    this.history = history;
    this.publisher = publisher;
    this.relay = new OutboxRelay(vertx, history.history(), publisher, config.events());
    this.sweeper = new DeletionSweeper(vertx, history.history(), store, config.events().sweepInterval());
    this.reconciler = new OrphanReconciler(vertx, history.history(), store, config.events().orphanGrace(),
        config.events().orphanCheckInterval());
    this.streaming = new UploadService(vertx, store, new MemoryBudget(config.upload().memoryBudget()), config);
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
    // Certificates, pin-signing key and backup pins are checked here too, before anything listens.
    TlsModule tls = TlsModule.load(vertx, config);
    // The SDK clients load thousands of classes when built: build them here, on the caller's
    // thread, not in a callback that would run on an event loop.
    MediaStore store = storeWrapper.apply(new S3MediaStore(vertx, config.storage()));
    KafkaEventPublisher publisher = new KafkaEventPublisher(vertx, config.events());
    EdgeServices edge;
    try {
      // Reads range, route and GeoIP files: blocking, so here and not on an event loop.
      edge = EdgeServices.open(vertx, config);
    } catch (RuntimeException e) {
      publisher.close();
      store.close();
      throw e;
    }
    return HistoryModule.start(vertx, config)
        .compose(history -> {
          EdgeServer server = new EdgeServer(vertx, config, store, history, publisher, edge, tls);
          return server.deploy().map(server);
        })
        .onFailure(e -> {
          edge.close();
          publisher.close();
          store.close();
        });
  }

  private Future<Void> deploy() {
    // Kafka may be down now: the outbox keeps every event, so the topic can wait too.
    publisher.ensureTopic().onFailure(e -> log.warn("Kafka topic {} not checked yet ({}); the relay will keep trying",
        config.events().topic(), e.toString()));
    relay.start();
    sweeper.start();
    reconciler.start();
    UploadFlow uploads = new UploadFlow(streaming, history.history(), history.quotas(), relay, config);
    MediaService media = new MediaService(history.history(), history.quotas(), relay, config);
    ResumableUploads resumable = new ResumableUploads(vertx, store, history.resumable(), history.history(), history.quotas(),
        relay, streaming.budget(), config);
    expiry = new ResumableExpiry(vertx, history.resumable(), resumable, config.resumable().expiryCheckInterval());
    expiry.start();
    edge.start(vertx);
    // The memory budget's use and its queue: a waiting upload is paused, so only this shows it.
    MemoryBudget budget = streaming.budget();
    Gauge.builder("media_edge_memory_budget_in_use_bytes", budget, MemoryBudget::inUse)
        .description("Bytes of the upload memory budget leased now").register(edge.metrics());
    Gauge.builder("media_edge_memory_budget_capacity_bytes", budget, MemoryBudget::capacity)
        .description("The upload memory budget").register(edge.metrics());
    Gauge.builder("media_edge_memory_budget_waiting", budget, MemoryBudget::waiting)
        .description("Uploads waiting, paused, for their share of the budget").register(edge.metrics());
    ApiRoutes.Services services = new ApiRoutes.Services(config, store, uploads, resumable, media,
        CursorKeys.load(config),
        ready::get, edge.tagger(), edge.properties(), edge.routes(), edge.metrics(), tls.pins());
    int instances = config.server().eventLoopsOrCores();
    DeploymentOptions options = new DeploymentOptions().setInstances(instances)
        .setThreadingModel(ThreadingModel.EVENT_LOOP);
    return vertx.deployVerticle(() -> {
      HttpVerticle verticle = new HttpVerticle(config, v -> ApiRoutes.create(v, services,
          new JwtAuthenticator(v, config.auth())), tls.reloader().orElse(null));
      verticles.add(verticle);
      return verticle;
    }, options).onSuccess(id -> {
      deploymentId = id;
      tls.start();
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

  public UploadService streaming() {
    return streaming;
  }

  public OutboxRelay relay() {
    return relay;
  }

  public DeletionSweeper sweeper() {
    return sweeper;
  }

  public ResumableExpiry resumableExpiry() {
    return expiry;
  }

  public OrphanReconciler reconciler() {
    return reconciler;
  }

  public EdgeServices edge() {
    return edge;
  }

  public HistoryModule history() {
    return history;
  }

  public boolean isReady() {
    return ready.get();
  }

  /** Readiness goes false first (so load balancers stop sending), then listeners drain. */
  public Future<Void> stop() {
    ready.set(false);
    tls.stop();
    sweeper.stop();
    reconciler.stop();
    if (expiry != null) {
      expiry.stop();
    }
    edge.close();
    Future<Void> undeployed = deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
    return undeployed
        .eventually(relay::stop)
        .eventually(publisher::close)
        .eventually(history::close)
        .eventually(store::close);
  }
}
