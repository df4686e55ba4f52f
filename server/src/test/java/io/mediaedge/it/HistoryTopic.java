package io.mediaedge.it;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The history topic as a dashboard sees it: read from the beginning with a plain consumer (no
 * group), keeping one user's records (key = user id). Each test uses its own user, so what it
 * reads is its own doing.
 */
final class HistoryTopic {
  /** One record: its key, its {@code eventId} header and its JSON value. */
  record Received(String key, String headerEventId, JsonObject event) {
    String action() {
      return event.getString("action");
    }

    String mediaId() {
      return event.getString("mediaId");
    }

    String eventId() {
      return event.getString("eventId");
    }
  }

  private HistoryTopic() {}

  static String topic() {
    return TestStack.get().server().config().events().topic();
  }

  /**
   * Reads {@code user}'s records until {@code enough} holds for all read so far or {@code patience}
   * runs out; returns them either way, so the caller's assertion says what was missing.
   */
  static List<Received> await(String user, Predicate<List<Received>> enough, Duration patience) {
    Map<String, Object> props = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.get().dev().kafka().bootstrapServers(),
        ConsumerConfig.CLIENT_ID_CONFIG, "history-topic-it",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        // the servers create the topic with its configured partitions; a reader must not create it first
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    long deadline = System.nanoTime() + patience.toNanos();
    List<Received> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = partitions(consumer, deadline);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (user.equals(record.key())) {
            Header header = record.headers().lastHeader("eventId");
            received.add(new Received(record.key(),
                header == null ? null : new String(header.value(), StandardCharsets.UTF_8),
                new JsonObject(record.value())));
          }
        }
        if (enough.test(received)) {
          break;
        }
      }
    }
    return received;
  }

  /** The topic is created by the servers at start-up; it may take a moment to show. */
  private static List<TopicPartition> partitions(KafkaConsumer<String, String> consumer, long deadline) {
    while (true) {
      List<PartitionInfo> infos;
      try {
        infos = consumer.partitionsFor(topic(), Duration.ofSeconds(2));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        infos = List.of();
      }
      if (infos != null && !infos.isEmpty()) {
        return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("topic " + topic() + " does not exist");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Whether an {@code action} event was read for every one of {@code mediaIds}. */
  static Predicate<List<Received>> covers(String action, Set<String> mediaIds) {
    return received -> mediaIds(received, action).containsAll(mediaIds);
  }

  static Set<String> mediaIds(List<Received> received, String action) {
    return received.stream().filter(r -> action.equals(r.action())).map(Received::mediaId)
        .collect(Collectors.toSet());
  }

  /**
   * Checks delivery is at least once with stable ids: every record's header matches its value's
   * {@code eventId}, and each media has exactly one distinct event id per action (duplicates of
   * one event are allowed, two different events for one upload or delete are not).
   */
  static void assertOneEventIdPerMediaAndAction(List<Received> received, String action, Set<String> mediaIds) {
    for (Received r : received) {
      if (!r.eventId().equals(r.headerEventId())) {
        throw new AssertionError("header eventId " + r.headerEventId() + " differs from the value's " + r.eventId());
      }
    }
    Map<String, Set<String>> idsByMedia = received.stream().filter(r -> action.equals(r.action()))
        .collect(Collectors.groupingBy(Received::mediaId, Collectors.mapping(Received::eventId, Collectors.toSet())));
    Set<String> missing = new HashSet<>(mediaIds);
    missing.removeAll(idsByMedia.keySet());
    if (!missing.isEmpty()) {
      throw new AssertionError(missing.size() + " of " + mediaIds.size() + " media have no " + action
          + " event in Kafka, e.g. " + missing.iterator().next());
    }
    idsByMedia.forEach((media, eventIds) -> {
      if (mediaIds.contains(media) && eventIds.size() != 1) {
        throw new AssertionError("media " + media + " has " + eventIds.size() + " different " + action
            + " events: " + eventIds);
      }
    });
  }
}
