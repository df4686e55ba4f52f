package io.mediaedge.links;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The keys that sign download links, by key id. {@code signingKid} signs new links; every key
 * here still verifies, so a key can be rotated in (added, then made the signing key) and out
 * (removed once the links it signed have expired) without breaking links in flight.
 */
public record LinkKeys(String signingKid, Map<String, byte[]> keys) {
  /** A key id travels in every link: short, and safe in a URL as it is. */
  public static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  /** HMAC-SHA256 keys shorter than the hash would weaken it. */
  public static final int MIN_KEY_BYTES = 32;

  public LinkKeys {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no link key");
    }
    for (Map.Entry<String, byte[]> key : keys.entrySet()) {
      if (!KID.matcher(key.getKey()).matches()) {
        throw new IllegalArgumentException("link key id '" + key.getKey() + "' is not 1-32 of A-Z a-z 0-9 _ -");
      }
      if (key.getValue().length < MIN_KEY_BYTES) {
        throw new IllegalArgumentException("link key '" + key.getKey() + "' has " + key.getValue().length
            + " bytes; at least " + MIN_KEY_BYTES + " are needed");
      }
    }
    if (!keys.containsKey(signingKid)) {
      throw new IllegalArgumentException("the signing key id '" + signingKid + "' names no key");
    }
    keys = Map.copyOf(keys);
  }

  @Override
  public String toString() {
    return "LinkKeys[signingKid=" + signingKid + ", kids=" + keys.keySet() + "]";
  }
}
