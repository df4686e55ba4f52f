package io.mediaedge.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resumable uploads (tus 1.0 at {@code /v1/uploads/}).
 *
 * @param partSize the size of every S3 part but the last (at least 5 MiB; grown for large
 *     declared lengths so 10,000 parts suffice); also what one upload holds in memory while a
 *     part fills
 * @param maxSize {@code Tus-Max-Size}: the largest upload accepted (media types have their own
 *     limits too)
 * @param expiry an upload untouched for this long expires: its parts, tail and state are removed
 *     and its quota released
 * @param lease how long one PATCH holds an upload against others before it must renew; a dead
 *     holder's lease lapses after this
 * @param corsAllowedOrigins browser origins allowed to call the tus endpoints ("*" for any)
 * @param regionUrls the base URL of each region ({@code eu: https://upload-eu.example.com}): an
 *     upload begun in another region is answered with a redirect there
 */
public record ResumableConfig(long partSize, long maxSize, Duration expiry, Duration lease,
    Duration expiryCheckInterval, List<String> corsAllowedOrigins, Map<String, String> regionUrls) {

  static ResumableConfig read(ConfigTree c) {
    List<String> origins = c.strings("resumable.corsAllowedOrigins");
    for (String origin : origins) {
      if (!origin.equals("*") && !origin.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?")) {
        throw c.invalid("resumable.corsAllowedOrigins", "holds '" + origin + "'; an origin is scheme://host[:port]"
            + " or *");
      }
    }
    Map<String, String> urls = new LinkedHashMap<>();
    c.section("resumable.regionUrls").forEach(entry -> {
      String url = String.valueOf(entry.getValue()).trim();
      if (!url.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?")) {
        throw c.invalid("resumable.regionUrls", "maps '" + entry.getKey() + "' to '" + url + "'; a base URL is"
            + " scheme://host[:port] with no path");
      }
      urls.put(entry.getKey(), url);
    });
    Duration lease = c.duration("resumable.lease", "30s", Duration.ofSeconds(1), Duration.ofHours(1));
    return new ResumableConfig(
        // One part is held in one buffer: at most 1 GiB.
        c.size("resumable.partSize", "8MiB", EdgeConfig.MIN_PART_SIZE, 1L << 30),
        c.size("resumable.maxSize", "4GiB", 1, EdgeConfig.MAX_OBJECT_SIZE),
        c.duration("resumable.expiry", "24h", Duration.ofSeconds(1), Duration.ofDays(30)),
        lease,
        c.duration("resumable.expiryCheckInterval", "1m", Duration.ofMillis(100), Duration.ofHours(24)),
        origins, Map.copyOf(urls));
  }
}
