package io.mediaedge.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Signed download links ({@code POST /v1/media/{id}/links}): their keys, lifetimes, and the URL
 * they are made for. Keys are secrets: files ({@code links.keyFiles}, key id to file) or
 * {@code MEDIA_EDGE_LINK_KEYS} ({@code kid=base64,kid2=base64}), never this file's values. Without
 * any, links are signed with a key made at start: they then work on this instance only, until it
 * restarts (logged as a warning), like listing cursors.
 */
public record LinksConfig(boolean enabled, Map<String, byte[]> keys, String signingKeyId, Duration defaultLifetime,
    Duration maxLifetime, Duration reusePeriod, Optional<URI> baseUrl) {
  public static final String KEYS_ENV = "MEDIA_EDGE_LINK_KEYS";
  /** S3's presigned URLs live at most 7 days; a link that outlives that is a leak that lasts. */
  public static final Duration LONGEST_LIFETIME = Duration.ofDays(7);
  public static final int MIN_KEY_BYTES = 32;
  private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  public LinksConfig {
    keys = Map.copyOf(keys);
  }

  static LinksConfig parse(ConfigTree c, Map<String, String> env) {
    boolean enabled = c.bool("links.enabled", true);
    Duration maxLifetime = c.duration("links.maxLifetime", "168h", Duration.ofMinutes(1), LONGEST_LIFETIME);
    Duration defaultLifetime = c.duration("links.defaultLifetime", "1h", Duration.ofMinutes(1), LONGEST_LIFETIME);
    if (defaultLifetime.compareTo(maxLifetime) > 0) {
      throw c.invalid("links.defaultLifetime", "must not be longer than links.maxLifetime");
    }
    Duration reusePeriod = c.duration("links.reusePeriod", "15m", Duration.ofSeconds(1), Duration.ofDays(1));
    if (reusePeriod.compareTo(defaultLifetime) > 0) {
      throw c.invalid("links.reusePeriod", "must not be longer than links.defaultLifetime (a link's expiry is"
          + " rounded up to a multiple of it)");
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    Map<String, Object> files = c.section("links.keyFiles").getMap();
    for (Map.Entry<String, Object> file : files.entrySet()) {
      checkKid(c, "links.keyFiles", file.getKey());
      Path path = c.existingFile("links.keyFiles", String.valueOf(file.getValue()));
      keys.put(file.getKey(), key(c, "links.keyFiles", file.getKey(), EdgeConfig.readSecret(c, "links.keyFiles", path)));
    }
    String fromEnv = env.getOrDefault(KEYS_ENV, "").trim();
    if (!fromEnv.isEmpty()) {
      for (String pair : fromEnv.split(",")) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new ConfigException("Environment variable " + KEYS_ENV + " must hold kid=base64 pairs, comma"
              + " separated.");
        }
        String kid = pair.substring(0, eq).trim();
        if (!KID.matcher(kid).matches()) {
          throw new ConfigException("Environment variable " + KEYS_ENV + " has a key id that is not 1-32 of"
              + " A-Z a-z 0-9 _ -.");
        }
        keys.put(kid, key(c, KEYS_ENV, kid, pair.substring(eq + 1).trim()));
      }
    }
    String signing = c.string("links.signingKeyId", "");
    if (signing.isEmpty() && keys.size() == 1) {
      signing = keys.keySet().iterator().next();
    }
    if (!keys.isEmpty() && !keys.containsKey(signing)) {
      throw c.invalid("links.signingKeyId", signing.isEmpty() ? "must name the key that signs new links (there are "
          + keys.size() + ")" : "names no key of links.keyFiles or " + KEYS_ENV);
    }
    return new LinksConfig(enabled, keys, signing, defaultLifetime, maxLifetime, reusePeriod, baseUrl(c));
  }

  private static void checkKid(ConfigTree c, String path, String kid) {
    if (!KID.matcher(kid).matches()) {
      throw c.invalid(path, "has key id '" + kid + "', which is not 1-32 of A-Z a-z 0-9 _ -");
    }
  }

  private static byte[] key(ConfigTree c, String path, String kid, String base64) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("The link key '" + kid + "' of " + path + " is not base64.");
    }
    if (key.length < MIN_KEY_BYTES) {
      throw new ConfigException("The link key '" + kid + "' of " + path + " has " + key.length + " bytes; at least "
          + MIN_KEY_BYTES + " are needed (make one with: head -c 32 /dev/urandom | base64).");
    }
    return key;
  }

  /** Where links point: {@code https://media.example.com}; empty: the host each request came to. */
  private static Optional<URI> baseUrl(ConfigTree c) {
    String text = c.string("links.baseUrl", "");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
          || uri.getQuery() != null || uri.getFragment() != null) {
        throw c.invalid("links.baseUrl", "must be an http(s) URL with a host and no query, like"
            + " https://media.example.com");
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      throw c.invalid("links.baseUrl", "is not a URL (" + e.getMessage() + ")");
    }
  }

  @Override
  public String toString() {
    return "LinksConfig[enabled=" + enabled + ", kids=" + keys.keySet() + ", signingKeyId=" + signingKeyId
        + ", defaultLifetime=" + defaultLifetime + ", maxLifetime=" + maxLifetime + ", reusePeriod=" + reusePeriod
        + ", baseUrl=" + baseUrl + "]";
  }
}
