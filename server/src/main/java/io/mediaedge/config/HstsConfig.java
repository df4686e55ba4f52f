package io.mediaedge.config;

import java.time.Duration;

/**
 * {@code Strict-Transport-Security} on the HTTPS listener's responses: browsers that saw it use
 * HTTPS only for {@code maxAge}, so a network attacker cannot downgrade them to plain HTTP.
 *
 * @param maxAge how long browsers remember; zero sends no header
 * @param includeSubDomains whether the rule covers every subdomain too (only when all of them
 *     serve HTTPS)
 */
public record HstsConfig(Duration maxAge, boolean includeSubDomains) {
  /** One year: long enough for browsers' preload lists, which ask for at least that. */
  static final String DEFAULT_MAX_AGE = "8760h";

  public boolean enabled() {
    return !maxAge.isZero();
  }

  static HstsConfig parse(ConfigTree c) {
    return new HstsConfig(
        c.duration("server.https.hsts.maxAge", DEFAULT_MAX_AGE, Duration.ZERO, Duration.ofDays(730)),
        c.bool("server.https.hsts.includeSubDomains", false));
  }
}
