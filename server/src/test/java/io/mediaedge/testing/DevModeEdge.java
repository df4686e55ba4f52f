package io.mediaedge.testing;

import io.mediaedge.EdgeServer;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.config.GeoConfig;
import io.mediaedge.devstack.DevEdge;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.edge.geo.GeoLocator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * media-edge for dev mode ({@code io.mediaedge.devstack.DevMode}), started in-process through the
 * production composition root over the dev stack. It geo-tags with the {@link DemoWorld}'s
 * databases (or those the environment names) and, in dev mode only, believes forwarding headers
 * from loopback: the demo traffic generator claims its clients' addresses in {@code
 * CF-Connecting-IP}, as Cloudflare would. Production trusts only the proxy ranges it configures.
 */
public final class DevModeEdge implements DevEdge {

  @Override
  public Running start(DevStack stack, int httpsPort, int httpPort) throws Exception {
    JsonObject geo = geoSection();
    JsonObject overrides = new JsonObject().put("geo", geo)
        .put("edge", new JsonObject().put("trustedProxies", new JsonArray().add("127.0.0.1/32").add("::1/128")))
        .put("steering", steeringSection());
    EdgeConfig config = DevStackConfig.config(stack, httpsPort, httpPort, overrides);
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
   * Dev mode follows the advisories its insights publishes, so the demo's troubled network can be
   * watched being steered (GET /v1/edge from one of its addresses). Creating target/dev/steering-off
   * is the kill switch.
   */
  private static JsonObject steeringSection() {
    return new JsonObject().put("enabled", true).put("alternativeHost", "upload-alt.localhost")
        .put("ttl", "10m").put("killSwitchFile", Path.of("target/dev/steering-off").toAbsolutePath().toString());
  }

  /**
   * The geo section: the databases named by MEDIA_EDGE_GEO_COUNTRY_DB / _CITY_DB / _ASN_DB (the
   * DB-IP Lite country database the dev profile fetched is target/geoip/dbip-country.mmdb), else
   * the demo world's City and ASN databases, written into target/dev/geoip.
   */
  private static JsonObject geoSection() throws IOException {
    JsonObject geo = new JsonObject();
    for (String option : List.of(GeoConfig.COUNTRY_DB, GeoConfig.CITY_DB, GeoConfig.ASN_DB)) {
      String value = System.getenv(GeoConfig.envVariable(option));
      if (value != null && !value.isBlank()) {
        geo.put(option.substring("geo.".length()), value.trim());
      }
    }
    if (geo.isEmpty()) {
      DemoWorld.Databases demo = DemoWorld.write(Path.of("target/dev/geoip"));
      geo.put("cityDb", demo.city().toString()).put("asnDb", demo.asn().toString());
    }
    return geo;
  }

  private static String describeGeo(Vertx vertx, EdgeConfig config, JsonObject geo) {
    try (GeoLocator locator = GeoLocator.open(vertx, config.geo())) {
      boolean dbip = geo.getString("countryDb", "").endsWith("dbip-country.mmdb");
      boolean demo = geo.getString("cityDb", "").contains("demo-world");
      return locator.describe() + (dbip ? "; IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0" : "")
          + (demo ? "; the demo world (" + DemoWorld.NETWORKS.size() + " made-up networks, bench/demo-traffic.sh"
              + " sends their traffic); forwarding headers believed from loopback (dev mode only)" : "");
    }
  }
}
