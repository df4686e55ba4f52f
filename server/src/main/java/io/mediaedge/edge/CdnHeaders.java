package io.mediaedge.edge;

import io.vertx.core.MultiMap;
import java.util.Locale;

/**
 * What Cloudflare tells us about a request. Believed only from a trusted proxy: a client talking
 * to us directly could send any of these.
 */
public final class CdnHeaders {
  public static final String CF_RAY = "CF-Ray";
  public static final String CF_IP_COUNTRY = "CF-IPCountry";

  private CdnHeaders() {}

  /**
   * The point of presence: the IATA code after the last dash of {@code CF-Ray}
   * ({@code 8c3d2b1a0f1e2d3c-LHR} → {@code LHR}); "" when absent or malformed.
   */
  public static String pop(MultiMap headers) {
    String ray = headers.get(CF_RAY);
    if (ray == null || ray.length() > 64) {
      return "";
    }
    int dash = ray.lastIndexOf('-');
    String code = dash >= 0 ? ray.substring(dash + 1).trim() : "";
    return code.matches("[A-Za-z]{3,4}") ? code.toUpperCase(Locale.ROOT) : "";
  }

  /** Cloudflare's own idea of the country (kept to compare with ours); XX and T1 are its specials. */
  public static String country(MultiMap headers) {
    String country = headers.get(CF_IP_COUNTRY);
    if (country == null) {
      return "";
    }
    String code = country.trim().toUpperCase(Locale.ROOT);
    return code.matches("[A-Z][A-Z0-9]") ? code : "";
  }
}
