package io.mediaedge.thumbnails.kafka;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.HistoryEventJson;
import io.mediaedge.thumbnails.config.ThumbnailsConfig.KafkaSection;
import io.mediaedge.thumbnails.work.JobRunner;
import io.mediaedge.thumbnails.work.ThumbnailJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history topic as the worker reads it: a consumer in the group {@code kafka.groupId} (each
 * instance of the worker gets some partitions), on a thread of its own. Each poll's UPLOADs of
 * images become jobs; the offsets are committed once every job of the poll has ended (made,
 * refused, skipped or parked), so a worker that dies mid-batch has the batch delivered again
 * (at-least-once; the jobs are idempotent by media id).
 */
public final class UploadEvents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UploadEvents.class);

  private final KafkaConsumer<String, String> consumer;
  private final JobRunner runner;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch assigned = new CountDownLatch(1);
  private volatile boolean running = true;

  public UploadEvents(KafkaSection config, JobRunner runner) {
    this.runner = runner;
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.bootstrapServers()),
        ConsumerConfig.GROUP_ID_CONFIG, config.groupId(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.startAt(),
        // a batch of images takes a while: fewer records per poll, and room for a slow one
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords(),
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) config.maxPollInterval().toMillis(),
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
    consumer.subscribe(List.of(config.topic()), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        log.info("Assigned {}", partitions);
        assigned.countDown();
      }
    });
    this.thread = new Thread(this::loop, "thumbnails-consumer");
  }

  public void start() {
    thread.start();
  }

  private void loop() {
    try {
      while (running) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
        List<HistoryEvent> wanted = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
          HistoryEvent event;
          try {
            event = HistoryEventJson.decode(record.value());
          } catch (RuntimeException e) {
            // not ours to repair: media-edge wrote it, insights reports it; skipping keeps us moving
            log.warn("Skipped an undecodable record at {}-{}@{}: {}", record.topic(), record.partition(),
                record.offset(), e.getMessage());
            continue;
          }
          if (ThumbnailJob.wanted(event)) {
            wanted.add(event);
          }
        }
        if (!wanted.isEmpty()) {
          runner.runAll(wanted);
        }
        if (!records.isEmpty()) {
          consumer.commitSync();
        }
      }
    } catch (WakeupException e) {
      // stop() woke the poll
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("The thumbnails consumer stopped", e);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(10));
      } finally {
        stopped.countDown();
      }
    }
  }

  /** Whether the group gave this worker its partitions within {@code timeout} (its first assignment). */
  public boolean awaitAssignment(Duration timeout) throws InterruptedException {
    return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Finishes the batch in hand, commits it, leaves the group. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      if (!stopped.await(60, TimeUnit.SECONDS)) {
        log.warn("The thumbnails consumer did not stop within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
