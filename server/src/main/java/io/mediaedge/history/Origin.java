package io.mediaedge.history;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
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

  /** Puts this origin's fields into {@code json} (flat: the event schema's field names). */
  public JsonObject writeTo(JsonObject json) {
    JsonObject props = new JsonObject();
    properties.forEach(props::put);
    return json.put("region", region).put("pop", pop).put("country", country).put("city", city).put("asn", asn)
        .put("isp", isp).put("clientIp", clientIp).put("properties", props);
  }

  /** Reads the fields {@link #writeTo} writes; missing ones are empty. */
  public static Origin readFrom(JsonObject json) {
    Map<String, String> properties = new LinkedHashMap<>();
    json.getJsonObject("properties", new JsonObject()).forEach(e -> properties.put(e.getKey(), String.valueOf(e.getValue())));
    return new Origin(json.getString("region"), json.getString("pop"), json.getString("country"),
        json.getString("city"), json.getString("asn"), json.getString("isp"), json.getString("clientIp"), properties);
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
