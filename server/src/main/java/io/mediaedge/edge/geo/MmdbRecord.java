package io.mediaedge.edge.geo;

import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import java.util.Locale;
import java.util.Map;

/**
 * The fields media-edge reads from a record of any supported {@code .mmdb} schema: MaxMind
 * Country/City ({@code country.iso_code}, {@code registered_country.iso_code},
 * {@code city.names.en}), GeoLite2-ASN ({@code autonomous_system_number},
 * {@code autonomous_system_organization}), GeoIP2-ISP ({@code isp}, {@code organization}) and DB-IP
 * Lite ({@code country_code}, and {@code city} as plain text in its city edition). Every field is
 * optional and typed {@code Object}, so an unexpected shape reads as "unknown" instead of failing
 * the lookup; fields not listed are skipped by the reader.
 *
 * <p>Public only because the MaxMind reader builds it by reflection; not part of the geo API.
 */
public final class MmdbRecord {
  private final Object country;
  private final Object registeredCountry;
  private final Object countryCode;
  private final Object city;
  private final Object asn;
  private final Object asOrganization;
  private final Object isp;
  private final Object organization;

  @MaxMindDbConstructor
  public MmdbRecord(
      @MaxMindDbParameter(name = "country") Object country,
      @MaxMindDbParameter(name = "registered_country") Object registeredCountry,
      @MaxMindDbParameter(name = "country_code") Object countryCode,
      @MaxMindDbParameter(name = "city") Object city,
      @MaxMindDbParameter(name = "autonomous_system_number") Object asn,
      @MaxMindDbParameter(name = "autonomous_system_organization") Object asOrganization,
      @MaxMindDbParameter(name = "isp") Object isp,
      @MaxMindDbParameter(name = "organization") Object organization) {
    this.country = country;
    this.registeredCountry = registeredCountry;
    this.countryCode = countryCode;
    this.city = city;
    this.asn = asn;
    this.asOrganization = asOrganization;
    this.isp = isp;
    this.organization = organization;
  }

  /** The country's ISO code, else the registered country's (where the block is registered). */
  String countryIso() {
    String iso = isoCode(country);
    if (iso.isEmpty()) {
      iso = isoCode(registeredCountry);
    }
    return iso.isEmpty() ? isoCode(countryCode) : iso;
  }

  String cityName() {
    if (city instanceof Map<?, ?> place && place.get("names") instanceof Map<?, ?> names) {
      return text(names.get("en"));
    }
    return text(city);
  }

  long asNumber() {
    if (asn instanceof Number number) {
      return Math.max(0, number.longValue());
    }
    String digits = text(asn);
    if (digits.regionMatches(true, 0, "AS", 0, 2)) {
      digits = digits.substring(2);
    }
    try {
      return digits.isEmpty() ? 0 : Math.max(0, Long.parseLong(digits));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The ISP (GeoIP2-ISP), else the organization, else the AS organization (GeoLite2-ASN). */
  String ispName() {
    String name = text(isp);
    if (name.isEmpty()) {
      name = text(organization);
    }
    return name.isEmpty() ? text(asOrganization) : name;
  }

  /** A two-letter code from a place map's {@code iso_code} or from plain text; "" for anything else. */
  private static String isoCode(Object place) {
    String code = text(place instanceof Map<?, ?> map ? map.get("iso_code") : place);
    return code.length() == 2 && Character.isLetter(code.charAt(0)) && Character.isLetter(code.charAt(1))
        ? code.toUpperCase(Locale.ROOT) : "";
  }

  private static String text(Object value) {
    return value instanceof String string ? string.trim() : "";
  }
}
