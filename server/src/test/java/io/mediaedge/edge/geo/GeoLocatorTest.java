package io.mediaedge.edge.geo;

import static io.mediaedge.testing.mmdb.TestGeoDatabases.LINKOPING;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.LINKOPING_IP;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.LONDON;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.LONDON_IP;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.MANCHESTER;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.MANCHESTER_IP;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.LOOPBACK;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.NUREMBERG;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.NUREMBERG_IP;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.REGISTERED_ONLY;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.REGISTERED_ONLY_IP;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.SEOUL;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.SEOUL_IP;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.UNLISTED_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.ConfigException;
import io.mediaedge.config.GeoConfig;
import io.mediaedge.testing.mmdb.MmdbWriter;
import io.mediaedge.testing.mmdb.TestGeoDatabases;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lookups against test databases with known answers, the cache, and reloads of replaced files. */
class GeoLocatorTest {
  private static final Duration FAST_CHECKS = Duration.ofMillis(100);

  @TempDir static Path shared;
  @TempDir Path dir;
  private static Vertx vertx;
  private static TestGeoDatabases.Databases dbs;
  private final List<GeoLocator> opened = new ArrayList<>();

  @BeforeAll
  static void setUp() throws IOException {
    vertx = Vertx.vertx();
    dbs = TestGeoDatabases.write(shared, false);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  @AfterEach
  void closeLocators() {
    opened.forEach(GeoLocator::close);
  }

  private GeoLocator open(GeoConfig config) {
    GeoLocator locator = GeoLocator.open(vertx, config);
    opened.add(locator);
    return locator;
  }

  private static GeoConfig config(Path country, Path city, Path asn, int cacheSize, Duration interval) {
    return new GeoConfig(Optional.ofNullable(country), Optional.ofNullable(city), Optional.ofNullable(asn),
        cacheSize, interval);
  }

  private static GeoConfig config(Path country, Path city, Path asn) {
    return config(country, city, asn, GeoConfig.DEFAULT_CACHE_SIZE, GeoConfig.DEFAULT_RELOAD_CHECK_INTERVAL);
  }

  private static InetAddress ip(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  @Test
  void countryCityAndAsnDatabasesAnswerTogether() {
    GeoLocator geo = open(dbs.config());

    assertEquals(LONDON, geo.locate(ip(LONDON_IP)));
    assertEquals(MANCHESTER, geo.locate(ip(MANCHESTER_IP)));
    assertEquals(LINKOPING, geo.locate(ip(LINKOPING_IP)));
    assertEquals(SEOUL, geo.locate(ip(SEOUL_IP)));
    assertEquals(NUREMBERG, geo.locate(ip(NUREMBERG_IP)));
    assertEquals(REGISTERED_ONLY, geo.locate(ip(REGISTERED_ONLY_IP)));
    assertEquals(GeoAnswer.UNKNOWN, geo.locate(ip(UNLISTED_IP)));
    assertEquals(GeoAnswer.UNKNOWN, geo.locate(ip("2001:db8::1")));
    assertEquals(GeoAnswer.UNKNOWN, geo.locate(ip("127.0.0.1")));
  }

  @Test
  void ipv4MappedIpv6AddressesAreLookedUpAsIpv4() throws IOException {
    GeoLocator geo = open(dbs.config());
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xFF;
    mapped[11] = (byte) 0xFF;
    System.arraycopy(ip(LONDON_IP).getAddress(), 0, mapped, 12, 4);

    assertEquals(LONDON, geo.locate(Inet6Address.getByAddress(null, mapped, -1)));
    assertEquals(LONDON, geo.locate(ip("::ffff:" + LONDON_IP)));
  }

  @Test
  void cityDatabaseAloneGivesCountryAndCity() {
    GeoLocator geo = open(config(null, dbs.city(), null));

    assertEquals(new GeoAnswer("GB", "London", 0, ""), geo.locate(ip(LONDON_IP)));
    assertEquals(new GeoAnswer("DE", "Nuremberg", 0, ""), geo.locate(ip(NUREMBERG_IP)));
  }

  @Test
  void cityEditionConfiguredAsTheCountryDatabaseAlsoGivesTheCity() {
    GeoLocator geo = open(config(dbs.city(), null, dbs.asn()));

    assertEquals(LONDON, geo.locate(ip(LONDON_IP)));
  }

  @Test
  void dbipLiteCountryDatabaseGivesTheCountry() {
    GeoLocator geo = open(config(dbs.dbipCountry(), null, null));

    assertEquals(new GeoAnswer("GB", "", 0, ""), geo.locate(ip(LONDON_IP)));
    assertEquals(new GeoAnswer("DE", "", 0, ""), geo.locate(ip(NUREMBERG_IP)));
    assertEquals(GeoAnswer.UNKNOWN, geo.locate(ip(UNLISTED_IP)));
  }

  @Test
  void ispDatabaseGivesTheIspElseTheOrganization() {
    GeoLocator geo = open(config(dbs.country(), null, dbs.isp()));

    assertEquals(new GeoAnswer("GB", "", 20712, TestGeoDatabases.LONDON_ISP), geo.locate(ip(LONDON_IP)));
    assertEquals(new GeoAnswer("SE", "", 29518, TestGeoDatabases.LINKOPING_ORGANIZATION),
        geo.locate(ip(LINKOPING_IP)));
    assertEquals(SEOUL.isp(), geo.locate(ip(SEOUL_IP)).isp());
  }

  @Test
  void loopbackIsListedOnlyWhenAsked() throws IOException {
    TestGeoDatabases.Databases withLoopback = TestGeoDatabases.write(dir, true);
    GeoLocator geo = open(withLoopback.config());

    assertEquals(LOOPBACK, geo.locate(ip("127.0.0.1")));
    assertEquals(LOOPBACK, geo.locate(ip("127.1.2.3")));
    assertEquals(LOOPBACK, geo.locate(ip("::1")));
    assertEquals(LONDON, geo.locate(ip(LONDON_IP)));
  }

  @Test
  void unusualSchemasReadAsFarAsTheyGo() throws IOException {
    // ip-location-db's city edition keeps the city as plain text; an AS number may come as "AS64501".
    Path odd = dir.resolve("odd.mmdb");
    new MmdbWriter("odd", 6)
        .put("198.51.100.0/24", Map.of("country_code", "fr", "city", "Lyon", "autonomous_system_number", "AS64501",
            "autonomous_system_organization", "Odd Networks"))
        .put("203.0.113.0/24", Map.of("country", "France", "city", List.of("not", "a", "name"),
            "autonomous_system_number", -1))
        .write(odd);
    GeoLocator geo = open(config(odd, null, odd));

    assertEquals(new GeoAnswer("FR", "Lyon", 64501, "Odd Networks"), geo.locate(ip("198.51.100.7")));
    assertEquals(GeoAnswer.UNKNOWN, geo.locate(ip("203.0.113.7")));
  }

  @Test
  void noDatabaseAnswersUnknownAndSaysSo() {
    GeoLocator geo = open(GeoConfig.none());
    geo.start();

    assertEquals(GeoAnswer.UNKNOWN, geo.locate(ip(LONDON_IP)));
    assertEquals(GeoAnswer.UNKNOWN, geo.locate(null));
    assertEquals("no GeoIP database configured: requests are not geo-tagged", geo.describe());
  }

  @Test
  void describeNamesEachDatabaseWithItsTypeAndBuildDate() {
    String line = open(dbs.config()).describe();

    assertTrue(line.contains("geo.countryDb " + dbs.country() + " (GeoLite2-Country, built 2026-11-17)"), line);
    assertTrue(line.contains("geo.cityDb " + dbs.city() + " (GeoLite2-City, built 2026-11-17)"), line);
    assertTrue(line.contains("geo.asnDb " + dbs.asn() + " (GeoLite2-ASN, built 2026-11-17)"), line);
    assertTrue(line.contains("cache of 100000 addresses"), line);
  }

  @Test
  void aFileThatIsNotADatabaseStopsTheStartNamingIt() throws IOException {
    Path text = Files.writeString(dir.resolve("GeoLite2-City.mmdb"), "not a database", StandardCharsets.UTF_8);

    ConfigException e = assertThrows(ConfigException.class, () -> open(config(dbs.country(), text, null)));
    assertTrue(e.getMessage().contains("geo.cityDb"), e.getMessage());
    assertTrue(e.getMessage().contains(text.toAbsolutePath().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("MEDIA_EDGE_GEO_CITY_DB"), e.getMessage());
  }

  @Test
  void aMissingFileStopsTheStartNamingIt() {
    Path missing = dir.resolve("gone.mmdb");

    ConfigException e = assertThrows(ConfigException.class, () -> open(config(null, null, missing)));
    assertTrue(e.getMessage().contains("geo.asnDb"), e.getMessage());
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void answersAreCachedPerAddress() {
    GeoLocator cached = open(dbs.config());
    GeoLocator uncached = open(config(dbs.country(), dbs.city(), dbs.asn(), 0, FAST_CHECKS));

    assertSame(cached.locate(ip(LONDON_IP)), cached.locate(ip(LONDON_IP)));
    assertNotSame(uncached.locate(ip(LONDON_IP)), uncached.locate(ip(LONDON_IP)));
    assertEquals(cached.locate(ip(LONDON_IP)), uncached.locate(ip(LONDON_IP)));
  }

  @Test
  void aReplacedFileIsReloadedAndTheCacheStartsAfresh() throws Exception {
    Path country = copy(dbs.country(), "country.mmdb");
    GeoLocator geo = open(config(country, null, null, 1000, FAST_CHECKS));
    geo.start();
    assertEquals("GB", geo.locate(ip(LONDON_IP)).country());

    replace(country, new MmdbWriter("GeoLite2-Country", 6)
        .put("81.2.69.0/24", Map.of("country", Map.of("iso_code", "IE"))));

    awaitCountry(geo, LONDON_IP, "IE");
    assertTrue(geo.describe().contains("GeoLite2-Country"), geo.describe());
  }

  @Test
  void aBrokenReplacementKeepsTheOldAnswersUntilAGoodOneArrives() throws Exception {
    Path country = copy(dbs.country(), "country.mmdb");
    GeoLocator geo = open(config(country, null, null, 1000, FAST_CHECKS));
    geo.start();

    Path garbage = dir.resolve("garbage.tmp");
    Files.write(garbage, new byte[4096]);
    Files.move(garbage, country, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Thread.sleep(FAST_CHECKS.toMillis() * 5);
    assertEquals("GB", geo.locate(ip(LONDON_IP)).country());
    assertEquals("DE", geo.locate(ip(NUREMBERG_IP)).country());

    Files.delete(country);
    Thread.sleep(FAST_CHECKS.toMillis() * 3);
    assertEquals("GB", geo.locate(ip(LONDON_IP)).country());

    replace(country, new MmdbWriter("GeoLite2-Country", 6)
        .put("81.2.69.0/24", Map.of("country", Map.of("iso_code", "NL"))));
    awaitCountry(geo, LONDON_IP, "NL");
  }

  @Test
  void lookupsDuringReloadsAlwaysGetAnAnswer() throws Exception {
    Path country = copy(dbs.country(), "country.mmdb");
    GeoLocator geo = open(config(country, null, null, 1000, FAST_CHECKS));
    geo.start();
    AtomicBoolean running = new AtomicBoolean(true);
    List<String> wrong = new CopyOnWriteArrayList<>();
    AtomicLong lookups = new AtomicLong();
    Thread client = new Thread(() -> {
      InetAddress london = ip(LONDON_IP);
      while (running.get()) {
        String answer = geo.locate(london).country();
        lookups.incrementAndGet();
        if (!answer.equals("GB") && !answer.equals("IE")) {
          wrong.add(answer);
        }
      }
    });
    client.start();
    try {
      for (int i = 0; i < 6; i++) {
        String code = i % 2 == 0 ? "IE" : "GB";
        replace(country, new MmdbWriter("GeoLite2-Country", 6)
            .put("81.2.69.0/24", Map.of("country", Map.of("iso_code", code))));
        awaitCountry(geo, LONDON_IP, code);
      }
    } finally {
      running.set(false);
      client.join(TimeUnit.SECONDS.toMillis(10));
    }
    assertEquals(List.of(), wrong);
    assertTrue(lookups.get() > 1000, "lookups: " + lookups.get());
  }

  @Test
  void aClosedLocatorAnswersUnknown() {
    GeoLocator geo = GeoLocator.open(vertx, dbs.config());
    geo.start();
    geo.close();
    geo.close();

    assertEquals(GeoAnswer.UNKNOWN, geo.locate(ip(LONDON_IP)));
  }

  private Path copy(Path source, String name) throws IOException {
    return Files.copy(source, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  /** As geoipupdate does it: write a new file next to the old one, then rename it over the old one. */
  private void replace(Path target, MmdbWriter content) throws IOException {
    Path temp = Files.createTempFile(dir, "geo", ".tmp");
    content.write(temp);
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void awaitCountry(GeoLocator geo, String address, String country) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!geo.locate(ip(address)).country().equals(country)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("still " + geo.locate(ip(address)) + " after 10 s, expected " + country);
      }
      Thread.sleep(20);
    }
  }
}
