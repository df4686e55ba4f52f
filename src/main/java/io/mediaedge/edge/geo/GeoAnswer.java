package io.mediaedge.edge.geo;

/** What the databases say about one address; "" / 0 when unknown. */
public record GeoAnswer(String country, String city, long asn, String isp) {
  public static final GeoAnswer UNKNOWN = new GeoAnswer("", "", 0, "");
}
