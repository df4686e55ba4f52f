package io.mediaedge.edge.geo;

/**
 * What the databases say about one address; "" / 0 when unknown.
 *
 * @param country ISO 3166-1 alpha-2 code, e.g. "GB"
 * @param city English city name, e.g. "London"
 * @param asn autonomous system number, e.g. 20712
 * @param isp the ISP (GeoIP2-ISP) or the AS organization (GeoLite2-ASN)
 */
public record GeoAnswer(String country, String city, long asn, String isp) {
  public static final GeoAnswer UNKNOWN = new GeoAnswer("", "", 0, "");

  public GeoAnswer {
    country = country == null ? "" : country;
    city = city == null ? "" : city;
    isp = isp == null ? "" : isp;
  }
}
