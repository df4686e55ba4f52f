package io.mediaedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.LoggingConfig.Format;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code logging.format} and {@code logging.accessLog}: from the file, or from the two variables even where the file is silent. */
class LoggingConfigTest {
  private static final Path COMMITTED = Path.of("conf/media-edge.yaml");

  @TempDir static Path dir;
  private static Map<String, String> files;

  @BeforeAll
  static void makeFiles() {
    files = DevConfigFiles.make(dir);
  }

  private static LoggingConfig committed(String... pairs) {
    return EdgeConfig.load(COMMITTED, DevConfigFiles.with(files, pairs)).logging();
  }

  @Test
  void theCommittedFileLogsJsonWithoutAnAccessLog() {
    assertEquals(new LoggingConfig(Format.JSON, false), committed());
  }

  @Test
  void theVariablesOverrideTheFile() {
    assertEquals(new LoggingConfig(Format.PLAIN, true),
        committed("MEDIA_EDGE_LOGGING_FORMAT", "Plain", "MEDIA_EDGE_LOGGING_ACCESS_LOG", "true"));
  }

  @Test
  void aFileWithoutTheSectionLogsPlainUnlessTheVariablesSayOtherwise() {
    JsonObject tree = EdgeConfig.readYaml(COMMITTED);
    tree.remove("logging");
    assertEquals(new LoggingConfig(Format.PLAIN, false),
        EdgeConfig.fromTree(tree, DevConfigFiles.with(files), "test.yaml").logging());
    assertEquals(new LoggingConfig(Format.JSON, true), EdgeConfig.fromTree(tree,
        DevConfigFiles.with(files, "MEDIA_EDGE_LOGGING_FORMAT", "json", "MEDIA_EDGE_LOGGING_ACCESS_LOG", "on"),
        "test.yaml").logging());
  }

  @Test
  void anUnknownFormatStopsTheStartNamingTheOptionAndItsVariable() {
    String message = assertThrows(ConfigException.class,
        () -> committed("MEDIA_EDGE_LOGGING_FORMAT", "xml")).getMessage();
    assertTrue(message.contains("logging.format") && message.contains("plain or json")
        && message.contains("MEDIA_EDGE_LOGGING_FORMAT"), message);
    String access = assertThrows(ConfigException.class,
        () -> committed("MEDIA_EDGE_LOGGING_ACCESS_LOG", "sometimes")).getMessage();
    assertTrue(access.contains("logging.accessLog") && access.contains("MEDIA_EDGE_LOGGING_ACCESS_LOG"), access);
  }
}
