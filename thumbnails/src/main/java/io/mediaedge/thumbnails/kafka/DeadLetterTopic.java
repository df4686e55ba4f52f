package io.mediaedge.thumbnails.kafka;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.HistoryEventJson;
import io.mediaedge.thumbnails.work.JobRunner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Events whose thumbnails failed every attempt: the event as it was, keyed by media id, with the
 * reason in a header ({@code reason}), so a person can read why and replay them into the history
 * topic once the cause is fixed.
 */
public final class DeadLetterTopic implements JobRunner.DeadLetters, AutoCloseable {
  private final KafkaProducer<String, String> producer;
  private final String topic;

  public DeadLetterTopic(List<String> bootstrapServers, String topic) {
    this.topic = topic;
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
  }

  @Override
  public void park(HistoryEvent event, String reason) throws Exception {
    ProducerRecord<String, String> record = new ProducerRecord<>(topic, event.mediaId(), HistoryEventJson.encode(event));
    record.headers().add(new RecordHeader("reason", reason.getBytes(StandardCharsets.UTF_8)));
    producer.send(record).get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    producer.close();
  }
}
