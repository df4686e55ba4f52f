package io.mediaedge.insights.kafka;

import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thumbnails worker's results topic, which insights reads with the history topic. The worker
 * only writes to it; insights creates it when missing, because a consumer group subscribed to a
 * topic that does not exist yet is given no partitions of it until its metadata is refreshed
 * (minutes), and the first results would wait that long to show.
 */
public final class ThumbnailsTopic {
  /** Results are small and few (one per uploaded media): three partitions spread them over three instances. */
  static final int PARTITIONS = 3;
  private static final Logger log = LoggerFactory.getLogger(ThumbnailsTopic.class);

  private ThumbnailsTopic() {}

  /** Creates the topic unless it exists (blocking; call off the event loop). */
  public static void ensure(List<String> bootstrapServers, String topic, short replicationFactor) {
    if (Topics.ensure(bootstrapServers, new NewTopic(topic, PARTITIONS, replicationFactor), "thumbnails")) {
      log.info("Created the thumbnails results topic {} ({} partitions)", topic, PARTITIONS);
    }
  }
}
