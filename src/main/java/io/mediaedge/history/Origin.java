package io.mediaedge.history;

import java.util.Map;

/**
 * Where a request came from as the edge saw it, and the configured properties extracted from it.
 * Stored on media rows and history events and published with every event. Unknown values are
 * empty strings, never null, so rows and events have one shape.
 *
 * @param region the region of the media-edge instance that served the request
 * @param pop the CDN point of presence (the IATA code at the end of {@code CF-Ray}), "" when direct
 * @param clientIp the client address in the privacy form the configuration chooses ("" for none)
 */
public record Origin(String region, String pop, String country, String city, String asn, String isp,
    String clientIp, Map<String, String> properties) {

  public Origin {
    region = orEmpty(region);
    pop = orEmpty(pop);
    country = orEmpty(country);
    city = orEmpty(city);
    asn = orEmpty(asn);
    isp = orEmpty(isp);
    clientIp = orEmpty(clientIp);
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }

  /** A request about which nothing but the serving region is known (background work, tests). */
  public static Origin regionOnly(String region) {
    return new Origin(region, "", "", "", "", "", "", Map.of());
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
