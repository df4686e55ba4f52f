package io.mediaedge.insights.kafka;

import io.mediaedge.eventschema.Advisory;
import io.mediaedge.eventschema.AdvisoryJson;
import io.mediaedge.insights.detect.AdvisoryPublisher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes advisories to the advisory topic: key {@code country/asn} (one network's advisories
 * share a partition, so followers read them in order), value {@link AdvisoryJson}. Idempotent and
 * acknowledged by all replicas; a send the broker does not take within {@link #DELIVERY_TIMEOUT}
 * fails, and detection sends it again at its next evaluation.
 */
public final class AdvisoryProducer implements AdvisoryPublisher, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdvisoryProducer.class);
  /** Followers read back steering.ttl; a week leaves the history for people too. */
  private static final Duration RETENTION = Duration.ofDays(7);
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
  /** How long a send may wait for metadata on the detection thread while the brokers are away. */
  private static final Duration MAX_BLOCK = Duration.ofSeconds(2);

  private final String topic;
  private final KafkaProducer<String, String> producer;

  public AdvisoryProducer(List<String> bootstrapServers, String topic, String instanceName) {
    this.topic = topic;
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers),
        ProducerConfig.CLIENT_ID_CONFIG, "insights-advisories-" + instanceName,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis(),
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK.toMillis(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
  }

  /** Creates the advisory topic unless it exists: one partition is plenty for a few records a minute. */
  public static void ensureTopic(List<String> bootstrapServers, String topic, short replicationFactor) {
    NewTopic spec = new NewTopic(topic, 1, replicationFactor).configs(Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
        TopicConfig.RETENTION_MS_CONFIG, String.valueOf(RETENTION.toMillis())));
    if (Topics.ensure(bootstrapServers, spec, "advisory")) {
      log.info("Created the advisory topic {} (1 partition, retention {})", topic, RETENTION);
    }
  }

  @Override
  public CompletionStage<Void> publish(Advisory advisory) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(topic, advisory.key(), AdvisoryJson.encode(advisory)), (metadata, failure) -> {
        if (failure == null) {
          sent.complete(null);
        } else {
          sent.completeExceptionally(failure);
        }
      });
    } catch (KafkaException e) {
      sent.completeExceptionally(e);
    }
    return sent;
  }

  /** Sends what is buffered (for up to {@code timeout}) and closes. */
  public void close(Duration timeout) {
    producer.close(timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
