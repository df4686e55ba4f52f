package io.mediaedge;

import io.mediaedge.auth.JwtAuthenticator;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.http.ApiRoutes;
import io.mediaedge.http.HttpVerticle;
import io.mediaedge.storage.AssembledObjects;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.storage.S3MediaStore;
import io.mediaedge.tls.TlsModule;
import io.mediaedge.events.KafkaEventPublisher;
import io.mediaedge.events.OutboxRelay;
import io.mediaedge.cassandra.HistoryModule;
import io.mediaedge.media.DeletionSweeper;
import io.mediaedge.media.MediaService;
import io.mediaedge.media.UploadRecorder;
import io.mediaedge.media.OrphanReconciler;
import io.mediaedge.tus.ResumableExpiry;
import io.mediaedge.upload.MemoryBudget;
import io.mediaedge.tus.ResumableUploads;
import io.mediaedge.upload.UploadFlow;
import io.mediaedge.upload.UploadService;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every component from the configuration (S3 store, Cassandra
 * history and quotas, Kafka publisher, outbox relay, deletion sweeper), deploys one HTTP verticle
 * per event loop, and takes it all down again. Production ({@link Main}), dev mode and the tests
 * start the server through this one method, so tests exercise the real wiring. With
 * {@code history.enabled} false the history half is simply not built: no Cassandra session, no
 * Kafka producer, no background rounds.
 */
public final class EdgeServer {
  private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);

  private final Vertx vertx;
  private final EdgeConfig config;
  private final MediaStore store;
  /** Null when history is off. */
  private final History history;
  private final UploadService streaming;
  private final EdgeServices edge;
  private final TlsModule tls;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();
  private String deploymentId;

  private EdgeServer(Vertx vertx, EdgeConfig config, MediaStore store, History history, EdgeServices edge,
      TlsModule tls) {
    this.vertx = vertx;
    this.edge = edge;
    this.tls = tls;
    this.config = config;
    this.store = store;
    this.history = history;
    this.streaming = new UploadService(vertx, store, new MemoryBudget(config.upload().memoryBudget()), config);
  }

  /**
   * Everything that exists only with history on: Cassandra, the Kafka publisher and the rounds
   * that work from Cassandra (outbox relay, deletion sweeper, orphan reconciler, resumable expiry).
   */
  private static final class History {
    final HistoryModule module;
    final KafkaEventPublisher publisher;
    final OutboxRelay relay;
    final DeletionSweeper sweeper;
    final OrphanReconciler reconciler;
    final AssembledObjects assemblies;
    ResumableExpiry expiry;

    History(Vertx vertx, EdgeConfig config, MediaStore store, AssembledObjects assemblies, HistoryModule module,
        KafkaEventPublisher publisher) {
      this.module = module;
      this.assemblies = assemblies;
      this.publisher = publisher;
      this.relay = new OutboxRelay(vertx, module.history(), publisher, config.events());
      this.sweeper = new DeletionSweeper(vertx, module.history(), store, config.events().sweepInterval());
      this.reconciler = new OrphanReconciler(vertx, module.history(), store, config.events().orphanGrace(),
          config.events().orphanCheckInterval());
    }

    /** Starts the rounds and builds the flows the history routes serve. */
    ApiRoutes.HistoryFlows start(Vertx vertx, EdgeConfig config, MediaStore store, UploadService streaming) {
      // Kafka may be down now: the outbox keeps every event, so the topic can wait too.
      publisher.ensureTopic().onFailure(e -> log.warn("Kafka topic {} not checked yet ({}); the relay will keep trying",
          config.events().topic(), e.toString()));
      relay.start();
      sweeper.start();
      reconciler.start();
      UploadRecorder recorder = new UploadRecorder(module.history(), module.quotas(), relay);
      UploadFlow uploads = new UploadFlow(streaming, module.history(), module.quotas(), relay, recorder, config);
      MediaService media = new MediaService(module.history(), module.quotas(), relay, config);
      ResumableUploads resumable = new ResumableUploads(vertx, store, assemblies, module.resumable(),
          module.history(), module.quotas(), relay, recorder, streaming.budget(), config);
      expiry = new ResumableExpiry(vertx, module.resumable(), resumable, config.resumable().expiryCheckInterval());
      expiry.start();
      return new ApiRoutes.HistoryFlows(uploads, resumable, media, CursorKeys.load(config.history()));
    }

    /** The rounds stop at once; the relay and the clients only after the listeners drained. */
    void stopRounds() {
      sweeper.stop();
      reconciler.stop();
      if (expiry != null) {
        expiry.stop();
      }
    }

    Future<Void> close() {
      return relay.stop().eventually(publisher::close).eventually(module::close);
    }
  }

  /** Starts the server with the S3 store the configuration names. */
  public static Future<EdgeServer> start(Vertx vertx, EdgeConfig config) {
    return start(vertx, config, store -> store);
  }

  /**
   * Starts the server, letting the caller wrap the store (tests inject faults this way; the
   * wiring stays the production one). Resumable uploads write their tails through the wrapped
   * store and their parts through the S3 store's assemblies, which the wrapper does not see.
   */
  public static Future<EdgeServer> start(Vertx vertx, EdgeConfig config, Function<MediaStore, MediaStore> storeWrapper) {
    // Fails fast, before anything listens, when no key can be loaded.
    new JwtAuthenticator(vertx, config.auth());
    // Certificates, pin-signing key and backup pins are checked here too, before anything listens.
    TlsModule tls = TlsModule.load(vertx, config);
    // The SDK clients load thousands of classes when built: build them here, on the caller's
    // thread, not in a callback that would run on an event loop.
    S3MediaStore s3 = new S3MediaStore(vertx, config.storage());
    MediaStore store = storeWrapper.apply(s3);
    Optional<KafkaEventPublisher> publisher = config.historyEnabled()
        ? Optional.of(new KafkaEventPublisher(vertx, config.events())) : Optional.empty();
    EdgeServices edge;
    try {
      // Reads range, route and GeoIP files: blocking, so here and not on an event loop.
      edge = EdgeServices.open(vertx, config);
    } catch (RuntimeException e) {
      publisher.ifPresent(KafkaEventPublisher::close);
      store.close();
      throw e;
    }
    Future<History> history;
    if (config.historyEnabled()) {
      KafkaEventPublisher kafka = publisher.orElseThrow();
      AssembledObjects assemblies = s3.assembledObjects();
      history = HistoryModule.start(vertx, config)
          .map(module -> new History(vertx, config, store, assemblies, module, kafka));
    } else {
      log.info("History is off (history.enabled: false): no Cassandra, no Kafka. Uploads, downloads and deletes"
          + " work on S3 alone; media history, quotas, events, listings and resumable uploads are off");
      history = Future.succeededFuture();
    }
    return history
        .compose(parts -> {
          EdgeServer server = new EdgeServer(vertx, config, store, parts, edge, tls);
          return server.deploy().map(server);
        })
        .onFailure(e -> {
          edge.close();
          publisher.ifPresent(KafkaEventPublisher::close);
          store.close();
        });
  }

  private Future<Void> deploy() {
    Optional<ApiRoutes.HistoryFlows> flows = history == null ? Optional.empty()
        : Optional.of(history.start(vertx, config, store, streaming));
    edge.start(vertx);
    // The memory budget's use and its queue: a waiting upload is paused, so only this shows it.
    MemoryBudget budget = streaming.budget();
    Gauge.builder("media_edge_memory_budget_in_use_bytes", budget, MemoryBudget::inUse)
        .description("Bytes of the upload memory budget leased now").register(edge.metrics());
    Gauge.builder("media_edge_memory_budget_capacity_bytes", budget, MemoryBudget::capacity)
        .description("The upload memory budget").register(edge.metrics());
    Gauge.builder("media_edge_memory_budget_waiting", budget, MemoryBudget::waiting)
        .description("Uploads waiting, paused, for their share of the budget").register(edge.metrics());
    ApiRoutes.Services services = new ApiRoutes.Services(config, store, streaming, flows,
        ready::get, edge.tagger(), edge.properties(), edge.routes(), edge.metrics(), tls.pins());
    int instances = config.server().eventLoopsOrCores();
    DeploymentOptions options = new DeploymentOptions().setInstances(instances)
        .setThreadingModel(ThreadingModel.EVENT_LOOP);
    return vertx.deployVerticle(() -> {
      HttpVerticle verticle = new HttpVerticle(config, v -> ApiRoutes.create(v, services,
          new JwtAuthenticator(v, config.auth())), tls.reloader().orElse(null), edge.metrics());
      verticles.add(verticle);
      return verticle;
    }, options).onSuccess(id -> {
      deploymentId = id;
      tls.start();
      ready.set(true);
      log.info("media-edge listening: https={} http={} region={} event loops={} history={}", httpsPort(), httpPort(),
          config.server().region(), instances, history != null ? "on" : "off");
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
    return edge;
  }

  /** The Cassandra side; there is none when {@code history.enabled} is false. */
  public HistoryModule history() {
    return requireHistory().module;
  }

  private History requireHistory() {
    if (history == null) {
      throw new IllegalStateException("This server runs with history.enabled false: it has no history, events,"
          + " sweeper, reconciler or resumable expiry");
    }
    return history;
  }

  public boolean isReady() {
    return ready.get();
  }

  /** Readiness goes false first (so load balancers stop sending), then listeners drain. */
  public Future<Void> stop() {
    ready.set(false);
    tls.stop();
    if (history != null) {
      history.stopRounds();
    }
    edge.close();
    Future<Void> undeployed = deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
    return undeployed
        .eventually(() -> history == null ? Future.succeededFuture() : history.close())
        .eventually(store::close);
  }
}
