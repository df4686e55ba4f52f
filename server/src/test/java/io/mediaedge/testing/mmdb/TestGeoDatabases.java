package io.mediaedge.testing.mmdb;

import io.mediaedge.config.GeoConfig;
import io.mediaedge.edge.geo.GeoAnswer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A standard set of small test databases with known answers, in the schemas of the real ones:
 * GeoLite2-Country, GeoLite2-City, GeoLite2-ASN, GeoIP2-ISP and DB-IP Lite country.
 *
 * <table>
 * <caption>Known answers (country, city, ASN, ISP as media-edge reports them with the Country,
 * City and ASN databases)</caption>
 * <tr><th>address</th><th>network</th><th>answer</th></tr>
 * <tr><td>{@value #LONDON_IP}</td><td>81.2.69.0/24</td><td>GB, London, 20712, Andrews &amp; Arnold Ltd</td></tr>
 * <tr><td>{@value #MANCHESTER_IP}</td><td>62.30.0.0/15</td><td>GB, Manchester, 5089, Virgin Media Limited</td></tr>
 * <tr><td>{@value #LINKOPING_IP}</td><td>89.160.20.0/24</td><td>SE, Linköping, 29518, Bredband2 AB</td></tr>
 * <tr><td>{@value #SEOUL_IP}</td><td>1.224.0.0/11</td><td>KR, Seoul, 9318, SK Broadband Co Ltd</td></tr>
 * <tr><td>{@value #NUREMBERG_IP}</td><td>2a01:4f8::/32</td><td>DE, Nuremberg, 24940, Hetzner Online GmbH</td></tr>
 * <tr><td>{@value #REGISTERED_ONLY_IP}</td><td>202.196.224.0/20</td><td>PH (registered country only), nothing else</td></tr>
 * <tr><td>{@value #UNLISTED_IP}</td><td>none</td><td>unknown</td></tr>
 * <tr><td>127.0.0.1, ::1 (only with {@code loopback})</td><td>127.0.0.0/8, ::1/128</td><td>NZ, Wellington, 64500, Test Loopback ISP</td></tr>
 * </table>
 *
 * <p>Integration tests reach media-edge from 127.0.0.1, so {@code loopback = true} gives their
 * requests a known location. Real databases never list loopback.
 */
public final class TestGeoDatabases {
  public static final String LONDON_IP = "81.2.69.160";
  public static final GeoAnswer LONDON = new GeoAnswer("GB", "London", 20712, "Andrews & Arnold Ltd");
  /** Another ISP in the country of {@link #LONDON}: what one network's trouble must leave alone. */
  public static final String MANCHESTER_IP = "62.30.112.1";
  public static final GeoAnswer MANCHESTER = new GeoAnswer("GB", "Manchester", 5089, "Virgin Media Limited");
  public static final String LINKOPING_IP = "89.160.20.128";
  public static final GeoAnswer LINKOPING = new GeoAnswer("SE", "Linköping", 29518, "Bredband2 AB");
  public static final String SEOUL_IP = "1.234.5.6";
  public static final GeoAnswer SEOUL = new GeoAnswer("KR", "Seoul", 9318, "SK Broadband Co Ltd");
  public static final String NUREMBERG_IP = "2a01:4f8:c17:1::2";
  public static final GeoAnswer NUREMBERG = new GeoAnswer("DE", "Nuremberg", 24940, "Hetzner Online GmbH");
  /** Listed with a registered country only (no country, city or AS). */
  public static final String REGISTERED_ONLY_IP = "202.196.224.1";
  public static final GeoAnswer REGISTERED_ONLY = new GeoAnswer("PH", "", 0, "");
  /** In no database (TEST-NET-1). */
  public static final String UNLISTED_IP = "192.0.2.1";
  /** 127.0.0.0/8 and ::1, when the databases are written with {@code loopback}. */
  public static final GeoAnswer LOOPBACK = new GeoAnswer("NZ", "Wellington", 64500, "Test Loopback ISP");
  /**
   * In the GeoIP2-ISP database: the ISP name of the London network differs from its AS
   * organization, and the Linköping network has an organization but no ISP name.
   */
  public static final String LONDON_ISP = "Andrews & Arnold Broadband";
  public static final String LINKOPING_ORGANIZATION = "Bredband2 AB (customer)";
  /** The build time written into every test database. */
  public static final Instant BUILT = Instant.parse("2026-11-17T00:00:00Z");

  private static final String[] LOOPBACK_NETWORKS = {"127.0.0.0/8", "::1/128"};

  /** The files {@link #write} made. */
  public record Databases(Path country, Path city, Path asn, Path isp, Path dbipCountry) {
    /** Country, City and ASN databases, as production would configure them. */
    public GeoConfig config() {
      return new GeoConfig(Optional.of(country), Optional.of(city), Optional.of(asn), GeoConfig.DEFAULT_CACHE_SIZE,
          GeoConfig.DEFAULT_RELOAD_CHECK_INTERVAL);
    }

    /** The same as a {@code geo} configuration section, for a config tree's overrides. */
    public JsonObject configSection() {
      return new JsonObject().put("countryDb", country.toString()).put("cityDb", city.toString())
          .put("asnDb", asn.toString());
    }
  }

  private TestGeoDatabases() {}

  /** Writes all five databases into {@code dir}; with {@code loopback}, 127.0.0.0/8 and ::1 are listed too. */
  public static Databases write(Path dir, boolean loopback) throws IOException {
    Files.createDirectories(dir);
    Databases files = new Databases(dir.resolve("GeoLite2-Country.mmdb"), dir.resolve("GeoLite2-City.mmdb"),
        dir.resolve("GeoLite2-ASN.mmdb"), dir.resolve("GeoIP2-ISP.mmdb"), dir.resolve("dbip-country.mmdb"));
    country(loopback).write(files.country());
    city(loopback).write(files.city());
    asn(loopback).write(files.asn());
    isp(loopback).write(files.isp());
    dbipCountry(loopback).write(files.dbipCountry());
    return files;
  }

  /** GeoLite2-Country: continent, country and registered country, with names. */
  public static MmdbWriter country(boolean loopback) {
    MmdbWriter db = writer("GeoLite2-Country");
    for (Network n : networks(loopback)) {
      db.put(n.cidr(), countryFields(n, new LinkedHashMap<>()));
    }
    return db;
  }

  /** GeoLite2-City: the country fields plus city, location and subdivision. */
  public static MmdbWriter city(boolean loopback) {
    MmdbWriter db = writer("GeoLite2-City");
    for (Network n : networks(loopback)) {
      Map<String, Object> record = countryFields(n, new LinkedHashMap<>());
      if (!n.answer().city().isEmpty()) {
        record.put("city", Map.of("geoname_id", n.geonameId() + 1, "names", names(n.answer().city())));
        record.put("location", Map.of("accuracy_radius", MmdbWriter.uint16(20), "latitude", n.latitude(),
            "longitude", n.longitude(), "time_zone", n.timeZone()));
        record.put("subdivisions", List.of(Map.of("iso_code", "X1", "names", names("Region"))));
      }
      db.put(n.cidr(), record);
    }
    return db;
  }

  /** GeoLite2-ASN: AS number and AS organization. */
  public static MmdbWriter asn(boolean loopback) {
    MmdbWriter db = writer("GeoLite2-ASN");
    for (Network n : networks(loopback)) {
      if (n.answer().asn() > 0) {
        db.put(n.cidr(), Map.of("autonomous_system_number", n.answer().asn(),
            "autonomous_system_organization", n.answer().isp()));
      }
    }
    return db;
  }

  /** GeoIP2-ISP: ISP, organization, AS number and organization; see {@link #LONDON_ISP}. */
  public static MmdbWriter isp(boolean loopback) {
    MmdbWriter db = writer("GeoIP2-ISP");
    for (Network n : networks(loopback)) {
      if (n.answer().asn() == 0) {
        continue;
      }
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("autonomous_system_number", n.answer().asn());
      record.put("autonomous_system_organization", n.answer().isp());
      if (n.answer().equals(LONDON)) {
        record.put("isp", LONDON_ISP);
        record.put("organization", LONDON_ISP);
      } else if (n.answer().equals(LINKOPING)) {
        record.put("organization", LINKOPING_ORGANIZATION);
      } else {
        record.put("isp", n.answer().isp());
        record.put("organization", n.answer().isp());
      }
      db.put(n.cidr(), record);
    }
    return db;
  }

  /** DB-IP Lite country, as packaged by ip-location-db: {@code {country_code}} only. */
  public static MmdbWriter dbipCountry(boolean loopback) {
    MmdbWriter db = new MmdbWriter("country ipvAll", 6).languages().buildTime(BUILT);
    for (Network n : networks(loopback)) {
      db.put(n.cidr(), Map.of("country_code", n.answer().country()));
    }
    return db;
  }

  private static MmdbWriter writer(String type) {
    return new MmdbWriter(type, 6).languages("en", "de").description(type + " test database").buildTime(BUILT);
  }

  private record Network(String cidr, GeoAnswer answer, int geonameId, String continent, double latitude,
      double longitude, String timeZone) {}

  private static List<Network> networks(boolean loopback) {
    List<Network> list = new ArrayList<>(List.of(
        new Network("81.2.69.0/24", LONDON, 2635167, "EU", 51.5142, -0.0931, "Europe/London"),
        new Network("62.30.0.0/15", MANCHESTER, 2635167, "EU", 53.4809, -2.2374, "Europe/London"),
        new Network("89.160.20.0/24", LINKOPING, 2661886, "EU", 58.4167, 15.6167, "Europe/Stockholm"),
        new Network("1.224.0.0/11", SEOUL, 1835841, "AS", 37.5660, 126.9784, "Asia/Seoul"),
        new Network("2a01:4f8::/32", NUREMBERG, 2921044, "EU", 49.4478, 11.0683, "Europe/Berlin"),
        new Network("202.196.224.0/20", REGISTERED_ONLY, 1694008, "AS", 0, 0, "")));
    if (loopback) {
      for (String cidr : LOOPBACK_NETWORKS) {
        list.add(new Network(cidr, LOOPBACK, 2186224, "OC", -41.2866, 174.7756, "Pacific/Auckland"));
      }
    }
    return list;
  }

  private static Map<String, Object> countryFields(Network n, Map<String, Object> record) {
    Map<String, Object> country = Map.of("geoname_id", n.geonameId(), "iso_code", n.answer().country(),
        "names", names(n.answer().country() + " (name)"));
    record.put("continent", Map.of("code", n.continent(), "names", names(n.continent() + " (name)")));
    if (n.answer() != REGISTERED_ONLY) {
      record.put("country", country);
    }
    record.put("registered_country", country);
    return record;
  }

  private static Map<String, Object> names(String english) {
    return Map.of("en", english, "de", english);
  }
}
