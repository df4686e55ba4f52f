package io.mediaedge.eventschema;

import java.util.Map;

/**
 * Where a request came from as the edge saw it, and the configured properties extracted from it.
 * Published with every history event (its fields sit flat in the event's JSON) and stored by the
 * server on media rows and upload state. Unknown values are empty strings, never null, so rows and
 * events have one shape.
 *
 * @param region the region of the media-edge instance that served the request
 * @param pop the CDN point of presence (the IATA code at the end of {@code CF-Ray}), "" when direct
 * @param asn the autonomous system number, digits only
 * @param clientIp the client address in the privacy form the configuration chooses ("" for none)
 * @param properties values extracted from the request by the configured JsonPath expressions
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
