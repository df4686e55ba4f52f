package io.mediaedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key that signs listing cursors is a secret like the Cassandra password: a file named by
 * {@code history.cursorKeyFile}, or the key itself in MEDIA_EDGE_CURSOR_KEY (as the README has
 * always said); a key too short to sign with stops the start.
 */
class CursorKeyConfigTest {
  private static final Path COMMITTED = Path.of("conf/media-edge.yaml");
  private static final String KEY = Base64.getEncoder().encodeToString(new byte[] {
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});

  @TempDir static Path dir;
  private static Map<String, String> files;

  @BeforeAll
  static void makeFiles() {
    files = DevConfigFiles.make(dir);
  }

  private static EdgeConfig load(String... pairs) {
    return EdgeConfig.load(COMMITTED, DevConfigFiles.with(files, pairs));
  }

  @Test
  void withoutAKeyNoneIsConfigured() {
    assertEquals(Optional.empty(), load().history().cursorKey());
  }

  @Test
  void theEnvironmentVariableTheReadmeNamesStillSetsTheKey() {
    assertEquals(Optional.of(KEY), load("MEDIA_EDGE_CURSOR_KEY", " " + KEY + " ").history().cursorKey());
  }

  @Test
  void aKeyFileIsReadAndWinsOverTheVariable() throws IOException {
    String other = Base64.getEncoder().encodeToString(new byte[32]);
    Path file = Files.writeString(dir.resolve("cursor.key"), other + "\n");
    assertEquals(Optional.of(other), load("MEDIA_EDGE_HISTORY_CURSOR_KEY_FILE", file.toString(),
        "MEDIA_EDGE_CURSOR_KEY", KEY).history().cursorKey());
  }

  @Test
  void aShortKeyInTheVariableIsRefused() {
    String message = assertThrows(ConfigException.class,
        () -> load("MEDIA_EDGE_CURSOR_KEY", Base64.getEncoder().encodeToString(new byte[15]))).getMessage();
    assertEquals("Environment variable MEDIA_EDGE_CURSOR_KEY must hold at least 16 bytes in base64.", message);
  }

  @Test
  void aKeyFileThatIsNotBase64IsRefusedNamingTheOption() throws IOException {
    Path file = Files.writeString(dir.resolve("bad.key"), "not base64 at all!");
    String message = assertThrows(ConfigException.class,
        () -> load("MEDIA_EDGE_HISTORY_CURSOR_KEY_FILE", file.toString())).getMessage();
    assertTrue(message.contains("history.cursorKeyFile") && message.contains("MEDIA_EDGE_HISTORY_CURSOR_KEY_FILE"),
        message);
  }

  @Test
  void withHistoryOffTheKeyIsNeitherReadNorChecked() {
    assertNull(load("MEDIA_EDGE_HISTORY_ENABLED", "false", "MEDIA_EDGE_CURSOR_KEY", "short").history());
  }
}
