package io.mediaedge.testing;

import io.mediaedge.testing.mmdb.MmdbWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The synthetic world of dev mode's demo: client networks in 32 countries, each a /16 of its own
 * with a country, a city and an ISP with a plausible AS number, and a weight for how much traffic
 * it sends. Dev mode writes it as GeoLite2-City and GeoLite2-ASN databases, so that media-edge
 * tags the demo traffic generator's requests (which claim these addresses in {@code
 * CF-Connecting-IP}) with countries and ISPs, and the dashboards have a world to show. The prefixes
 * are made up; nothing here describes the real Internet.
 */
public final class DemoWorld {
  /** One client network; {@code pop} is the CDN point of presence its users reach. */
  public record Network(String cidr, String country, String city, double latitude, double longitude, long asn,
      String isp, String pop, int weight) {
    /** {@code country/asn}, as insights and advisories name a network. */
    public String key() {
      return country + "/" + asn;
    }

    /** A random address inside the network. */
    public String randomAddress(Random random) {
      String[] octets = cidr.substring(0, cidr.indexOf('/')).split("\\.");
      return octets[0] + "." + octets[1] + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }
  }

  /** The build time written into the databases (fixed, so they are byte-for-byte repeatable). */
  static final Instant BUILT = Instant.parse("2026-12-01T00:00:00Z");

  public static final List<Network> NETWORKS = networks();

  private DemoWorld() {}

  private static List<Network> networks() {
    Object[][] rows = {
        {"US", "New York", 40.71, -74.01, 7922, "Comcast Cable", "EWR", 90},
        {"US", "Los Angeles", 34.05, -118.24, 701, "Verizon Business", "LAX", 60},
        {"US", "Chicago", 41.88, -87.63, 21928, "T-Mobile USA", "ORD", 50},
        {"BR", "Sao Paulo", -23.55, -46.63, 28573, "Claro NXT", "GRU", 55},
        {"BR", "Rio de Janeiro", -22.91, -43.17, 26599, "Telefonica Brasil", "GIG", 35},
        {"IN", "Mumbai", 19.08, 72.88, 55836, "Reliance Jio Infocomm", "BOM", 80},
        {"IN", "Delhi", 28.61, 77.21, 9498, "Bharti Airtel", "DEL", 60},
        {"ID", "Jakarta", -6.21, 106.85, 23693, "Telkomsel", "CGK", 45},
        {"NG", "Lagos", 6.52, 3.38, 29465, "MTN Nigeria", "LOS", 40},
        {"NG", "Abuja", 9.08, 7.40, 36873, "Airtel Networks Nigeria", "LOS", 30},
        {"GB", "London", 51.51, -0.13, 2856, "British Telecommunications", "LHR", 45},
        {"GB", "Manchester", 53.48, -2.24, 5378, "Vodafone UK", "MAN", 25},
        {"DE", "Frankfurt", 50.11, 8.68, 3320, "Deutsche Telekom", "FRA", 45},
        {"FR", "Paris", 48.86, 2.35, 3215, "Orange", "CDG", 40},
        {"ES", "Madrid", 40.42, -3.70, 3352, "Telefonica de Espana", "MAD", 25},
        {"IT", "Milan", 45.46, 9.19, 3269, "Telecom Italia", "MXP", 25},
        {"TR", "Istanbul", 41.01, 28.98, 9121, "Turk Telekom", "IST", 30},
        {"EG", "Cairo", 30.04, 31.24, 8452, "TE Data", "CAI", 25},
        {"ZA", "Johannesburg", -26.20, 28.05, 29975, "Vodacom", "JNB", 20},
        {"KE", "Nairobi", -1.29, 36.82, 33771, "Safaricom", "NBO", 20},
        {"MX", "Mexico City", 19.43, -99.13, 8151, "Telmex", "MEX", 35},
        {"AR", "Buenos Aires", -34.60, -58.38, 7303, "Telecom Argentina", "EZE", 20},
        {"CO", "Bogota", 4.71, -74.07, 10620, "Claro Colombia", "BOG", 20},
        {"JP", "Tokyo", 35.68, 139.69, 4713, "NTT Communications", "NRT", 40},
        {"KR", "Seoul", 37.57, 126.98, 9318, "SK Broadband", "ICN", 30},
        {"PH", "Manila", 14.60, 120.98, 9299, "PLDT", "MNL", 30},
        {"VN", "Hanoi", 21.03, 105.85, 7552, "Viettel Group", "HAN", 25},
        {"TH", "Bangkok", 13.76, 100.50, 7470, "True Internet", "BKK", 20},
        {"PK", "Karachi", 24.86, 67.01, 17557, "Pakistan Telecommunication", "KHI", 25},
        {"BD", "Dhaka", 23.81, 90.41, 24389, "Grameenphone", "DAC", 20},
        {"PL", "Warsaw", 52.23, 21.01, 5617, "Orange Polska", "WAW", 20},
        {"SA", "Riyadh", 24.71, 46.68, 25019, "Saudi Telecom", "RUH", 20},
        {"AE", "Dubai", 25.20, 55.27, 5384, "Emirates Telecommunications", "DXB", 15},
        {"AU", "Sydney", -33.87, 151.21, 1221, "Telstra", "SYD", 25},
        {"CA", "Toronto", 43.65, -79.38, 812, "Rogers Communications", "YYZ", 25},
        {"NL", "Amsterdam", 52.37, 4.90, 1136, "KPN", "AMS", 20},
        {"SE", "Stockholm", 59.33, 18.07, 3301, "Telia Company", "ARN", 15},
        {"RU", "Moscow", 55.76, 37.62, 12389, "Rostelecom", "DME", 20},
    };
    List<Network> list = new java.util.ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      Object[] r = rows[i];
      // one made-up /16 each in 60-97.x: clear of loopback, private and shared space and of the test databases
      String cidr = (60 + i) + ".20.0.0/16";
      list.add(new Network(cidr, (String) r[0], (String) r[1], (Double) r[2], (Double) r[3],
          ((Integer) r[4]).longValue(), (String) r[5], (String) r[6], (Integer) r[7]));
    }
    return List.copyOf(list);
  }

  /** The network with this {@code country/asn} key. */
  public static Network network(String key) {
    return NETWORKS.stream().filter(n -> n.key().equals(key)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no demo network " + key + "; there are "
            + NETWORKS.stream().map(Network::key).toList()));
  }

  /** A network picked by weight. */
  public static Network pick(Random random) {
    int total = NETWORKS.stream().mapToInt(Network::weight).sum();
    int ticket = random.nextInt(total);
    for (Network n : NETWORKS) {
      ticket -= n.weight();
      if (ticket < 0) {
        return n;
      }
    }
    throw new AssertionError("weights add up");
  }

  /** The City and ASN databases, written into {@code dir}. */
  public record Databases(Path city, Path asn) {}

  public static Databases write(Path dir) throws IOException {
    Files.createDirectories(dir);
    MmdbWriter city = new MmdbWriter("GeoLite2-City", 6).languages("en").description("media-edge demo world")
        .buildTime(BUILT);
    MmdbWriter asn = new MmdbWriter("GeoLite2-ASN", 6).languages("en").description("media-edge demo world")
        .buildTime(BUILT);
    int geonameId = 9_000_000;
    for (Network n : NETWORKS) {
      Map<String, Object> country = Map.of("geoname_id", geonameId++, "iso_code", n.country(),
          "names", Map.of("en", n.country()));
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("country", country);
      record.put("registered_country", country);
      record.put("city", Map.of("geoname_id", geonameId++, "names", Map.of("en", n.city())));
      record.put("location", Map.of("accuracy_radius", MmdbWriter.uint16(50), "latitude", n.latitude(),
          "longitude", n.longitude()));
      city.put(n.cidr(), record);
      asn.put(n.cidr(), Map.of("autonomous_system_number", n.asn(), "autonomous_system_organization", n.isp()));
    }
    Databases files = new Databases(dir.resolve("demo-world-City.mmdb"), dir.resolve("demo-world-ASN.mmdb"));
    city.write(files.city());
    asn.write(files.asn());
    return files;
  }
}
