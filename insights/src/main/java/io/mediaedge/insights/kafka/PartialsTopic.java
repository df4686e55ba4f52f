package io.mediaedge.insights.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topic every instance publishes its partial slots to and reads all of: compacted, so the
 * latest partial of each (run, minute) is what stays, and with a time retention a little longer
 * than the slots', so the partials of runs that ended (and of minutes no ring holds any more) go
 * away by themselves. Created at start when missing.
 */
public final class PartialsTopic {
  private static final Logger log = LoggerFactory.getLogger(PartialsTopic.class);
  /** The largest partial: a busy minute at high cardinality is a few hundred KB before compression. */
  static final int MAX_MESSAGE_BYTES = 16 << 20;
  /** Partials are rewritten until their minute leaves the retention; an hour more keeps the last one safe. */
  private static final Duration RETENTION_MARGIN = Duration.ofHours(1);

  private PartialsTopic() {}

  /** Creates the topic unless it exists (blocking; call off the event loop). */
  public static void ensure(List<String> bootstrapServers, String topic, int partitions, short replicationFactor,
      Duration slotRetention) {
    Map<String, String> configs = Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
        TopicConfig.RETENTION_MS_CONFIG, String.valueOf(slotRetention.plus(RETENTION_MARGIN).toMillis()),
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(MAX_MESSAGE_BYTES));
    if (Topics.ensure(bootstrapServers, new NewTopic(topic, partitions, replicationFactor).configs(configs),
        "partials")) {
      log.info("Created the partials topic {} ({} partitions, compacted, retention {})", topic, partitions,
          slotRetention.plus(RETENTION_MARGIN));
    }
  }

  /** The record key of a run's partial for a minute: {@code run/minute}. */
  static String key(String run, long minute) {
    return run + "/" + minute;
  }
}
