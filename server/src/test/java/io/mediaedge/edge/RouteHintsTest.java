package io.mediaedge.edge;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.IpAddresses;
import io.mediaedge.config.ReloadableFile;
import io.mediaedge.edge.RouteTable.RouteHint;
import io.mediaedge.edge.geo.GeoAnswer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class RouteHintsTest {
  private static final String METER = "media_edge_route_hints";

  @TempDir Path dir;
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

  private static EdgeView from(String country, long asn) {
    return new EdgeView(IpAddresses.parse("203.0.113.9").orElseThrow(), "203.0.113.0", true,
        new GeoAnswer(country, "", asn, ""), "ICN", country, "ap-northeast");
  }

  private double count(String rule) {
    Counter counter = metrics.find(METER).tag("rule", rule).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void eachDecisionIsCountedUnderTheRuleThatMatched() throws Exception {
    RouteHints hints = RouteHints.fixed(RouteTable.read(Path.of("conf/routes.yaml")), metrics);
    assertEquals("kr-skb-direct", hints.decide(from("KR", 9318)).hint().rule());
    assertEquals("kr-skb-direct", hints.decide(from("KR", 9318)).hint().rule());
    assertEquals("asia-pacific", hints.decide(from("JP", 2516)).hint().rule());
    assertEquals("default", hints.decide(from("DE", 3320)).hint().rule());
    assertEquals("default", hints.decide(from("", 0)).hint().rule());
    assertEquals(2, count("kr-skb-direct"));
    assertEquals(1, count("asia-pacific"));
    assertEquals(2, count("default"));
    assertEquals(3, metrics.find(METER).counters().size());
  }

  @Test
  void theCounterNamesTheHostItSentClientsTo() throws Exception {
    RouteHints hints = RouteHints.fixed(RouteTable.read(Path.of("conf/routes.yaml")), metrics);
    hints.decide(from("KR", 9318));
    assertEquals(1, metrics.get(METER).tags("rule", "kr-skb-direct", "host", "upload-direct-ap.example.com")
        .counter().count());
  }

  @Test
  void noRoutesFileSendsEveryoneToTheDefaultHost() {
    RouteHints hints = RouteHints.fixed(RouteTable.single("localhost"), metrics);
    assertEquals(new RouteHint("default", "localhost", true, 300), hints.decide(from("KR", 9318)).hint());
    assertEquals(1, count("default"));
    // Nothing to watch: no Vert.x is needed (null would fail if one were used).
    hints.watch(null, Duration.ofSeconds(1));
    hints.stop();
  }

  @Test
  void aReloadedTableSteersTheNextClientAndIsCountedUnderItsRule(Vertx vertx) throws Exception {
    Path file = Files.writeString(dir.resolve("routes.yaml"), "defaults: {host: upload-eu.example.com}\n");
    ReloadableFile<RouteTable> table = new ReloadableFile<>(file, "route table", RouteTable::read);
    RouteHints hints = RouteHints.fromFile(table, metrics);
    hints.watch(vertx, Duration.ofHours(1));
    try {
      assertEquals("default", hints.decide(from("KR", 9318)).hint().rule());
      Path next = Files.writeString(dir.resolve("routes.next"), "defaults: {host: upload-eu.example.com}\n"
          + "rules:\n  - {name: skb-off-cdn, asns: [AS9318], host: upload-direct-ap.example.com, proxied: false}\n");
      Files.move(next, file, ATOMIC_MOVE, REPLACE_EXISTING);
      assertTrue(table.checkNow().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));

      RouteHint hint = hints.decide(from("KR", 9318)).hint();
      assertEquals(new RouteHint("skb-off-cdn", "upload-direct-ap.example.com", false, 300), hint);
      assertEquals(1, count("skb-off-cdn"));
      assertEquals(1, count("default"));
    } finally {
      hints.stop();
    }
  }

  @Test
  void nothingIsCountedBeforeTheFirstDecision() {
    RouteHints.fixed(RouteTable.single("localhost"), metrics);
    assertNull(metrics.find(METER).counter());
  }
}
