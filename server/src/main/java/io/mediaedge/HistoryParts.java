package io.mediaedge;

import io.mediaedge.cassandra.HistoryModule;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.events.KafkaEventPublisher;
import io.mediaedge.events.OutboxRelay;
import io.mediaedge.media.DeletionSweeper;
import io.mediaedge.media.MediaApi;
import io.mediaedge.media.MediaService;
import io.mediaedge.media.OrphanReconciler;
import io.mediaedge.media.RecordedMedia;
import io.mediaedge.media.UploadRecorder;
import io.mediaedge.storage.AssembledObjects;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.tus.ResumableExpiry;
import io.mediaedge.tus.ResumableUploads;
import io.mediaedge.upload.UploadFlow;
import io.mediaedge.upload.UploadService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that exists only with history on: Cassandra, the Kafka publisher, the flows that
 * record (uploads, resumable uploads, the recorded media port), the rounds that work from
 * Cassandra (outbox relay, deletion sweeper, orphan reconciler, resumable expiry) and, when the
 * region follows advisories, the Kafka advisory follower and steering reporter.
 */
final class HistoryParts {
  private static final Logger log = LoggerFactory.getLogger(HistoryParts.class);

  final HistoryModule module;
  final KafkaEventPublisher publisher;
  final OutboxRelay relay;
  final DeletionSweeper sweeper;
  final OrphanReconciler reconciler;
  final ResumableExpiry expiry;
  final UploadFlow uploads;
  final ResumableUploads resumable;
  final MediaApi media;
  /** Empty unless {@code steering.enabled}. */
  final Optional<SteeringParts> steering;
  private final String topic;

  HistoryParts(Vertx vertx, EdgeConfig config, MediaStore store, AssembledObjects assemblies, UploadService streaming,
      HistoryModule module, KafkaEventPublisher publisher, Optional<SteeringParts> steering) {
    this.module = module;
    this.publisher = publisher;
    this.steering = steering;
    this.topic = config.events().topic();
    this.relay = new OutboxRelay(vertx, module.history(), publisher, config.events());
    this.sweeper = new DeletionSweeper(vertx, module.history(), store, module.quotas(),
        config.events().sweepInterval());
    this.reconciler = new OrphanReconciler(vertx, module.history(), store, config.events().orphanGrace(),
        config.events().orphanCheckInterval());
    UploadRecorder recorder = new UploadRecorder(module.history(), module.quotas(), relay);
    this.uploads = new UploadFlow(streaming, module.history(), module.quotas(), relay, recorder,
        config.events().orphanGrace());
    this.media = new RecordedMedia(new MediaService(module.history(), module.quotas(), relay, config.history()), store);
    this.resumable = new ResumableUploads(vertx, store, assemblies, module.resumable(), module.history(),
        module.quotas(), relay, recorder, streaming.budget(), streaming.perUser(), config.resumable(), config.upload(), config.server());
    this.expiry = new ResumableExpiry(vertx, module.resumable(), resumable, config.resumable().expiryCheckInterval());
  }

  /** Starts the rounds. Kafka may be down now: the outbox keeps every event, so the topic can wait too. */
  void startRounds() {
    publisher.ensureTopic().onFailure(e -> log.warn("Kafka topic {} not checked yet ({}); the relay will keep trying",
        topic, e.toString()));
    relay.start();
    sweeper.start();
    reconciler.start();
    expiry.start();
    steering.ifPresent(SteeringParts::start);
  }

  /** The rounds stop at once; the relay and the clients only after the listeners drained ({@link #close}). */
  void stopRounds() {
    sweeper.stop();
    reconciler.stop();
    expiry.stop();
    steering.ifPresent(SteeringParts::stop);
  }

  Future<Void> close() {
    Future<Void> following = steering.map(SteeringParts::stop).orElseGet(Future::succeededFuture);
    return Future.join(relay.stop(), following).<Void>mapEmpty().eventually(publisher::close)
        .eventually(relay::drain)
        // after the listeners drained: no upload holds quota any more, so every lease goes back
        .eventually(module::close);
  }
}
