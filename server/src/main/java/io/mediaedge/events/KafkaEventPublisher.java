package io.mediaedge.events;

import io.mediaedge.config.EdgeConfig.EventsConfig;
import io.mediaedge.history.HistoryStore.OutboxEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes history events to Kafka through vertx-kafka-client: key = user id, value = the event
 * JSON, header {@value #EVENT_ID_HEADER} = the stable event id consumers dedupe on.
 *
 * <p>Never blocks an event loop: vertx-kafka-client 5 runs the Java {@code producer.send} on a
 * worker context of its own, and {@code max.block.ms} bounds how long that worker may wait for
 * metadata or buffer space when the broker is gone.
 */
public final class KafkaEventPublisher implements EventPublisher {

  public static final String EVENT_ID_HEADER = "eventId";

  /** zstd: best ratio for small, repetitive JSON; kafka-clients 3.7 ships zstd-jni with natives. */
  static final String COMPRESSION = "zstd";
  /** A short batching window: a few ms of latency buys batches under load, nothing when idle. */
  static final int LINGER_MS = 5;
  /** The most in-flight requests that idempotence still keeps in order. */
  static final int MAX_IN_FLIGHT = 5;
  /**
   * How long a send may hold the producer's worker thread waiting for metadata or buffer space;
   * short, because while it waits every later send of this producer queues behind it.
   */
  static final Duration MAX_BLOCK = Duration.ofSeconds(2);
  private static final Duration MAX_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(KafkaEventPublisher.class);

  private final EventsConfig config;
  private final KafkaProducer<String, String> producer;
  private final KafkaAdminClient admin;

  /**
   * Builds the clients; nothing connects yet (the first send or {@link #ensureTopic()} does).
   * Constructing the Java producer takes a few tens of ms: call this at start-up, not per request.
   */
  public KafkaEventPublisher(Vertx vertx, EventsConfig config) {
    this.config = config;
    this.producer = KafkaProducer.create(vertx, producerConfig(config), String.class, String.class);
    // Without a handler the wrapper logs every failed send as an "Unhandled exception" error,
    // once per record during an outage. Each failure already fails the send's Future, and the
    // relay logs them once per round.
    this.producer.exceptionHandler(error -> log.debug("Kafka send failed", error));
    this.admin = KafkaAdminClient.create(vertx, adminConfig(config));
  }

  /** The producer settings, exposed for tests and the README. */
  static Map<String, String> producerConfig(EventsConfig config) {
    long delivery = config.deliveryTimeout().toMillis();
    // delivery.timeout.ms must cover linger.ms + request.timeout.ms or the producer refuses to
    // start; half the delivery timeout leaves room for at least one retry within it.
    long request = Math.min(MAX_REQUEST_TIMEOUT.toMillis(), Math.max(1, (delivery - LINGER_MS) / 2));
    Map<String, String> props = new LinkedHashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.bootstrapServers()));
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "media-edge-events");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // Explicit, not the 3.x default: a broker ACL lacking IDEMPOTENT_WRITE then fails loudly
    // instead of silently downgrading to a producer that may duplicate or reorder on retry.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, String.valueOf(MAX_IN_FLIGHT));
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, COMPRESSION);
    props.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(LINGER_MS));
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(delivery));
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(request));
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(Math.min(MAX_BLOCK.toMillis(), delivery)));
    // a broker coming back is noticed within a second instead of the default 1 s..1 min backoff
    props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return props;
  }

  private static Map<String, String> adminConfig(EventsConfig config) {
    String timeout = String.valueOf(config.deliveryTimeout().toMillis());
    return Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.bootstrapServers()),
        AdminClientConfig.CLIENT_ID_CONFIG, "media-edge-events-admin",
        // the admin defaults wait a minute; start-up should learn within the delivery timeout
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout,
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
  }

  /**
   * Creates the topic when missing, then loads its metadata into the producer so that sends made
   * while the broker is down later append to the buffer at once instead of each waiting
   * {@code max.block.ms} for metadata.
   */
  @Override
  public Future<Void> ensureTopic() {
    return ensureTopic(config.topic());
  }

  /** The same for another topic of ours (the steering reports), with the same partitions and replication. */
  Future<Void> ensureTopic(String topic) {
    return admin.listTopics()
        .compose(topics -> topics.contains(topic) ? Future.<Void>succeededFuture() : create(topic))
        .compose(v -> producer.partitionsFor(topic))
        .mapEmpty();
  }

  private Future<Void> create(String topic) {
    NewTopic newTopic = new NewTopic(topic, config.partitions(), config.replicationFactor());
    return admin.createTopics(List.of(newTopic))
        .onSuccess(v -> log.info("Created Kafka topic {} ({} partitions, replication factor {})", topic,
            config.partitions(), config.replicationFactor()))
        // another instance created it between our listing and our creation: that is the goal met
        .recover(e -> alreadyExists(e) ? Future.succeededFuture() : Future.failedFuture(e));
  }

  private static boolean alreadyExists(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      if (e instanceof TopicExistsException) {
        return true;
      }
    }
    return false;
  }

  /** Succeeds once every in-sync replica has the record (acks=all); fails within the delivery timeout. */
  @Override
  public Future<Void> publish(OutboxEntry entry) {
    KafkaProducerRecord<String, String> record =
        KafkaProducerRecord.create(config.topic(), entry.key(), entry.payload())
            .addHeader(EVENT_ID_HEADER, entry.eventId());
    return producer.send(record).mapEmpty();
  }

  /**
   * Sends a record that is not a history event (a steering report) through the same producer:
   * one set of connections per instance, and the same acks and idempotence.
   */
  Future<Void> send(String topic, String key, String value) {
    return producer.send(KafkaProducerRecord.create(topic, key, value)).mapEmpty();
  }

  /** Flushes what is buffered (bounded by the delivery timeout), then closes both clients. */
  @Override
  public Future<Void> close() {
    long timeout = config.deliveryTimeout().toMillis();
    return Future.join(producer.close(timeout), admin.close(timeout)).mapEmpty();
  }
}
