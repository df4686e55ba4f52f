package io.mediaedge.edge;

import io.mediaedge.edge.geo.GeoAnswer;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;

/**
 * Where one request came from, as this server saw it.
 *
 * @param clientIp the resolved client address (kept in memory only; {@code shownIp} is what leaves)
 * @param shownIp the address in the configured privacy form
 * @param cdnCountry {@code CF-IPCountry}, kept to compare with our own lookup
 */
public record EdgeView(InetAddress clientIp, String shownIp, boolean viaTrustedProxy, GeoAnswer geo, String pop,
    String cdnCountry, String region) {

  /** The ASN as digits ("" when unknown), the form rows, events and route rules use. */
  public String asn() {
    return geo.asn() > 0 ? Long.toString(geo.asn()) : "";
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("clientIp", shownIp)
        .put("viaProxy", viaTrustedProxy)
        .put("country", geo.country())
        .put("city", geo.city())
        .put("asn", asn())
        .put("isp", geo.isp())
        .put("pop", pop)
        .put("cdnCountry", cdnCountry)
        .put("region", region);
  }
}
