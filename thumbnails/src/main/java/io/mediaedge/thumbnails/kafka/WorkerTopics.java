package io.mediaedge.thumbnails.kafka;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.HistoryEventJson;
import io.mediaedge.eventschema.ThumbnailResult;
import io.mediaedge.eventschema.ThumbnailResultJson;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two topics the worker writes, through one producer:
 *
 * <ul>
 *   <li>the dead-letter topic: events whose thumbnails failed every attempt, as they were, keyed by
 *       media id, with the reason in a header ({@code reason}), so a person can read why and replay
 *       them into the history topic once the cause is fixed; a park waits for Kafka's answer;</li>
 *   <li>the results topic: one {@link ThumbnailResult} per settled media, keyed by media id, for
 *       the dashboards (lag from upload to thumbnail, failures by reason); sent without waiting, as
 *       a figure lost to a Kafka outage costs a dashboard one point, never a thumbnail.</li>
 * </ul>
 */
public final class WorkerTopics implements JobRunner.DeadLetters, JobRunner.Results, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerTopics.class);

  private final KafkaProducer<String, String> producer;
  private final String deadLetterTopic;
  private final String resultsTopic;

  public WorkerTopics(List<String> bootstrapServers, String deadLetterTopic, String resultsTopic) {
    this.deadLetterTopic = deadLetterTopic;
    this.resultsTopic = resultsTopic;
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
  }

  @Override
  public void park(HistoryEvent event, String reason) throws Exception {
    ProducerRecord<String, String> record = new ProducerRecord<>(deadLetterTopic, event.mediaId(),
        HistoryEventJson.encode(event));
    record.headers().add(new RecordHeader("reason", reason.getBytes(StandardCharsets.UTF_8)));
    producer.send(record).get(30, TimeUnit.SECONDS);
  }

  @Override
  public void settled(ThumbnailResult result) {
    producer.send(new ProducerRecord<>(resultsTopic, result.mediaId(), ThumbnailResultJson.encode(result)),
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
