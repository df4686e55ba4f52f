package io.mediaedge.insights.kafka;

import io.mediaedge.insights.ingest.EventIngest;
import io.mediaedge.insights.metrics.InsightsMetrics;
import io.mediaedge.insights.slots.Aggregate;
import io.mediaedge.insights.slots.AggregateCodec;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the history topic, and the thumbnails worker's results topic, in the consumer group on a
 * thread of its own, feeds every record to {@link EventIngest}, and every publish interval (and before giving partitions up) publishes the
 * cumulative partials of the minutes that changed together with the consumed offsets, in one Kafka
 * transaction: either both are visible or neither, so a crash at any point counts every event
 * exactly once. When a transaction fails, what was counted since the last one is dropped and the
 * records are read again.
 *
 * <p>The transactional id is per instance name: a restarted instance fences its former self and
 * aborts its open transaction at once. Two live instances must not share a name.
 */
public final class HistoryConsumer {
  private static final Logger log = LoggerFactory.getLogger(HistoryConsumer.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration FAILURE_PAUSE = Duration.ofSeconds(1);

  /**
   * Where and how to read and publish.
   *
   * @param thumbnailsTopic the thumbnails worker's results, read with the history topic: one group,
   *     one transaction for both topics' offsets and the partials they went into
   */
  public record Settings(List<String> bootstrapServers, String groupId, String historyTopic, String thumbnailsTopic,
      String partialsTopic, String instanceName, String run, Duration publishInterval) {}

  private final Settings settings;
  private final EventIngest ingest;
  private final InsightsMetrics metrics;
  private final Thread thread;
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean running = true;
  private volatile boolean healthy;
  /** Whether this instance holds partition 0 of the history topic: the one that publishes advisories. */
  private volatile boolean ownsFirstPartition;
  private KafkaConsumer<String, String> consumer;
  private KafkaProducer<String, byte[]> producer;
  /** Records read since the last commit (duplicates and malformed ones too: their offsets need committing). */
  private boolean uncommitted;
  /** A publish failed and the positions are not back at the committed offsets yet: no poll until they are. */
  private boolean mustRewind;
  private long lastPublishNanos = System.nanoTime();

  public HistoryConsumer(Settings settings, EventIngest ingest, InsightsMetrics metrics) {
    this.settings = settings;
    this.ingest = ingest;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "insights-history-consumer");
    this.thread.setDaemon(true);
  }

  /** Starts the thread; completes once the producer's transactions are initialised and it subscribed. */
  public CompletableFuture<Void> start() {
    thread.start();
    return started;
  }

  /** Whether the thread runs and can commit (false after it was fenced or failed for good). */
  public boolean healthy() {
    return healthy;
  }

  /**
   * Whether this instance owns partition 0 of the history topic now. The group gives each
   * partition to one member at a time, so exactly one live instance answers true (none during a
   * rebalance, or while a dead owner's session has not timed out): the one that publishes
   * ISP-trouble advisories.
   */
  public boolean ownsFirstPartition() {
    return ownsFirstPartition && healthy;
  }

  /**
   * Graceful stop: the last partials are published with their offsets, then the consumer leaves
   * the group so its partitions move at once. Blocks up to {@code timeout}.
   */
  public void stop(Duration timeout) {
    running = false;
    if (consumer != null) {
      consumer.wakeup();
    }
    try {
      stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("The history consumer did not stop within {} s: {}", timeout.toSeconds(), e.toString());
    }
  }

  private void run() {
    try {
      ensureProducer();
      consumer = new KafkaConsumer<>(consumerConfig());
      consumer.subscribe(List.of(settings.historyTopic(), settings.thumbnailsTopic()), new Rebalance());
      healthy = true;
      started.complete(null);
      log.info("Reading {} and {} in group {} as {} (run {})", settings.historyTopic(), settings.thumbnailsTopic(),
          settings.groupId(), settings.instanceName(), settings.run());
      loop();
    } catch (RuntimeException e) {
      log.error("The history consumer stopped: {}", e.toString(), e);
      started.completeExceptionally(e);
    } finally {
      healthy = false;
      ownsFirstPartition = false;
      closeQuietly();
      stopped.complete(null);
    }
  }

  private void loop() {
    while (running) {
      try {
        if (mustRewind) {
          rewind();
          continue;
        }
        for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
          String where = record.topic() + "-" + record.partition() + "@" + record.offset();
          if (record.topic().equals(settings.thumbnailsTopic())) {
            ingest.acceptThumbnail(record.value(), where);
          } else {
            ingest.accept(record.value(), where);
          }
          uncommitted = true;
        }
        if (System.nanoTime() - lastPublishNanos >= settings.publishInterval().toNanos()) {
          publish();
        }
        metrics.lag(lag());
      } catch (WakeupException e) {
        // stop() woke the poll up: the loop condition ends it
      } catch (ProducerFencedException e) {
        throw new IllegalStateException("another insights instance runs under the name " + settings.instanceName()
            + ": this one stops consuming", e);
      } catch (KafkaException e) {
        // Kafka away or a rebalance gone wrong: nothing was committed, so try again shortly
        log.warn("Reading the history topic failed, retrying: {}", e.toString());
        pause();
      }
    }
    if (!mustRewind) {
      publish();
    }
  }

  /**
   * Publishes the changed minutes' cumulative partials and commits the offsets of everything read,
   * in one transaction. On failure the counted-but-uncommitted events are dropped and their records
   * read again from the committed offsets.
   */
  private void publish() {
    lastPublishNanos = System.nanoTime();
    if (!uncommitted || consumer.assignment().isEmpty()) {
      return;
    }
    Map<Long, Aggregate> partials = ingest.prepare();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : consumer.assignment()) {
      offsets.put(partition, new OffsetAndMetadata(consumer.position(partition)));
    }
    try {
      ensureProducer();
      producer.beginTransaction();
      partials.forEach((minute, partial) -> producer.send(new ProducerRecord<>(settings.partialsTopic(),
          PartialsTopic.key(settings.run(), minute), AggregateCodec.encode(partial))));
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      producer.commitTransaction();
      ingest.committed(partials);
      uncommitted = false;
      metrics.published();
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
      ingest.rollback();
      throw e instanceof ProducerFencedException fenced ? fenced : new IllegalStateException(e);
    } catch (KafkaException e) {
      metrics.publishFailed();
      log.warn("Publishing partials failed; the records since the last commit will be read again: {}", e.toString());
      abortOrDropProducer();
      ingest.rollback();
      uncommitted = false;
      mustRewind = true;
      pause();
    }
  }

  /** A producer with its transactions initialised; a new one after one had to be dropped. */
  private void ensureProducer() {
    if (producer == null) {
      KafkaProducer<String, byte[]> fresh = new KafkaProducer<>(producerConfig());
      try {
        fresh.initTransactions();
      } catch (RuntimeException e) {
        fresh.close(Duration.ZERO);
        throw e;
      }
      producer = fresh;
    }
  }

  /**
   * Back to the committed offsets of the partitions still held, so their records are read again.
   * Throws (and is retried by the loop) while Kafka cannot say what they are.
   */
  private void rewind() {
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, Duration.ofSeconds(10));
    for (TopicPartition partition : assigned) {
      OffsetAndMetadata offset = committed.get(partition);
      if (offset != null) {
        consumer.seek(partition, offset);
      } else {
        consumer.seekToBeginning(List.of(partition));
      }
    }
    mustRewind = false;
  }

  private long lag() {
    long total = 0;
    for (TopicPartition partition : consumer.assignment()) {
      total += consumer.currentLag(partition).orElse(0);
    }
    return total;
  }

  /** Aborts the open transaction; a producer that cannot even abort is closed and made anew at the next publish. */
  private void abortOrDropProducer() {
    if (producer == null) {
      return;
    }
    try {
      producer.abortTransaction();
    } catch (KafkaException | IllegalStateException e) {
      log.debug("Aborting the transaction failed too, the producer is made anew: {}", e.toString());
      producer.close(Duration.ZERO);
      producer = null;
    }
  }

  private void pause() {
    try {
      Thread.sleep(FAILURE_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private void closeQuietly() {
    if (consumer != null) {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.debug("Closing the consumer: {}", e.toString());
      }
    }
    if (producer != null) {
      try {
        producer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.debug("Closing the producer: {}", e.toString());
      }
    }
  }

  private Map<String, Object> consumerConfig() {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", settings.bootstrapServers()),
        ConsumerConfig.GROUP_ID_CONFIG, settings.groupId(),
        ConsumerConfig.CLIENT_ID_CONFIG, "insights-" + settings.instanceName(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        // the edge creates the history topic with its partitions; a reader must not create it first
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
  }

  private Map<String, Object> producerConfig() {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", settings.bootstrapServers()),
        ProducerConfig.CLIENT_ID_CONFIG, "insights-partials-" + settings.instanceName(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "insights-" + settings.groupId() + "-" + settings.instanceName(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, PartialsTopic.MAX_MESSAGE_BYTES,
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
  }

  /** Partitions given up are committed first; partitions lost (fenced) are not ours to commit. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      giveUpFirst(partitions);
      if (!partitions.isEmpty()) {
        publish();
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      log.info("Assigned {}", partitions);
      if (partitions.contains(first())) {
        ownsFirstPartition = true;
        log.info("This instance owns {}: it publishes ISP advisories", first());
      }
    }

    private void giveUpFirst(Collection<TopicPartition> partitions) {
      if (partitions.contains(first())) {
        ownsFirstPartition = false;
      }
    }

    private TopicPartition first() {
      return new TopicPartition(settings.historyTopic(), 0);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      log.warn("Lost {} without a chance to commit: their records since the last commit will be counted by"
          + " their new owner", partitions);
      giveUpFirst(partitions);
      ingest.rollback();
      uncommitted = false;
    }
  }
}
