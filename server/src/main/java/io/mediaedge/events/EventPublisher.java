package io.mediaedge.events;

import io.mediaedge.history.HistoryStore.OutboxEntry;
import io.vertx.core.Future;

/** Sends history events to Kafka; a success means the broker acknowledged (acks=all). */
public interface EventPublisher {

  /** Creates the topic when missing. */
  Future<Void> ensureTopic();

  Future<Void> publish(OutboxEntry entry);

  Future<Void> close();
}
