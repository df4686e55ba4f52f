package io.mediaedge.edge.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.ConfigException;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.config.GeoConfig;
import io.mediaedge.devstack.DevCertificates;
import io.mediaedge.devstack.DevJwtKeys;
import io.mediaedge.testing.mmdb.TestGeoDatabases;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The geo section of the committed conf/media-edge.yaml, set the way an operator would. */
class GeoConfigTest {
  private static final Path COMMITTED = Path.of("conf/media-edge.yaml");

  @TempDir static Path dir;
  private static Map<String, String> base;
  private static TestGeoDatabases.Databases dbs;

  @BeforeAll
  static void files() throws IOException {
    DevCertificates.TlsFiles tls = DevCertificates.ensure(dir.resolve("certs"));
    base = Map.of(
        "MEDIA_EDGE_SERVER_HTTPS_CERT_FILE", tls.serverChain().toString(),
        "MEDIA_EDGE_SERVER_HTTPS_KEY_FILE", tls.serverKey().toString(),
        "MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", DevJwtKeys.es256(dir.resolve("jwt")).publicKeyFile().toString());
    dbs = TestGeoDatabases.write(dir.resolve("geo"), false);
  }

  private static GeoConfig load(String... extra) {
    Map<String, String> env = new HashMap<>(base);
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return EdgeConfig.load(COMMITTED, env).geo();
  }

  @Test
  void committedDefaultsConfigureNoDatabase() {
    GeoConfig geo = load();

    assertEquals(Optional.empty(), geo.countryDb());
    assertEquals(Optional.empty(), geo.cityDb());
    assertEquals(Optional.empty(), geo.asnDb());
    assertEquals(Map.of(), geo.databases());
    assertEquals(100_000, geo.cacheSize());
    assertEquals(Duration.ofSeconds(60), geo.reloadCheckInterval());
  }

  @Test
  void environmentVariablesNameTheDatabases() {
    GeoConfig geo = load(
        "MEDIA_EDGE_GEO_COUNTRY_DB", dbs.dbipCountry().toString(),
        "MEDIA_EDGE_GEO_CITY_DB", dbs.city().toString(),
        "MEDIA_EDGE_GEO_ASN_DB", dbs.isp().toString(),
        "MEDIA_EDGE_GEO_CACHE_SIZE", "0",
        "MEDIA_EDGE_GEO_RELOAD_CHECK_INTERVAL", "5m");

    assertEquals(Optional.of(dbs.dbipCountry()), geo.countryDb());
    assertEquals(Optional.of(dbs.city()), geo.cityDb());
    assertEquals(Optional.of(dbs.isp()), geo.asnDb());
    assertEquals(0, geo.cacheSize());
    assertEquals(Duration.ofMinutes(5), geo.reloadCheckInterval());
  }

  @Test
  void aMissingDatabaseFileStopsTheStartWithOneSentence() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load("MEDIA_EDGE_GEO_ASN_DB", dir.resolve("GeoLite2-ASN.mmdb").toString()));

    assertEquals("Option geo.asnDb names a file that does not exist or cannot be read ("
        + dir.resolve("GeoLite2-ASN.mmdb").toAbsolutePath() + "): set it in conf/media-edge.yaml or with"
        + " MEDIA_EDGE_GEO_ASN_DB.", e.getMessage());
  }

  @Test
  void badCacheSizeAndIntervalAreRefused() {
    ConfigException size = assertThrows(ConfigException.class, () -> load("MEDIA_EDGE_GEO_CACHE_SIZE", "-1"));
    assertTrue(size.getMessage().startsWith("Option geo.cacheSize must be between 0 and 10000000"), size.getMessage());

    ConfigException interval = assertThrows(ConfigException.class,
        () -> load("MEDIA_EDGE_GEO_RELOAD_CHECK_INTERVAL", "soon"));
    assertTrue(interval.getMessage().startsWith("Option geo.reloadCheckInterval must be a duration"),
        interval.getMessage());
  }

  @Test
  void aConfigurationWithoutAGeoSectionHasNoDatabase() {
    JsonObject tree = EdgeConfig.readYaml(COMMITTED);
    tree.remove("geo");

    GeoConfig geo = EdgeConfig.fromTree(tree, base, "test").geo();

    assertEquals(Map.of(), geo.databases());
    assertEquals(GeoConfig.DEFAULT_CACHE_SIZE, geo.cacheSize());
  }

  @Test
  void aGeoValueThatIsNotASectionIsRefused() {
    JsonObject tree = EdgeConfig.readYaml(COMMITTED).put("geo", "GeoLite2-City.mmdb");

    ConfigException e = assertThrows(ConfigException.class, () -> EdgeConfig.fromTree(tree, base, "test"));
    assertTrue(e.getMessage().startsWith("Option geo must be a map"), e.getMessage());
  }
}
