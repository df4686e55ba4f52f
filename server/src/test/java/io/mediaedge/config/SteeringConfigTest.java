package io.mediaedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code steering} section of the committed conf/media-edge.yaml: off unless a region opts in,
 * every value bounded, and on only with somewhere to send clients and a Kafka to hear advisories from.
 */
class SteeringConfigTest {
  private static final Path COMMITTED = Path.of("conf/media-edge.yaml");

  @TempDir static Path dir;
  private static Map<String, String> files;

  @BeforeAll
  static void makeFiles() {
    files = DevConfigFiles.make(dir);
  }

  private static SteeringConfig load(String... pairs) {
    return EdgeConfig.load(COMMITTED, DevConfigFiles.with(files, pairs)).steering();
  }

  private static String refusal(String... pairs) {
    return assertThrows(ConfigException.class,
        () -> EdgeConfig.load(COMMITTED, DevConfigFiles.with(files, pairs))).getMessage();
  }

  @Test
  void committedSteeringIsOffWithBoundedDefaults() {
    assertEquals(new SteeringConfig(false, "media.advisories.v1", "", false, Duration.ofMinutes(15), 20,
        Optional.empty(), "media.steering.v1", Duration.ofSeconds(15)), load());
  }

  @Test
  void aTreeWithoutTheSectionIsOffWithTheSameDefaults() {
    JsonObject tree = EdgeConfig.readYaml(COMMITTED);
    tree.remove("steering");
    SteeringConfig steering = EdgeConfig.fromTree(tree, DevConfigFiles.with(files), "test").steering();
    assertFalse(steering.enabled());
    assertEquals(SteeringConfig.DEFAULT_TTL, steering.ttl());
    assertEquals(SteeringConfig.DEFAULT_MAX_STEERED_NETWORKS, steering.maxSteeredNetworks());
    assertEquals(SteeringConfig.DEFAULT_TOPIC, steering.topic());
  }

  @Test
  void variablesTurnItOnAndSetEveryValue() throws IOException {
    Path killSwitch = dir.resolve("steering-off");
    SteeringConfig steering = load("MEDIA_EDGE_STEERING_ENABLED", "true",
        "MEDIA_EDGE_STEERING_TOPIC", "region-eu.advisories",
        "MEDIA_EDGE_STEERING_ALTERNATIVE_HOST", "upload-direct-eu.example.com:8443",
        "MEDIA_EDGE_STEERING_ALTERNATIVE_PROXIED", "true",
        "MEDIA_EDGE_STEERING_TTL", "3s",
        "MEDIA_EDGE_STEERING_MAX_STEERED_NETWORKS", "5",
        "MEDIA_EDGE_STEERING_KILL_SWITCH_FILE", killSwitch.toString(),
        "MEDIA_EDGE_STEERING_REPORT_TOPIC", "region-eu.steering",
        "MEDIA_EDGE_STEERING_REPORT_INTERVAL", "2s");
    assertEquals(new SteeringConfig(true, "region-eu.advisories", "upload-direct-eu.example.com:8443", true,
        Duration.ofSeconds(3), 5, Optional.of(killSwitch), "region-eu.steering", Duration.ofSeconds(2)), steering);
    assertFalse(Files.exists(killSwitch), "the kill switch file need not exist: absent means off");
  }

  @Test
  void onWithoutAnAlternativeHostIsRefusedNamingIt() {
    String message = refusal("MEDIA_EDGE_STEERING_ENABLED", "true");
    EdgeConfigTest.assertSentenceNamesOptionVariableAndFile(message, "steering.alternativeHost",
        "MEDIA_EDGE_STEERING_ALTERNATIVE_HOST");
    assertTrue(message.contains("is required when steering.enabled is true"), message);
  }

  @Test
  void onWithHistoryOffIsRefusedBecauseThereIsNoKafkaToHearAdvisoriesFrom() {
    String message = refusal("MEDIA_EDGE_STEERING_ENABLED", "true",
        "MEDIA_EDGE_STEERING_ALTERNATIVE_HOST", "upload-direct-eu.example.com", "MEDIA_EDGE_HISTORY_ENABLED", "false");
    EdgeConfigTest.assertSentenceNamesOptionVariableAndFile(message, "steering.enabled",
        "MEDIA_EDGE_STEERING_ENABLED");
    assertTrue(message.contains("history.enabled is false"), message);
  }

  @Test
  void offWithHistoryOffLoads() {
    assertFalse(load("MEDIA_EDGE_HISTORY_ENABLED", "false").enabled());
  }

  static Stream<Arguments> invalidValues() {
    return Stream.of(
        Arguments.of("steering.enabled", "MEDIA_EDGE_STEERING_ENABLED", "maybe"),
        Arguments.of("steering.topic", "MEDIA_EDGE_STEERING_TOPIC", "advisories for eu"),
        Arguments.of("steering.topic", "MEDIA_EDGE_STEERING_TOPIC", ""),
        Arguments.of("steering.alternativeHost", "MEDIA_EDGE_STEERING_ALTERNATIVE_HOST", "https://upload.example.com"),
        Arguments.of("steering.alternativeHost", "MEDIA_EDGE_STEERING_ALTERNATIVE_HOST", "upload_eu!"),
        Arguments.of("steering.alternativeProxied", "MEDIA_EDGE_STEERING_ALTERNATIVE_PROXIED", "direct"),
        Arguments.of("steering.ttl", "MEDIA_EDGE_STEERING_TTL", "0s"),
        Arguments.of("steering.ttl", "MEDIA_EDGE_STEERING_TTL", "500ms"),
        Arguments.of("steering.ttl", "MEDIA_EDGE_STEERING_TTL", "25h"),
        Arguments.of("steering.ttl", "MEDIA_EDGE_STEERING_TTL", "a while"),
        Arguments.of("steering.maxSteeredNetworks", "MEDIA_EDGE_STEERING_MAX_STEERED_NETWORKS", "0"),
        Arguments.of("steering.maxSteeredNetworks", "MEDIA_EDGE_STEERING_MAX_STEERED_NETWORKS", "10001"),
        Arguments.of("steering.maxSteeredNetworks", "MEDIA_EDGE_STEERING_MAX_STEERED_NETWORKS", "-1"),
        Arguments.of("steering.maxSteeredNetworks", "MEDIA_EDGE_STEERING_MAX_STEERED_NETWORKS", "many"),
        Arguments.of("steering.killSwitchFile", "MEDIA_EDGE_STEERING_KILL_SWITCH_FILE",
            dir.resolve("no-such-directory/steering-off").toString()),
        Arguments.of("steering.killSwitchFile", "MEDIA_EDGE_STEERING_KILL_SWITCH_FILE", dir.toString()),
        Arguments.of("steering.reportTopic", "MEDIA_EDGE_STEERING_REPORT_TOPIC", "steering reports"),
        Arguments.of("steering.reportTopic", "MEDIA_EDGE_STEERING_REPORT_TOPIC", "media.advisories.v1"),
        Arguments.of("steering.reportInterval", "MEDIA_EDGE_STEERING_REPORT_INTERVAL", "500ms"),
        Arguments.of("steering.reportInterval", "MEDIA_EDGE_STEERING_REPORT_INTERVAL", "6m"));
  }

  /** Checked while steering is off too, so a region finds a typo before it opts in. */
  @ParameterizedTest(name = "{1}={2}")
  @MethodSource("invalidValues")
  void invalidValueStopsWithASentenceNamingTheOptionAndItsVariable(String option, String variable, String value) {
    EdgeConfigTest.assertSentenceNamesOptionVariableAndFile(refusal(variable, value), option, variable);
  }
}
