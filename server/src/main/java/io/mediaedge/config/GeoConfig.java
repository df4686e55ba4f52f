package io.mediaedge.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * GeoIP and ISP databases ({@code .mmdb}), each optional. With none configured every request is
 * tagged as unknown, and the server says so at start-up.
 *
 * @param countryDb a GeoIP2/GeoLite2 Country or City database, or a DB-IP Lite country database
 * @param cityDb a GeoIP2/GeoLite2 City database
 * @param asnDb a GeoLite2-ASN or GeoIP2-ISP database
 * @param cacheSize answers kept per client IP (0 = no cache)
 * @param reloadCheckInterval how often the files are checked for replacement
 */
public record GeoConfig(Optional<Path> countryDb, Optional<Path> cityDb, Optional<Path> asnDb, int cacheSize,
    Duration reloadCheckInterval) {

  public static final String COUNTRY_DB = "geo.countryDb";
  public static final String CITY_DB = "geo.cityDb";
  public static final String ASN_DB = "geo.asnDb";
  public static final int DEFAULT_CACHE_SIZE = 100_000;
  public static final int MAX_CACHE_SIZE = 10_000_000;
  public static final Duration DEFAULT_RELOAD_CHECK_INTERVAL = Duration.ofSeconds(60);
  public static final Duration MIN_RELOAD_CHECK_INTERVAL = Duration.ofMillis(100);

  public GeoConfig {
    Objects.requireNonNull(countryDb, "countryDb");
    Objects.requireNonNull(cityDb, "cityDb");
    Objects.requireNonNull(asnDb, "asnDb");
    Objects.requireNonNull(reloadCheckInterval, "reloadCheckInterval");
    if (cacheSize < 0 || cacheSize > MAX_CACHE_SIZE) {
      throw new IllegalArgumentException("cacheSize must be between 0 and " + MAX_CACHE_SIZE);
    }
    if (reloadCheckInterval.compareTo(MIN_RELOAD_CHECK_INTERVAL) < 0) {
      throw new IllegalArgumentException("reloadCheckInterval must be at least " + MIN_RELOAD_CHECK_INTERVAL);
    }
  }

  /** No database: every answer is unknown. */
  public static GeoConfig none() {
    return new GeoConfig(Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_CACHE_SIZE,
        DEFAULT_RELOAD_CHECK_INTERVAL);
  }

  /** The configured databases by option name ({@link #COUNTRY_DB}, {@link #CITY_DB}, {@link #ASN_DB}). */
  public Map<String, Path> databases() {
    Map<String, Path> out = new LinkedHashMap<>();
    countryDb.ifPresent(path -> out.put(COUNTRY_DB, path));
    cityDb.ifPresent(path -> out.put(CITY_DB, path));
    asnDb.ifPresent(path -> out.put(ASN_DB, path));
    return out;
  }

  /** The environment variable that sets {@code option}, e.g. MEDIA_EDGE_GEO_COUNTRY_DB. */
  public static String envVariable(String option) {
    return ConfigTree.envName(option);
  }

  static GeoConfig parse(ConfigTree c) {
    c.section("geo");
    return new GeoConfig(
        Optional.ofNullable(c.optionalFile(COUNTRY_DB)),
        Optional.ofNullable(c.optionalFile(CITY_DB)),
        Optional.ofNullable(c.optionalFile(ASN_DB)),
        c.integer("geo.cacheSize", DEFAULT_CACHE_SIZE, 0, MAX_CACHE_SIZE),
        c.duration("geo.reloadCheckInterval", DEFAULT_RELOAD_CHECK_INTERVAL.toSeconds() + "s",
            MIN_RELOAD_CHECK_INTERVAL, Duration.ofDays(1)));
  }
}
