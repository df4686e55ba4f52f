package io.mediaedge;

import io.mediaedge.config.ConfigException;
import io.mediaedge.config.EdgeConfig;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that signs listing cursors. Every instance of a region needs the same one for cursors to
 * work across instances, so it comes from the environment; without it a random key is made and
 * cursors only work on this instance until it restarts.
 */
final class CursorKeys {
  private static final Logger log = LoggerFactory.getLogger(CursorKeys.class);
  static final String ENV = "MEDIA_EDGE_CURSOR_KEY";

  private CursorKeys() {}

  static byte[] load(EdgeConfig config) {
    String value = System.getenv(ENV);
    if (value == null || value.isBlank()) {
      log.warn("{} is not set: listing cursors are signed with a random key and work on this instance only", ENV);
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      return key;
    }
    try {
      byte[] key = Base64.getDecoder().decode(value.trim());
      if (key.length < 16) {
        throw new IllegalArgumentException();
      }
      return key;
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Environment variable " + ENV + " must hold at least 16 bytes in base64.");
    }
  }
}
