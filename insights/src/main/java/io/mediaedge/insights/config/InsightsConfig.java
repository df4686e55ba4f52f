package io.mediaedge.insights.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The whole insights configuration, typed and validated. Every option is documented in
 * {@code insights/conf/insights.yaml}; the defaults below are the same as there.
 *
 * @param logFormat the shape of every line the production entry point writes; dev mode and tests
 *     always log plain
 */
public record InsightsConfig(KafkaConfig kafka, HttpConfig http, SlotsConfig slots, int dedupWindow,
    String instanceName, DetectionConfig detection, LogFormat logFormat) {

  /** The insights HTTP port in dev mode and by default. */
  public static final int DEFAULT_HTTP_PORT = 8090;
  public static final String DEFAULT_PARTIALS_TOPIC = "media.insights.partials.v1";
  /** What media-edge follows ({@code steering.topic} in conf/media-edge.yaml). */
  public static final String DEFAULT_ADVISORIES_TOPIC = "media.advisories.v1";
  /** Where media-edge reports what it steers ({@code steering.reportTopic} in conf/media-edge.yaml). */
  public static final String DEFAULT_STEERING_TOPIC = "media.steering.v1";
  /** Where the thumbnails worker tells each media it settled ({@code kafka.resultsTopic} in conf/thumbnails.yaml). */
  public static final String DEFAULT_THUMBNAILS_TOPIC = "media.thumbnails.v1";

  /** Plain lines unless the file or {@code MEDIA_EDGE_INSIGHTS_LOGGING_FORMAT} asks for JSON. */
  static final LogFormat DEFAULT_LOG_FORMAT = LogFormat.PLAIN;

  private static final Set<String> KNOWN = known();

  /** {@code logging.format}. */
  public enum LogFormat {
    /** {@code time level [thread] logger - message}, for a terminal. */
    PLAIN,
    /** One JSON object per line (media-edge's, without the request fields), for a log pipeline. */
    JSON
  }

  /**
   * @param partialsPartitions and {@code replicationFactor}: used when insights creates the
   *     partials topic because it is missing
   * @param advisoriesTopic where ISP-trouble advisories are published (created when missing)
   * @param steeringTopic where media-edge instances report what they steer (read, never created here)
   * @param thumbnailsTopic where the thumbnails worker tells each media it settled; read in the same
   *     consumer group and transactions as the history topic (created when missing, so insights can
   *     start before any worker ran)
   */
  public record KafkaConfig(List<String> bootstrapServers, String groupId, String historyTopic, String partialsTopic,
      int partialsPartitions, short replicationFactor, String advisoriesTopic, String steeringTopic,
      String thumbnailsTopic) {}

  public record HttpConfig(String host, int port) {}

  /**
   * @param retention how far back the one-minute slots go (and the longest window the API answers)
   * @param publishInterval how often this instance publishes its partial slots and commits
   */
  public record SlotsConfig(Duration retention, Duration publishInterval) {
    public int retentionMinutes() {
      return (int) retention.toMinutes();
    }
  }

  /** Reads the YAML file, applies {@code MEDIA_EDGE_INSIGHTS_*} environment overrides, validates. */
  public static InsightsConfig load(Path file, Map<String, String> env) {
    return fromTree(Options.readYaml(file), env, file.toString());
  }

  /** The same from an already parsed tree (tests pass their own). */
  public static InsightsConfig fromTree(Map<String, Object> tree, Map<String, String> env, String source) {
    Options o = Options.of(tree, env, source, KNOWN);
    List<String> servers = o.list("kafka.bootstrapServers");
    for (String server : servers) {
      if (!server.matches("[^\\s:]+:\\d{1,5}")) {
        throw o.invalid("kafka.bootstrapServers", "holds '" + server + "', which is not host:port");
      }
    }
    KafkaConfig kafka = new KafkaConfig(servers, o.required("kafka.groupId"),
        topic(o, "kafka.historyTopic", "media.history.v1"), topic(o, "kafka.partialsTopic", DEFAULT_PARTIALS_TOPIC),
        o.integer("kafka.partialsPartitions", 3, 1, 1000), (short) o.integer("kafka.replicationFactor", 1, 1, 10),
        topic(o, "kafka.advisoriesTopic", DEFAULT_ADVISORIES_TOPIC),
        topic(o, "kafka.steeringTopic", DEFAULT_STEERING_TOPIC),
        topic(o, "kafka.thumbnailsTopic", DEFAULT_THUMBNAILS_TOPIC));
    if (kafka.historyTopic().equals(kafka.partialsTopic())) {
      throw o.invalid("kafka.partialsTopic", "must differ from kafka.historyTopic");
    }
    if (Set.of(kafka.historyTopic(), kafka.partialsTopic()).contains(kafka.advisoriesTopic())) {
      throw o.invalid("kafka.advisoriesTopic", "must differ from kafka.historyTopic and kafka.partialsTopic");
    }
    if (Set.of(kafka.historyTopic(), kafka.partialsTopic(), kafka.advisoriesTopic()).contains(kafka.steeringTopic())) {
      throw o.invalid("kafka.steeringTopic", "must differ from the history, partials and advisories topics");
    }
    if (Set.of(kafka.historyTopic(), kafka.partialsTopic(), kafka.advisoriesTopic(), kafka.steeringTopic())
        .contains(kafka.thumbnailsTopic())) {
      throw o.invalid("kafka.thumbnailsTopic", "must differ from the history, partials, advisories and steering topics");
    }
    HttpConfig http = new HttpConfig(o.string("http.host", "0.0.0.0"),
        o.integer("http.port", DEFAULT_HTTP_PORT, 0, 65535));
    // at least a day: the ISP baseline is the day before the window
    SlotsConfig slots = new SlotsConfig(
        o.duration("slots.retention", "24h", Duration.ofHours(1), Duration.ofDays(7)),
        o.duration("slots.publishInterval", "2s", Duration.ofMillis(100), Duration.ofSeconds(60)));
    if (slots.retention().toSeconds() % 60 != 0) {
      throw o.invalid("slots.retention", "must be whole minutes");
    }
    int dedupWindow = o.integer("dedup.window", 1_000_000, 1_000, 50_000_000);
    String name = o.string("instance.name", "");
    if (name.isEmpty()) {
      name = hostName();
    }
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw o.invalid("instance.name", "must be 1 to 64 letters, digits, '.', '_' or '-' (got '" + name + "')");
    }
    return new InsightsConfig(kafka, http, slots, dedupWindow, name, DetectionConfig.from(o, slots.retentionMinutes()),
        logFormat(o));
  }

  private static LogFormat logFormat(Options o) {
    String format = o.string("logging.format", DEFAULT_LOG_FORMAT.name().toLowerCase(Locale.ROOT));
    return switch (format.toLowerCase(Locale.ROOT)) {
      case "plain" -> LogFormat.PLAIN;
      case "json" -> LogFormat.JSON;
      default -> throw o.invalid("logging.format", "must be plain or json (got '" + format + "')");
    };
  }

  private static Set<String> known() {
    Set<String> known = new HashSet<>(Set.of("kafka.bootstrapServers", "kafka.groupId",
        "kafka.historyTopic", "kafka.partialsTopic", "kafka.partialsPartitions", "kafka.replicationFactor",
        "kafka.advisoriesTopic", "kafka.steeringTopic", "kafka.thumbnailsTopic", "http.host", "http.port",
        "slots.retention", "slots.publishInterval", "dedup.window",
        "instance.name", "logging.format"));
    known.addAll(DetectionConfig.OPTIONS);
    return Set.copyOf(known);
  }

  private static String topic(Options o, String option, String fallback) {
    String topic = o.string(option, fallback);
    if (!topic.matches("[A-Za-z0-9._-]{1,249}")) {
      throw o.invalid(option, "is not a valid Kafka topic name (got '" + topic + "')");
    }
    return topic;
  }

  private static String hostName() {
    try {
      String host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
      return host.isEmpty() ? "insights" : host.substring(0, Math.min(64, host.length()));
    } catch (UnknownHostException e) {
      return "insights";
    }
  }
}
