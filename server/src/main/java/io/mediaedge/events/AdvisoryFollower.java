package io.mediaedge.events;

import io.mediaedge.config.EdgeConfig.EventsConfig;
import io.mediaedge.config.SteeringConfig;
import io.mediaedge.eventschema.Advisory;
import io.mediaedge.eventschema.AdvisoryJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.PartitionInfo;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndTimestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the advisory topic and hands every advisory to the steering table.
 *
 * <p>Every instance must see every advisory, so there is no consumer group: the follower assigns
 * itself all partitions of the topic and starts each at the first record of the last {@code ttl}
 * ({@code offsetsForTimes}). That rebuilds, at every start, exactly the overrides that could still
 * be in force, commits nothing, and leaves no per-instance group behind on the brokers (a unique
 * group per instance would, at every restart, until the offsets retention passes). Partitions
 * added to the topic later are followed from the next start.
 *
 * <p>Never blocks an event loop: vertx-kafka-client runs the Java consumer on a thread of its own.
 * Kafka down or the topic missing at start fails nothing: the follower logs, retries with a
 * backoff up to {@link #MAX_RETRY}, and the edge answers from the file meanwhile. A record that
 * is not an advisory is counted and skipped.
 */
public final class AdvisoryFollower {
  private static final Logger log = LoggerFactory.getLogger(AdvisoryFollower.class);

  static final Duration FIRST_RETRY = Duration.ofMillis(500);
  static final Duration MAX_RETRY = Duration.ofSeconds(10);
  /** How long one metadata or offsets call may hold the consumer's thread while the brokers are away. */
  static final Duration API_TIMEOUT = Duration.ofSeconds(5);
  /** A record that is not an advisory is logged at most this often (each one is counted). */
  static final Duration UNDECODABLE_LOG_EVERY = Duration.ofMinutes(1);

  private final Vertx vertx;
  private final String topic;
  private final Duration lookBack;
  private final Consumer<Advisory> sink;
  private final Clock clock;
  private final KafkaConsumer<String, String> consumer;
  private final Counter read;
  private final Counter undecodable;
  private volatile boolean following;
  private boolean started;
  private boolean stopped;
  private Future<Void> closed;
  private long retryTimer = -1;
  private Duration nextRetry = FIRST_RETRY;
  private String lastFailure = "";
  private long lastUndecodableLog;

  /**
   * Builds the Java consumer (tens of ms of class loading: call at start-up, off the event loops);
   * nothing connects before {@link #start()}.
   */
  public AdvisoryFollower(Vertx vertx, EventsConfig events, SteeringConfig steering, Consumer<Advisory> sink,
      MeterRegistry metrics) {
    this.vertx = vertx;
    this.topic = steering.topic();
    this.lookBack = steering.ttl();
    this.sink = sink;
    this.clock = Clock.systemUTC();
    this.consumer = KafkaConsumer.create(vertx, consumerConfig(events), String.class, String.class);
    this.consumer.exceptionHandler(e -> log.debug("Advisory consumer: {}", e.toString()));
    this.read = Counter.builder("media_edge_steering_advisories_read")
        .description("Records read from the advisory topic").register(metrics);
    this.undecodable = Counter.builder("media_edge_steering_advisories_undecodable")
        .description("Records on the advisory topic that are not an advisory this server can read, skipped")
        .register(metrics);
    Gauge.builder("media_edge_steering_following", this, f -> f.following ? 1 : 0)
        .description("1 once the advisory topic is assigned and read; 0 while Kafka or the topic is missing")
        .register(metrics);
  }

  static Map<String, String> consumerConfig(EventsConfig events) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", events.bootstrapServers()));
    // Unique per instance only so that two followers in one JVM (tests) do not share JMX names.
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "media-edge-advisories-" + UUID.randomUUID().toString().substring(0, 8));
    // No group.id: partitions are assigned, not balanced, and nothing is committed.
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    // insights creates the topic; a follower asking for it must not create it with broker defaults
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(API_TIMEOUT.toMillis()));
    props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(API_TIMEOUT.toMillis()));
    props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return props;
  }

  /** Starts following; completes nothing and fails nothing: Kafka may come later. */
  public synchronized void start() {
    if (started || stopped) {
      return;
    }
    started = true;
    attach();
  }

  /** Whether the topic is assigned and being read. */
  public boolean following() {
    return following;
  }

  private void attach() {
    long from = clock.millis() - lookBack.toMillis();
    consumer.partitionsFor(topic)
        .compose(infos -> {
          if (infos == null || infos.isEmpty()) {
            return Future.failedFuture("topic " + topic + " does not exist yet");
          }
          Set<TopicPartition> partitions = infos.stream().map(AdvisoryFollower::partition).collect(Collectors.toSet());
          return consumer.assign(partitions).compose(v -> seekTo(partitions, from)).map(partitions.size());
        })
        .onSuccess(partitions -> {
          synchronized (this) {
            if (stopped) {
              return;
            }
            following = true;
            lastFailure = "";
            nextRetry = FIRST_RETRY;
          }
          log.info("Following ISP advisories on Kafka topic {} ({} partition(s), from {} on)", topic, partitions,
              Instant.ofEpochMilli(from));
          consumer.handler(this::accept);
        })
        .onFailure(this::retryLater);
  }

  /**
   * Each partition at its first record of the look-back window, or at its end when it has none:
   * the end is read before the times are looked up, so a record written in between is not skipped.
   */
  private Future<Void> seekTo(Set<TopicPartition> partitions, long from) {
    Map<TopicPartition, Long> times = new LinkedHashMap<>();
    partitions.forEach(p -> times.put(p, from));
    return consumer.endOffsets(partitions).compose(ends -> consumer.offsetsForTimes(times).compose(found -> {
      List<Future<Void>> seeks = new ArrayList<>();
      for (TopicPartition p : partitions) {
        OffsetAndTimestamp at = found.get(p);
        Long end = ends.get(p);
        seeks.add(consumer.seek(p, at != null ? at.getOffset() : end != null ? end : 0L));
      }
      return Future.all(seeks).mapEmpty();
    }));
  }

  private synchronized void retryLater(Throwable failure) {
    if (stopped) {
      return;
    }
    String reason = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    // Said once per kind of trouble, not every few seconds for as long as Kafka is away.
    if (!reason.equals(lastFailure)) {
      log.warn("Not following ISP advisories yet ({}); retrying every {} s at most, routes come from the file"
          + " meanwhile", reason, MAX_RETRY.toSeconds());
      lastFailure = reason;
    } else {
      log.debug("Advisory topic still not reachable: {}", reason);
    }
    long delay = nextRetry.toMillis();
    nextRetry = nextRetry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : nextRetry.multipliedBy(2);
    retryTimer = vertx.setTimer(delay, id -> {
      synchronized (this) {
        retryTimer = -1;
        if (stopped) {
          return;
        }
      }
      attach();
    });
  }

  private void accept(KafkaConsumerRecord<String, String> record) {
    read.increment();
    Advisory advisory;
    try {
      if (record.value() == null) {
        throw new IllegalArgumentException("the record has no value");
      }
      advisory = AdvisoryJson.decode(record.value());
    } catch (IllegalArgumentException e) {
      undecodable.increment();
      long now = clock.millis();
      if (now - lastUndecodableLog >= UNDECODABLE_LOG_EVERY.toMillis()) {
        lastUndecodableLog = now;
        log.warn("Skipped a record on {} (partition {}, offset {}) that is not an advisory: {} (counted in"
            + " media_edge_steering_advisories_undecodable_total; logged at most once a minute)", topic,
            record.partition(), record.offset(), e.getMessage());
      }
      return;
    }
    try {
      sink.accept(advisory);
    } catch (RuntimeException e) {
      log.error("Advisory {} could not be applied", advisory.advisoryId(), e);
    }
  }

  /** Stops following and closes the consumer; the same future for every call. */
  public synchronized Future<Void> stop() {
    if (closed != null) {
      return closed;
    }
    stopped = true;
    following = false;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    if (started) {
      closed = consumer.close();
    } else {
      // Never started, so the wrapper has no thread to close it on: close the Java consumer here.
      consumer.unwrap().close(Duration.ZERO);
      closed = Future.succeededFuture();
    }
    return closed;
  }

  private static TopicPartition partition(PartitionInfo info) {
    return new TopicPartition(info.getTopic(), info.getPartition());
  }
}
