package io.mediaedge.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How the edge learns where a request came from and where clients should upload.
 *
 * @param trustedProxies CIDR ranges whose forwarding headers are believed (empty: none are)
 * @param trustedProxyFiles files of ranges (Cloudflare's list), reloaded when they change
 * @param clientIp how much of the client address leaves the process: full, truncated or none
 * @param routesFile the route-hint table for {@code GET /v1/edge}; empty means everyone gets
 *     {@code defaultUploadHost}
 * @param reloadCheckInterval how often the range and route files are checked for changes
 */
public record EdgeNetworkConfig(List<String> trustedProxies, List<Path> trustedProxyFiles, String clientIp,
    Optional<Path> routesFile, String defaultUploadHost, Duration reloadCheckInterval) {

  static final List<String> CLIENT_IP_FORMS = List.of("full", "truncated", "none");
  /** A DNS host name, optionally with a port: what clients are told to upload to. */
  static final String HOST_NAME = "[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:\\d{1,5})?";

  static EdgeNetworkConfig read(ConfigTree c) {
    List<String> cidrs = ranges(c, "edge.trustedProxies");
    List<Path> files = c.strings("edge.trustedProxyFiles").stream()
        .map(value -> c.existingFile("edge.trustedProxyFiles", value)).toList();
    String form = c.string("edge.clientIp", "truncated").toLowerCase(Locale.ROOT);
    if (!CLIENT_IP_FORMS.contains(form)) {
      throw c.invalid("edge.clientIp", "must be one of " + CLIENT_IP_FORMS + " (got '" + form + "')");
    }
    String host = c.string("edge.defaultUploadHost", "localhost");
    if (!host.matches(HOST_NAME)) {
      throw c.invalid("edge.defaultUploadHost", "must be a host name, optionally with :port (got '" + host + "')");
    }
    return new EdgeNetworkConfig(cidrs, files, form, Optional.ofNullable(c.optionalFile("edge.routesFile")), host,
        c.duration("edge.reloadCheckInterval", "30s", Duration.ofMillis(100), Duration.ofHours(24)));
  }

  /** Addresses or CIDR ranges, parsed as they will be used, so a bad one stops the start naming its option. */
  static List<String> ranges(ConfigTree c, String path) {
    List<String> ranges = c.cidrs(path);
    for (String range : ranges) {
      try {
        CidrNotation.parse(range);
      } catch (IllegalArgumentException e) {
        throw c.invalid(path, "holds a range that cannot be used (" + e.getMessage() + ")");
      }
    }
    return ranges;
  }
}
