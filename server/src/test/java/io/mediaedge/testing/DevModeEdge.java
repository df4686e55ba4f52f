package io.mediaedge.testing;

import io.mediaedge.EdgeServer;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.config.GeoConfig;
import io.mediaedge.devstack.DevEdge;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.edge.geo.GeoLocator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * media-edge for dev mode ({@code io.mediaedge.devstack.DevMode}), started in-process through the
 * production composition root over the dev stack, geo-tagging with the DB-IP Lite country
 * database the dev profile fetched, or the databases the environment names.
 */
public final class DevModeEdge implements DevEdge {

  @Override
  public Running start(DevStack stack, int httpsPort, int httpPort) throws Exception {
    JsonObject geo = geoSection();
    EdgeConfig config = DevStackConfig.config(stack, httpsPort, httpPort, new JsonObject().put("geo", geo));
    Vertx vertx = Vertx.vertx();
    String geoLine = describeGeo(vertx, config, geo);
    EdgeServer server = EdgeServer.start(vertx, config).await(60, TimeUnit.SECONDS);
    return new Running() {
      @Override
      public int httpsPort() {
        return server.httpsPort();
      }

      @Override
      public int httpPort() {
        return server.httpPort();
      }

      @Override
      public String geoSummary() {
        return geoLine;
      }

      @Override
      public String s3Region() {
        return config.storage().region();
      }

      @Override
      public void stop() throws Exception {
        // Waited for from the caller's thread: callbacks cannot run on event loops that are closing.
        server.stop().await(20, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
      }
    };
  }

  /**
   * The geo section: the databases named by MEDIA_EDGE_GEO_COUNTRY_DB / _CITY_DB / _ASN_DB, else
   * the DB-IP Lite country database the dev profile fetched into target/geoip, else none.
   */
  private static JsonObject geoSection() {
    JsonObject geo = new JsonObject();
    for (String option : List.of(GeoConfig.COUNTRY_DB, GeoConfig.CITY_DB, GeoConfig.ASN_DB)) {
      String value = System.getenv(GeoConfig.envVariable(option));
      if (value != null && !value.isBlank()) {
        geo.put(option.substring("geo.".length()), value.trim());
      }
    }
    Path fetched = Path.of(System.getProperty("dev.geoip.countryDb", "target/geoip/dbip-country.mmdb"));
    if (geo.isEmpty() && Files.isRegularFile(fetched)) {
      geo.put("countryDb", fetched.toString());
    }
    return geo;
  }

  private static String describeGeo(Vertx vertx, EdgeConfig config, JsonObject geo) {
    if (geo.isEmpty()) {
      return "no GeoIP database: requests are not geo-tagged (when online, dev mode fetches DB-IP Lite country"
          + " into target/geoip; or set MEDIA_EDGE_GEO_COUNTRY_DB, _CITY_DB, _ASN_DB)";
    }
    try (GeoLocator locator = GeoLocator.open(vertx, config.geo())) {
      boolean dbip = geo.getString("countryDb", "").endsWith("dbip-country.mmdb");
      return locator.describe() + (dbip ? "; IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0" : "");
    }
  }
}
