package io.mediaedge.bench;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.HistoryEventJson;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the whole history topic and looks up every acknowledged upload's UPLOAD event: lost (an
 * upload answered 201 with no event: must be 0) and duplicates (copies of an event id, which
 * consumers drop by {@code eventId}), per scenario.
 */
final class HistoryTopicCheck {
  private static final Duration QUIET = Duration.ofSeconds(5);

  private final String bootstrapServers;
  private final String topic;

  HistoryTopicCheck(String bootstrapServers, String topic) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
  }

  JsonObject check(List<FaultLoad.Acknowledged> acknowledged, Consumer<String> say) {
    Map<String, Integer> uploadEventsByMedia = new HashMap<>();
    Map<String, Integer> copiesByEventId = new HashMap<>();
    long records = 0;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long quietSince = System.nanoTime();
      while (System.nanoTime() - quietSince < QUIET.toNanos()) {
        var batch = consumer.poll(Duration.ofMillis(500));
        if (!batch.isEmpty()) {
          quietSince = System.nanoTime();
        }
        for (ConsumerRecord<String, String> record : batch) {
          records++;
          HistoryEvent event = HistoryEventJson.decode(record.value());
          copiesByEventId.merge(event.eventId(), 1, Integer::sum);
          if (event.action() == HistoryEvent.Action.UPLOAD) {
            uploadEventsByMedia.merge(event.mediaId(), 1, Integer::sum);
          }
        }
      }
    }
    Map<String, long[]> byScenario = new TreeMap<>();
    for (FaultLoad.Acknowledged upload : acknowledged) {
      long[] figures = byScenario.computeIfAbsent(upload.scenario(), s -> new long[3]);
      figures[0]++;
      int copies = uploadEventsByMedia.getOrDefault(upload.mediaId(), 0);
      if (copies == 0) {
        figures[1]++;
      } else {
        figures[2] += copies - 1;
      }
    }
    JsonObject scenarios = new JsonObject();
    byScenario.forEach((name, f) -> scenarios.put(name, new JsonObject().put("acknowledged", f[0]).put("lost", f[1])
        .put("duplicates", f[2])));
    long duplicateIds = copiesByEventId.values().stream().filter(n -> n > 1).count();
    long lost = byScenario.values().stream().mapToLong(f -> f[1]).sum();
    say.accept(String.format(java.util.Locale.ROOT, "history topic: %d records, %d acknowledged uploads, %d lost, %d"
        + " event ids seen more than once", records, acknowledged.size(), lost, duplicateIds));
    return new JsonObject().put("records", records).put("acknowledgedUploads", acknowledged.size()).put("lost", lost)
        .put("eventIdsSeenMoreThanOnce", duplicateIds).put("byScenario", scenarios);
  }
}
