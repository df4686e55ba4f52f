package io.mediaedge.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Following ISP-trouble advisories (the {@code steering} section): media-edge reads the advisory
 * topic insights publishes and, for a (country, ASN) in trouble, answers {@code GET /v1/edge}
 * with {@code alternativeHost} for a while. Off by default: a region opts in.
 *
 * @param topic the Kafka topic advisories arrive on (the brokers are {@code events.bootstrapServers})
 * @param alternativeHost where steered clients are told to upload; empty only while steering is off
 * @param alternativeProxied whether that host is served through the CDN (told to clients as {@code proxied})
 * @param ttl how long one RAISED advisory steers, counted from when insights issued it
 * @param maxSteeredNetworks how many (country, ASN) pairs may be steered at once; a RAISED beyond
 *     it is refused
 * @param killSwitchFile while this file exists no override applies (an engineer's {@code touch})
 * @param reportTopic where each instance reports the networks it steers (insights shows them)
 * @param reportInterval the longest gap between two reports; a change is reported at once
 */
public record SteeringConfig(boolean enabled, String topic, String alternativeHost, boolean alternativeProxied,
    Duration ttl, int maxSteeredNetworks, Optional<Path> killSwitchFile, String reportTopic,
    Duration reportInterval) {

  public static final boolean ENABLED_BY_DEFAULT = false;
  public static final String DEFAULT_TOPIC = "media.advisories.v1";
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);
  public static final Duration MIN_TTL = Duration.ofSeconds(1);
  /** A day: an advisory nobody renews must not steer a network for longer than a working day. */
  public static final Duration MAX_TTL = Duration.ofHours(24);
  public static final int DEFAULT_MAX_STEERED_NETWORKS = 20;
  public static final int MAX_STEERED_NETWORKS = 10_000;
  public static final String DEFAULT_REPORT_TOPIC = "media.steering.v1";
  public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofSeconds(15);

  static SteeringConfig read(ConfigTree c, boolean historyEnabled) {
    boolean enabled = c.bool("steering.enabled", ENABLED_BY_DEFAULT);
    String topic = c.string("steering.topic", DEFAULT_TOPIC);
    if (!topic.matches(EdgeConfig.TOPIC_NAME)) {
      throw c.invalid("steering.topic", "must be a valid Kafka topic name (got '" + topic + "')");
    }
    String reportTopic = c.string("steering.reportTopic", DEFAULT_REPORT_TOPIC);
    if (!reportTopic.matches(EdgeConfig.TOPIC_NAME) || reportTopic.equals(topic)) {
      throw c.invalid("steering.reportTopic", "must be a valid Kafka topic name other than steering.topic (got '"
          + reportTopic + "')");
    }
    String host = c.string("steering.alternativeHost", "");
    if (!host.isEmpty() && !host.matches(EdgeNetworkConfig.HOST_NAME)) {
      throw c.invalid("steering.alternativeHost", "must be a host name, optionally with :port (got '" + host + "')");
    }
    // Every value is checked even while steering is off, so a region finds a typo before it opts in.
    SteeringConfig config = new SteeringConfig(enabled, topic, host, c.bool("steering.alternativeProxied", false),
        c.duration("steering.ttl", DEFAULT_TTL.toMinutes() + "m", MIN_TTL, MAX_TTL),
        c.integer("steering.maxSteeredNetworks", DEFAULT_MAX_STEERED_NETWORKS, 1, MAX_STEERED_NETWORKS),
        killSwitchFile(c), reportTopic,
        c.duration("steering.reportInterval", DEFAULT_REPORT_INTERVAL.toSeconds() + "s", Duration.ofSeconds(1),
            Duration.ofMinutes(5)));
    if (enabled && host.isEmpty()) {
      throw c.invalid("steering.alternativeHost", "is required when steering.enabled is true: it is where clients"
          + " of a network in trouble are sent");
    }
    if (enabled && !historyEnabled) {
      // Refused rather than quietly off: a region that asked to follow advisories must know it does not.
      throw c.invalid("steering.enabled", "is true but history.enabled is false: advisories arrive over Kafka,"
          + " which media-edge reaches only with history on; turn steering off or history on");
    }
    return config;
  }

  /** The file need not exist (that is the switch off), but its directory must, or a touch could never reach it. */
  private static Optional<Path> killSwitchFile(ConfigTree c) {
    String value = c.string("steering.killSwitchFile", "");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    Path file = Path.of(value);
    Path directory = file.toAbsolutePath().getParent();
    if (directory == null || !Files.isDirectory(directory)) {
      throw c.invalid("steering.killSwitchFile", "names a file in a directory that does not exist (" + directory
          + ")");
    }
    if (Files.isDirectory(file)) {
      throw c.invalid("steering.killSwitchFile", "names a directory (" + file.toAbsolutePath() + "), not a file");
    }
    return Optional.of(file);
  }
}
