package io.mediaedge;

import io.mediaedge.auth.JwtAuthenticator;
import io.mediaedge.cassandra.HistoryModule;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.events.KafkaEventPublisher;
import io.mediaedge.http.ApiHandlers;
import io.mediaedge.http.ApiRoutes;
import io.mediaedge.http.OpenApiDocument;
import io.mediaedge.media.MediaApi;
import io.mediaedge.media.StorageOnlyMedia;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.storage.S3MediaStore;
import io.mediaedge.tls.TlsModule;
import io.mediaedge.upload.MediaUploads;
import io.mediaedge.upload.MemoryBudget;
import io.mediaedge.upload.UploadService;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root's one wiring: builds every part from the configuration (TLS, S3 store,
 * edge services, streaming engine; with history on also Cassandra, Kafka, the recording flows and
 * their rounds, and the advisory follower when the region steers) and holds what must be closed.
 * With {@code history.enabled} false the history half is simply not built: no Cassandra session,
 * no Kafka producer or consumer, no background rounds; the media port is then the storage-only one.
 */
final class EdgeWiring {
  private static final Logger log = LoggerFactory.getLogger(EdgeWiring.class);

  final EdgeConfig config;
  final TlsModule tls;
  final MediaStore store;
  final EdgeServices edge;
  final UploadService streaming;
  /** Empty when history is off. */
  final Optional<HistoryParts> history;
  private final ApiHandlers.Parts handlerParts;

  private EdgeWiring(Vertx vertx, EdgeConfig config, TlsModule tls, MediaStore store, EdgeServices edge,
      UploadService streaming, Optional<HistoryParts> history, OpenApiDocument openApi, BooleanSupplier ready) {
    this.config = config;
    this.tls = tls;
    this.store = store;
    this.edge = edge;
    this.streaming = streaming;
    this.history = history;
    MediaApi media = history.map(parts -> parts.media).orElseGet(() -> new StorageOnlyMedia(store));
    MediaUploads uploads = history.<MediaUploads>map(parts -> parts.uploads)
        .orElseGet(() -> MediaUploads.storageOnly(streaming));
    this.handlerParts = new ApiHandlers.Parts(media, uploads, history.map(parts -> parts.resumable),
        CursorKeys.load(config), ready, edge.tagger(), edge.properties(), edge.routes(), edge.metrics(), tls.pins(),
        openApi, config.server(), config.upload(), config.resumable(), config.properties(), history.isPresent(),
        config.logging().accessLog(), LinkSigners.load(config), config.links());
  }

  /**
   * Builds it all, or fails with nothing left open. {@code storeWrapper} lets tests wrap the store
   * (to inject faults) while the wiring stays the production one. Resumable uploads write their
   * tails through the wrapped store and their parts through the S3 store's assemblies, which the
   * wrapper does not see.
   */
  static Future<EdgeWiring> build(Vertx vertx, EdgeConfig config, Function<MediaStore, MediaStore> storeWrapper,
      BooleanSupplier ready) {
    // Fails fast, before anything listens, when no key can be loaded.
    new JwtAuthenticator(vertx, config.auth());
    // Certificates, pin-signing key and backup pins are checked here too, before anything listens.
    TlsModule tls = TlsModule.load(vertx, config.server(), config.pins());
    // Read here, on the caller's thread: the route tables are built on event loops.
    OpenApiDocument openApi = OpenApiDocument.load();
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
    // Kafka exists only with history on, and the configuration refuses steering without it.
    Optional<SteeringParts> steering = edge.steering().filter(table -> publisher.isPresent())
        .map(table -> new SteeringParts(vertx, config, table, publisher.get(), edge.metrics()));
    UploadService streaming = new UploadService(vertx, store, new MemoryBudget(config.upload().memoryBudget()),
        config.storage(), config.upload(), config.server());
    Future<Optional<HistoryParts>> history;
    if (publisher.isPresent()) {
      history = HistoryModule.start(vertx, config.history(), config.quota(), edge.metrics())
          .map(module -> Optional.of(new HistoryParts(vertx, config, store, s3.assembledObjects(), streaming, module,
              publisher.get(), steering)));
    } else {
      log.info("History is off (history.enabled: false): no Cassandra, no Kafka. Uploads, downloads and deletes"
          + " work on S3 alone; media history, quotas, events, listings and resumable uploads are off");
      history = Future.succeededFuture(Optional.empty());
    }
    return history
        .map(parts -> new EdgeWiring(vertx, config, tls, store, edge, streaming, parts, openApi, ready))
        .onFailure(e -> {
          edge.close();
          steering.ifPresent(SteeringParts::stop);
          publisher.ifPresent(KafkaEventPublisher::close);
          store.close();
        });
  }

  /** Starts the rounds and watchers, and shows the memory budget in the metrics. */
  void start(Vertx vertx) {
    history.ifPresent(HistoryParts::startRounds);
    edge.start(vertx);
    // The memory budget's use and its queue: a waiting upload is paused, so only this shows it.
    MemoryBudget budget = streaming.budget();
    Gauge.builder("media_edge_memory_budget_in_use_bytes", budget, MemoryBudget::inUse)
        .description("Bytes of the upload memory budget leased now").register(edge.metrics());
    Gauge.builder("media_edge_memory_budget_capacity_bytes", budget, MemoryBudget::capacity)
        .description("The upload memory budget").register(edge.metrics());
    Gauge.builder("media_edge_memory_budget_waiting", budget, MemoryBudget::waiting)
        .description("Uploads waiting, paused, for their share of the budget").register(edge.metrics());
  }

  /** One event loop's route table, with that loop's own token checker. */
  Router routes(Vertx vertx) {
    return ApiRoutes.create(vertx, ApiHandlers.build(handlerParts, new JwtAuthenticator(vertx, config.auth())));
  }

  /** Stops what works in the background; the listeners drain after this, then {@link #close}. */
  void stopRounds() {
    tls.stop();
    history.ifPresent(HistoryParts::stopRounds);
    edge.close();
  }

  /** Closes the clients: the relay and Kafka, Cassandra, then the store. */
  Future<Void> close() {
    return history.map(HistoryParts::close).orElseGet(Future::succeededFuture).eventually(store::close);
  }
}
