package io.mediaedge;

import io.mediaedge.config.EdgeConfig;
import io.mediaedge.config.LinksConfig;
import io.mediaedge.links.LinkKeys;
import io.mediaedge.links.LinkSigner;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signer of download links, from {@code links.*}. Every instance of a region needs the same
 * keys for a link made on one to work on another; without configured keys one is made at start,
 * and links then work on this instance only until it restarts (logged, as for listing cursors).
 */
final class LinkSigners {
  private static final Logger log = LoggerFactory.getLogger(LinkSigners.class);
  /** The key id of a key made at start: never one an operator would configure. */
  static final String EPHEMERAL_KID = "ephemeral";

  private LinkSigners() {}

  static Optional<LinkSigner> load(EdgeConfig edge) {
    LinksConfig config = edge.links();
    if (!config.enabled()) {
      return Optional.empty();
    }
    LinkKeys keys;
    if (config.keys().isEmpty()) {
      log.warn("Neither {} nor links.keyFiles is set: download links are signed with a key made now and work on"
          + " this instance only, until it restarts", LinksConfig.KEYS_ENV);
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      keys = new LinkKeys(EPHEMERAL_KID, Map.of(EPHEMERAL_KID, key));
    } else {
      keys = new LinkKeys(config.signingKeyId(), config.keys());
    }
    return Optional.of(new LinkSigner(keys, config.reusePeriod(), config.maxLifetime(), Clock.systemUTC()));
  }
}
