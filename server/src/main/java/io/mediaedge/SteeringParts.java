package io.mediaedge;

import io.mediaedge.config.EdgeConfig;
import io.mediaedge.edge.SteeringOverrides;
import io.mediaedge.events.AdvisoryFollower;
import io.mediaedge.events.KafkaEventPublisher;
import io.mediaedge.events.SteeringReporter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Following advisories, the Kafka half: the follower that feeds the steering table and the
 * reporter that tells insights what the table steers. Exists only when the region steers (and
 * so has history on: the configuration refuses steering without Kafka).
 */
final class SteeringParts {
  final AdvisoryFollower follower;
  final SteeringReporter reporter;

  /** Builds the Kafka consumer: at start-up, off the event loops. */
  SteeringParts(Vertx vertx, EdgeConfig config, SteeringOverrides table, KafkaEventPublisher kafka,
      MeterRegistry metrics) {
    this.follower = new AdvisoryFollower(vertx, config.events(), config.steering(), table::apply, metrics);
    this.reporter = new SteeringReporter(vertx, kafka, config.steering(), config.server().region(), table::report,
        table::changes, metrics);
  }

  void start() {
    follower.start();
    reporter.start();
  }

  /** Stops both; the future completes when the consumer is closed (the same future every call). */
  Future<Void> stop() {
    reporter.stop();
    return follower.stop();
  }
}
