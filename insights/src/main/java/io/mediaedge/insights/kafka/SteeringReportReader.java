package io.mediaedge.insights.kafka;

import io.mediaedge.eventschema.SteeringReport;
import io.mediaedge.eventschema.SteeringReportJson;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the steering reports media-edge instances send ({@code steering.reportTopic} there), every
 * partition and with no group: every insights instance shows every region. It starts
 * {@link #LOOK_BACK} before now, which holds the last report of every instance still reporting
 * (they report at least every 5 minutes), so a restart shows the steering at once.
 *
 * <p>The topic exists only once some region steers, so a missing topic is waited for quietly in
 * the background: insights is ready without it. A record that is not a report is counted and
 * skipped, logged once.
 */
public final class SteeringReportReader {
  private static final Logger log = LoggerFactory.getLogger(SteeringReportReader.class);
  /** Three of the longest report interval media-edge allows (5 minutes). */
  static final Duration LOOK_BACK = Duration.ofMinutes(15);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration TOPIC_CHECK = Duration.ofSeconds(10);

  private final List<String> bootstrapServers;
  private final String topic;
  private final Consumer<SteeringReport> sink;
  private final Runnable undecodable;
  private final Clock clock;
  private final Thread thread;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, String> consumer;
  private boolean loggedUndecodable;

  /**
   * @param sink takes every report read (on this reader's thread)
   * @param undecodable counts a record that is not a report
   */
  public SteeringReportReader(List<String> bootstrapServers, String topic, Consumer<SteeringReport> sink,
      Runnable undecodable, Clock clock) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.sink = sink;
    this.undecodable = undecodable;
    this.clock = clock;
    this.thread = new Thread(this::run, "insights-steering-reader");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public void stop(Duration timeout) {
    running = false;
    if (!thread.isAlive()) {
      return;
    }
    KafkaConsumer<String, String> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    try {
      stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("The steering report reader did not stop within {} s: {}", timeout.toSeconds(), e.toString());
    }
  }

  private void run() {
    try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(config())) {
      consumer = reader;
      List<TopicPartition> partitions = awaitPartitions(reader);
      reader.assign(partitions);
      seekToLookBack(reader, partitions);
      log.info("Reading steering reports on {} ({} partition(s), from {} ago)", topic, partitions.size(), LOOK_BACK);
      while (running) {
        for (ConsumerRecord<String, String> record : reader.poll(POLL)) {
          accept(record);
        }
      }
    } catch (WakeupException e) {
      // stop() woke the poll up
    } catch (RuntimeException e) {
      log.error("The steering report reader stopped: {}; steering is no longer shown", e.toString(), e);
    } finally {
      consumer = null;
      stopped.complete(null);
    }
  }

  private List<TopicPartition> awaitPartitions(KafkaConsumer<String, String> reader) {
    boolean said = false;
    while (running) {
      try {
        List<PartitionInfo> infos = reader.partitionsFor(topic, Duration.ofSeconds(10));
        if (infos != null && !infos.isEmpty()) {
          return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
        }
        if (!said) {
          log.info("No steering topic {} yet (no region steers); checking every {} s", topic,
              TOPIC_CHECK.toSeconds());
          said = true;
        }
      } catch (KafkaException e) {
        log.debug("Steering topic {} not reachable: {}", topic, e.toString());
      }
      // in short naps, so that a stop is not kept waiting for the next check
      for (long slept = 0; running && slept < TOPIC_CHECK.toMillis(); slept += POLL.toMillis()) {
        try {
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new WakeupException();
        }
      }
    }
    throw new WakeupException();
  }

  /** Each partition at its first record of the look-back, or at its end when it has none since. */
  private void seekToLookBack(KafkaConsumer<String, String> reader, List<TopicPartition> partitions) {
    Map<TopicPartition, Long> times = new HashMap<>();
    long from = clock.millis() - LOOK_BACK.toMillis();
    partitions.forEach(p -> times.put(p, from));
    Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
    Map<TopicPartition, OffsetAndTimestamp> found = reader.offsetsForTimes(times);
    for (TopicPartition p : partitions) {
      OffsetAndTimestamp at = found.get(p);
      reader.seek(p, at != null ? at.offset() : ends.getOrDefault(p, 0L));
    }
  }

  private void accept(ConsumerRecord<String, String> record) {
    SteeringReport report;
    try {
      if (record.value() == null) {
        throw new IllegalArgumentException("the record has no value");
      }
      report = SteeringReportJson.decode(record.value());
    } catch (IllegalArgumentException e) {
      undecodable.run();
      if (!loggedUndecodable) {
        loggedUndecodable = true;
        log.warn("Skipping a record on {} that is not a steering report ({}; further ones are only counted) at"
            + " partition {} offset {}", topic, e.getMessage(), record.partition(), record.offset());
      }
      return;
    }
    sink.accept(report);
  }

  private Map<String, Object> config() {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers),
        ConsumerConfig.CLIENT_ID_CONFIG, "insights-steering-reader",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
  }
}
