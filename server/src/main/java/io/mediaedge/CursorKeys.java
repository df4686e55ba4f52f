package io.mediaedge;

import io.mediaedge.config.EdgeConfig;
import io.mediaedge.config.EdgeConfig.HistoryConfig;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that signs listing cursors. Every instance of a region needs the same one for cursors to
 * work across instances, so it is configured ({@code history.cursorKeyFile} or {@code
 * MEDIA_EDGE_CURSOR_KEY}); without it a random key is made and cursors only work on this instance
 * until it restarts.
 */
final class CursorKeys {
  private static final Logger log = LoggerFactory.getLogger(CursorKeys.class);

  private CursorKeys() {}

  static byte[] load(EdgeConfig edge) {
    if (!edge.historyEnabled()) {
      // no listing is served, so no cursor is ever issued or checked
      return randomKey();
    }
    HistoryConfig config = edge.history();
    if (config.cursorKey().isEmpty()) {
      log.warn("{} is not set (nor history.cursorKeyFile): listing cursors are signed with a random key and work"
          + " on this instance only", HistoryConfig.CURSOR_KEY_ENV);
      return randomKey();
    }
    // The configuration checked that it is base64 of at least 16 bytes.
    return Base64.getDecoder().decode(config.cursorKey().get());
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }
}
