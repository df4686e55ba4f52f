package io.mediaedge.insights.kafka;

import io.mediaedge.insights.slots.AggregateCodec;
import io.mediaedge.insights.slots.GlobalSlots;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole partials topic, every partition and from the beginning, with no group: every
 * instance holds every instance's partials in {@link GlobalSlots}. Only committed transactions are
 * read, so a partial is seen exactly when the offsets of its events are committed. This run's own
 * partials are skipped: the consumer put them in as it committed them.
 */
public final class PartialsReader {
  private static final Logger log = LoggerFactory.getLogger(PartialsReader.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long EXPIRE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final String ownRun;
  private final List<String> bootstrapServers;
  private final String topic;
  private final GlobalSlots slots;
  private final Thread thread;
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final Set<String> loggedFailures = new HashSet<>();
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;

  /** @param ownRun this instance's run, whose partials the consumer puts in {@code slots} itself */
  public PartialsReader(List<String> bootstrapServers, String topic, GlobalSlots slots, String ownRun) {
    this.ownRun = ownRun;
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.slots = slots;
    this.thread = new Thread(this::run, "insights-partials-reader");
    this.thread.setDaemon(true);
  }

  /** Starts reading; the future completes once everything on the topic at start has been read. */
  public CompletableFuture<Void> start() {
    thread.start();
    return caughtUp;
  }

  public boolean caughtUp() {
    return caughtUp.isDone() && !caughtUp.isCompletedExceptionally() && !stopped.isDone();
  }

  public void stop(Duration timeout) {
    running = false;
    KafkaConsumer<String, byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    try {
      stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("The partials reader did not stop within {} s: {}", timeout.toSeconds(), e.toString());
    }
  }

  private void run() {
    try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(config())) {
      consumer = reader;
      List<TopicPartition> partitions = partitions(reader);
      reader.assign(partitions);
      reader.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = reader.endOffsets(partitions);
      long lastExpiry = System.nanoTime();
      while (running) {
        for (ConsumerRecord<String, byte[]> record : reader.poll(POLL)) {
          apply(record);
        }
        if (!caughtUp.isDone() && end.entrySet().stream().allMatch(e -> reader.position(e.getKey()) >= e.getValue())) {
          log.info("Read the partials topic {} up to its end at start: {} instance run(s) hold slots",
              topic, slots.instances());
          caughtUp.complete(null);
        }
        if (System.nanoTime() - lastExpiry > EXPIRE_EVERY_NANOS) {
          // here, on the only writer's thread, so no put races the removal of an emptied run
          slots.expire();
          lastExpiry = System.nanoTime();
        }
      }
    } catch (WakeupException e) {
      // stop() woke the poll up
    } catch (RuntimeException e) {
      log.error("The partials reader stopped: {}", e.toString(), e);
      caughtUp.completeExceptionally(e);
    } finally {
      consumer = null;
      stopped.complete(null);
    }
  }

  /** The topic's partitions, waiting while it does not exist yet (another instance may be creating it). */
  private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> reader) {
    while (running) {
      try {
        List<PartitionInfo> infos = reader.partitionsFor(topic, Duration.ofSeconds(10));
        if (infos != null && !infos.isEmpty()) {
          return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
        }
      } catch (KafkaException e) {
        log.info("Waiting for the partials topic {}: {}", topic, e.toString());
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new WakeupException();
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    String key = record.key();
    int slash = key == null ? -1 : key.lastIndexOf('/');
    long minute;
    try {
      minute = Long.parseLong(key.substring(slash + 1));
    } catch (RuntimeException e) {
      skip("key", "a partial with the key '" + key + "', not run/minute", record);
      return;
    }
    String run = key.substring(0, Math.max(0, slash));
    if (run.equals(ownRun)) {
      // the same figures the consumer put in when it committed them
      return;
    }
    if (record.value() == null) {
      slots.remove(run, minute);
      return;
    }
    try {
      slots.put(run, minute, AggregateCodec.decode(record.value()));
    } catch (IllegalArgumentException e) {
      skip("value", e.getMessage(), record);
    }
  }

  private void skip(String kind, String problem, ConsumerRecord<?, ?> record) {
    if (loggedFailures.add(kind)) {
      log.warn("Skipping a partial that cannot be read ({}; further ones are skipped silently) at {}-{}@{}",
          problem, record.topic(), record.partition(), record.offset());
    }
  }

  private Map<String, Object> config() {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers),
        ConsumerConfig.CLIENT_ID_CONFIG, "insights-partials-reader",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PartialsTopic.MAX_MESSAGE_BYTES,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
  }
}
