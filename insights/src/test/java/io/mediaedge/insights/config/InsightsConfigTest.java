package io.mediaedge.insights.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InsightsConfigTest {

  @Test
  void theCommittedFileLoads() {
    InsightsConfig config = InsightsConfig.load(Path.of("insights/conf/insights.yaml"), Map.of());
    assertEquals(8090, config.http().port());
    assertEquals("media.history.v1", config.kafka().historyTopic());
    assertEquals(1440, config.slots().retentionMinutes());
    assertEquals(1_000_000, config.dedupWindow());
    assertTrue(!config.instanceName().isEmpty());
    assertEquals("media.advisories.v1", config.kafka().advisoriesTopic());
    assertEquals("media.steering.v1", config.kafka().steeringTopic());
    assertEquals("media.thumbnails.v1", config.kafka().thumbnailsTopic());
    DetectionConfig rule = config.detection();
    assertTrue(rule.enabled());
    assertEquals(Duration.ofSeconds(15), rule.evaluateEvery());
    assertEquals(5, rule.windowMinutes());
    assertEquals(1440, rule.baselineMinutes());
    assertEquals(Duration.ofMinutes(10), rule.baselineRefresh());
    assertEquals(30, rule.minRequests());
    assertEquals(300, rule.minBaselineRequests());
    assertEquals(10, rule.minErrors());
    assertEquals(3, rule.errorRateFactor());
    assertEquals(0.05, rule.errorRateMargin());
    assertEquals(0.05, rule.errorRateFloor());
    assertEquals(2, rule.latencyFactor());
    assertEquals(2, rule.throughputFactor());
    assertEquals(0.5, rule.hysteresis());
    assertEquals(Duration.ofMinutes(1), rule.raiseAfter());
    assertEquals(Duration.ofMinutes(5), rule.clearAfter());
    assertEquals(Duration.ofMinutes(5), rule.republishInterval());
    assertEquals(200, rule.recentAdvisories());
    assertEquals(InsightsConfig.LogFormat.JSON, config.logFormat());
  }

  @Test
  void logFormatIsPlainUnlessTheFileOrTheEnvironmentSaysJson() {
    Map<String, Object> silent = Map.of("kafka", Map.of("groupId", "g", "bootstrapServers", List.of("a:1")));
    assertEquals(InsightsConfig.LogFormat.PLAIN, InsightsConfig.fromTree(silent, Map.of(), "test").logFormat());
    assertEquals(InsightsConfig.LogFormat.JSON, InsightsConfig.fromTree(silent,
        Map.of("MEDIA_EDGE_INSIGHTS_LOGGING_FORMAT", "JSON"), "test").logFormat());
    Map<String, Object> json = Map.of("kafka", Map.of("groupId", "g", "bootstrapServers", List.of("a:1")),
        "logging", Map.of("format", "json"));
    assertEquals(InsightsConfig.LogFormat.PLAIN, InsightsConfig.fromTree(json,
        Map.of("MEDIA_EDGE_INSIGHTS_LOGGING_FORMAT", "plain"), "test").logFormat());
    ConfigException wrong = assertThrows(ConfigException.class, () -> InsightsConfig.fromTree(json,
        Map.of("MEDIA_EDGE_INSIGHTS_LOGGING_FORMAT", "logfmt"), "test"));
    assertTrue(wrong.getMessage().contains("logging.format") && wrong.getMessage().contains("plain or json")
        && wrong.getMessage().contains("MEDIA_EDGE_INSIGHTS_LOGGING_FORMAT"), wrong.getMessage());
  }

  @Test
  void detectionOptionsComeFromTheEnvironmentAndAreChecked() {
    Map<String, Object> tree = Map.of("kafka", Map.of("groupId", "g", "bootstrapServers", List.of("a:1")));
    DetectionConfig rule = InsightsConfig.fromTree(tree, Map.of(
        "MEDIA_EDGE_INSIGHTS_DETECTION_ENABLED", "false",
        "MEDIA_EDGE_INSIGHTS_DETECTION_ERROR_RATE_FACTOR", "4.5",
        "MEDIA_EDGE_INSIGHTS_DETECTION_WINDOW", "10m",
        "MEDIA_EDGE_INSIGHTS_DETECTION_CLEAR_AFTER", "10m"), "test").detection();
    assertTrue(!rule.enabled());
    assertEquals(4.5, rule.errorRateFactor());
    assertEquals(10, rule.windowMinutes());
    assertEquals(Duration.ofMinutes(10), rule.clearAfter());
    ConfigException slowerToRaise = assertThrows(ConfigException.class, () -> InsightsConfig.fromTree(tree,
        Map.of("MEDIA_EDGE_INSIGHTS_DETECTION_CLEAR_AFTER", "30s"), "test"));
    assertTrue(slowerToRaise.getMessage().contains("detection.clearAfter"), slowerToRaise.getMessage());
    ConfigException republish = assertThrows(ConfigException.class, () -> InsightsConfig.fromTree(tree,
        Map.of("MEDIA_EDGE_INSIGHTS_DETECTION_REPUBLISH_INTERVAL", "20m"), "test"));
    assertTrue(republish.getMessage().contains("MEDIA_EDGE_INSIGHTS_DETECTION_REPUBLISH_INTERVAL"),
        republish.getMessage());
    assertThrows(ConfigException.class, () -> InsightsConfig.fromTree(tree,
        Map.of("MEDIA_EDGE_INSIGHTS_DETECTION_HYSTERESIS", "1.5"), "test"));
    assertThrows(ConfigException.class, () -> InsightsConfig.fromTree(tree,
        Map.of("MEDIA_EDGE_INSIGHTS_DETECTION_WINDOW", "90s"), "test"));
    assertThrows(ConfigException.class, () -> InsightsConfig.fromTree(tree,
        Map.of("MEDIA_EDGE_INSIGHTS_KAFKA_ADVISORIES_TOPIC", "media.history.v1"), "test"));
    assertThrows(ConfigException.class, () -> InsightsConfig.fromTree(tree,
        Map.of("MEDIA_EDGE_INSIGHTS_KAFKA_STEERING_TOPIC", "media.advisories.v1"), "test"));
  }

  @Test
  void environmentOverridesTheFile() {
    InsightsConfig config = InsightsConfig.fromTree(Map.of("kafka", Map.of("groupId", "g")), Map.of(
        "MEDIA_EDGE_INSIGHTS_KAFKA_BOOTSTRAP_SERVERS", "a:1, b:2",
        "MEDIA_EDGE_INSIGHTS_KAFKA_GROUP_ID", "other",
        "MEDIA_EDGE_INSIGHTS_HTTP_PORT", "9000",
        "MEDIA_EDGE_INSIGHTS_SLOTS_RETENTION", "48h",
        "MEDIA_EDGE_INSIGHTS_DEDUP_WINDOW", "5000",
        "MEDIA_EDGE_INSIGHTS_INSTANCE_NAME", "insights-1"), "test");
    assertEquals(List.of("a:1", "b:2"), config.kafka().bootstrapServers());
    assertEquals("other", config.kafka().groupId());
    assertEquals(9000, config.http().port());
    assertEquals(Duration.ofHours(48), config.slots().retention());
    assertEquals(5000, config.dedupWindow());
    assertEquals("insights-1", config.instanceName());
  }

  @Test
  void badValuesNameTheOptionAndItsVariable() {
    ConfigException e = assertThrows(ConfigException.class, () -> InsightsConfig.fromTree(
        Map.of("kafka", Map.of("groupId", "g", "bootstrapServers", List.of("a:1")), "slots", Map.of("retention", "2m")),
        Map.of(), "test.yaml"));
    assertTrue(e.getMessage().contains("slots.retention") && e.getMessage().contains("MEDIA_EDGE_INSIGHTS_SLOTS_RETENTION"),
        e.getMessage());
    ConfigException misspelt = assertThrows(ConfigException.class, () -> InsightsConfig.fromTree(
        Map.of("kafka", Map.of("groupid", "g")), Map.of(), "test.yaml"));
    assertTrue(misspelt.getMessage().contains("kafka.groupid"), misspelt.getMessage());
    assertThrows(ConfigException.class, () -> InsightsConfig.fromTree(
        Map.of("kafka", Map.of("groupId", "g", "bootstrapServers", List.of("no-port"))), Map.of(), "test.yaml"));
  }
}
