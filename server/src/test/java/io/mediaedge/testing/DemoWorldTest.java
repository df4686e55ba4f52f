package io.mediaedge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.GeoConfig;
import io.mediaedge.edge.geo.GeoAnswer;
import io.mediaedge.edge.geo.GeoLocator;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoWorldTest {
  @TempDir
  Path dir;

  @Test
  void everyAddressOfEveryNetworkIsTaggedWithItsCountryCityAndIsp() throws Exception {
    DemoWorld.Databases files = DemoWorld.write(dir);
    Vertx vertx = Vertx.vertx();
    GeoConfig config = new GeoConfig(Optional.empty(), Optional.of(files.city()), Optional.of(files.asn()),
        0, GeoConfig.DEFAULT_RELOAD_CHECK_INTERVAL);
    Random random = new Random(7);
    try (GeoLocator geo = GeoLocator.open(vertx, config)) {
      for (DemoWorld.Network n : DemoWorld.NETWORKS) {
        for (int i = 0; i < 5; i++) {
          String address = n.randomAddress(random);
          assertEquals(new GeoAnswer(n.country(), n.city(), n.asn(), n.isp()),
              geo.locate(InetAddress.getByName(address)), address);
        }
      }
    } finally {
      vertx.close().await();
    }
  }

  private static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void networksAreDistinctPublicAndPickedByWeight() {
    Set<String> keys = new HashSet<>();
    Set<String> prefixes = new HashSet<>();
    DemoWorld.NETWORKS.forEach(n -> {
      assertTrue(keys.add(n.key()), n.key());
      assertTrue(prefixes.add(n.cidr()), n.cidr());
      InetAddress first = address(n.cidr().substring(0, n.cidr().indexOf('/')));
      assertFalse(first.isLoopbackAddress() || first.isSiteLocalAddress() || first.isLinkLocalAddress(), n.cidr());
    });
    assertTrue(DemoWorld.NETWORKS.stream().map(DemoWorld.Network::country).distinct().count() >= 30);
    Random random = new Random(1);
    int us = 0;
    int se = 0;
    for (int i = 0; i < 20_000; i++) {
      String country = DemoWorld.pick(random).country();
      us += country.equals("US") ? 1 : 0;
      se += country.equals("SE") ? 1 : 0;
    }
    // US networks weigh 200 of 1,270, Sweden 15: about 3,150 and 236 of 20,000 picks
    assertTrue(us > 2_800 && us < 3_500, "US " + us);
    assertTrue(se > 150 && se < 330, "SE " + se);
    assertEquals("NG/29465", DemoWorld.network("NG/29465").key());
  }
}
