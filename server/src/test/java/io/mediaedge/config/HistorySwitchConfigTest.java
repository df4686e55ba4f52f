package io.mediaedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code history.enabled}: on by default; off, the history, quota and events sections are neither
 * read nor validated (a region without Cassandra and Kafka need not describe them), while
 * everything the upload path uses is read exactly as with history on.
 */
class HistorySwitchConfigTest {
  private static final Path COMMITTED = Path.of("conf/media-edge.yaml");

  @TempDir static Path dir;
  private static Map<String, String> files;

  @BeforeAll
  static void makeFiles() {
    files = DevConfigFiles.make(dir);
  }

  private static Map<String, String> env(String... pairs) {
    return DevConfigFiles.with(files, pairs);
  }

  @Test
  void historyIsOnByDefault() {
    EdgeConfig config = EdgeConfig.load(COMMITTED, env());
    assertTrue(config.historyEnabled());
    assertEquals("media_edge", config.history().keyspace());
    assertEquals("media.history.v1", config.events().topic());
    assertEquals(10L << 30, config.quota().defaultBytes());
  }

  @Test
  void aTreeWithoutTheSwitchHasHistoryOn() {
    JsonObject tree = EdgeConfig.readYaml(COMMITTED);
    tree.getJsonObject("history").remove("enabled");
    assertTrue(EdgeConfig.fromTree(tree, env(), "test").historyEnabled());
  }

  @ParameterizedTest
  @CsvSource({"false", "off", "no", "0"})
  void offLeavesOutHistoryQuotaAndEvents(String value) {
    EdgeConfig config = EdgeConfig.load(COMMITTED, env("MEDIA_EDGE_HISTORY_ENABLED", value));
    assertFalse(config.historyEnabled());
    assertNull(config.history());
    assertNull(config.quota());
    assertNull(config.events());
  }

  @Test
  void offTheUploadPathIsConfiguredExactlyAsWithHistoryOn() {
    EdgeConfig on = EdgeConfig.load(COMMITTED, env());
    EdgeConfig off = EdgeConfig.load(COMMITTED, env("MEDIA_EDGE_HISTORY_ENABLED", "false"));
    assertEquals(on.upload(), off.upload(), "same memory budget, window, wait and type limits");
    assertEquals(on.storage(), off.storage());
    assertEquals(on.server(), off.server());
    assertEquals(on.resumable(), off.resumable(), "resumable part sizes still size the memory budget");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
      "MEDIA_EDGE_HISTORY_KEYSPACE, not-a-keyspace!",
      "MEDIA_EDGE_HISTORY_CONTACT_POINTS, '[]'",
      "MEDIA_EDGE_HISTORY_CONSISTENCY, SOMETIMES",
      "MEDIA_EDGE_HISTORY_REPLICATION, forty",
      "MEDIA_EDGE_HISTORY_DOWNLOAD_SAMPLING, 2",
      "MEDIA_EDGE_QUOTA_DEFAULT_BYTES, lots",
      "MEDIA_EDGE_EVENTS_BOOTSTRAP_SERVERS, '[]'",
      "MEDIA_EDGE_EVENTS_TOPIC, 'no spaces allowed'",
      "MEDIA_EDGE_EVENTS_RELAY_INTERVAL, 1y"})
  void historySettingsAreValidatedOnlyWithHistoryOn(String variable, String value) {
    ConfigException on = assertThrows(ConfigException.class, () -> EdgeConfig.load(COMMITTED, env(variable, value)));
    assertTrue(on.getMessage().contains(variable), on.getMessage());
    assertFalse(EdgeConfig.load(COMMITTED, env(variable, value, "MEDIA_EDGE_HISTORY_ENABLED", "false"))
        .historyEnabled());
  }

  @Test
  void offARegionNeedNotDescribeCassandraOrKafka() {
    JsonObject tree = EdgeConfig.readYaml(COMMITTED);
    tree.remove("quota");
    tree.remove("events");
    tree.put("history", new JsonObject().put("enabled", false));
    EdgeConfig config = EdgeConfig.fromTree(tree, env(), "a region without Cassandra and Kafka");
    assertFalse(config.historyEnabled());
    assertTrue(config.server().https().enabled());
  }

  @Test
  void theDriverSpeaksProtocolV4UnlessToldOtherwise() {
    assertEquals("V4", EdgeConfig.load(COMMITTED, env()).history().protocolVersion());
    assertEquals("V5", EdgeConfig.load(COMMITTED, env("MEDIA_EDGE_HISTORY_PROTOCOL_VERSION", "v5"))
        .history().protocolVersion());
    ConfigException e = assertThrows(ConfigException.class,
        () -> EdgeConfig.load(COMMITTED, env("MEDIA_EDGE_HISTORY_PROTOCOL_VERSION", "V3")));
    EdgeConfigTest.assertSentenceNamesOptionVariableAndFile(e.getMessage(), "history.protocolVersion",
        "MEDIA_EDGE_HISTORY_PROTOCOL_VERSION");
  }

  @Test
  void aSwitchThatIsNotABooleanIsRefusedWithItsName() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> EdgeConfig.load(COMMITTED, env("MEDIA_EDGE_HISTORY_ENABLED", "sometimes")));
    EdgeConfigTest.assertSentenceNamesOptionVariableAndFile(e.getMessage(), "history.enabled",
        "MEDIA_EDGE_HISTORY_ENABLED");
  }
}
