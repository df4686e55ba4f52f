package io.mediaedge.thumbnails.kafka;

import io.mediaedge.eventschema.ThumbnailResult;
import io.mediaedge.eventschema.ThumbnailResultJson;
import io.mediaedge.thumbnails.work.JobRunner;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thumbnails topic: one {@link ThumbnailResult} per settled media, keyed by media id, for the
 * dashboards (lag from upload to thumbnail, failures by reason). Sent without waiting: a figure
 * lost to a Kafka outage costs a dashboard one point, never a thumbnail.
 */
public final class ResultTopic implements JobRunner.Results, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResultTopic.class);

  private final KafkaProducer<String, String> producer;
  private final String topic;

  public ResultTopic(List<String> bootstrapServers, String topic) {
    this.topic = topic;
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers),
        ProducerConfig.ACKS_CONFIG, "1",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
  }

  @Override
  public void settled(ThumbnailResult result) {
    producer.send(new ProducerRecord<>(topic, result.mediaId(), ThumbnailResultJson.encode(result)),
        (metadata, failure) -> {
          if (failure != null) {
            log.warn("Thumbnail result of media {} not sent: {}", result.mediaId(), failure.toString());
          }
        });
  }

  @Override
  public void close() {
    producer.close();
  }
}
