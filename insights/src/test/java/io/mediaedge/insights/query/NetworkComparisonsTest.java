package io.mediaedge.insights.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mediaedge.insights.query.Figures.NetworkComparison;
import io.mediaedge.insights.slots.Aggregate;
import io.mediaedge.insights.slots.GlobalSlots;
import io.mediaedge.insights.slots.TestEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The rest of the world and of the country, for three networks counted by hand: two of Nigeria,
 * one of Kenya, in one minute of one instance.
 */
class NetworkComparisonsTest {
  private static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");

  private final Map<String, NetworkComparison> compared = compare();

  /**
   * MTN (NG): 3 uploads of 1 MB in 100 ms, 1 failed. Glo (NG): 4 of 4 MB in 200 ms, 1 failed.
   * Safaricom (KE): 3 of 2,000 bytes (too small to measure throughput on) in 400 ms, 1 failed on
   * another code.
   */
  private static Map<String, NetworkComparison> compare() {
    Aggregate minute = new Aggregate();
    uploads(minute, "NG", "29465", "MTN Nigeria", 3, 1_000_000, 100, "UPLOAD_INCOMPLETE");
    uploads(minute, "NG", "37148", "Globacom", 4, 4_000_000, 200, "UPLOAD_INCOMPLETE");
    uploads(minute, "KE", "33771", "Safaricom", 3, 2_000, 400, "QUOTA_EXCEEDED");
    GlobalSlots slots = new GlobalSlots(1440, Clock.fixed(T0, ZoneOffset.UTC));
    slots.put("run-a", T0.getEpochSecond() / 60, minute);
    List<NetworkComparison> all = new NetworkComparisons(new InsightsQueries(slots), Duration.ofMinutes(1))
        .compare(new Window(5), 60, 1);
    return all.stream().collect(Collectors.toMap(NetworkComparison::key, Function.identity()));
  }

  private static void uploads(Aggregate into, String country, String asn, String isp, int count, long bytes,
      long latencyMs, String failedCode) {
    for (int i = 0; i < count; i++) {
      into.add(TestEvents.upload(T0, country, asn, isp, "eu", "image/jpeg", bytes, latencyMs));
    }
    into.add(TestEvents.failed(T0, country, asn, isp, "eu", failedCode, 900));
  }

  @Test
  void theRestOfTheWorldIsEveryOtherNetwork() {
    // Glo and Safaricom: 9 requests, 2 failed; 4 uploads at 200 ms and 3 at 400 ms (401: its bucket's top);
    // throughput over Glo's 4 uploads only: Safaricom's are too small to measure bandwidth
    assertEquals(new NetworkFigures(9, 2, 2.0 / 9, Map.of("UPLOAD_INCOMPLETE", 1L, "QUOTA_EXCEEDED", 1L), 7, 200, 401,
        401, 7, 16_006_000, 4, 16_000_000 * 1000.0 / 800), compared.get("NG/29465").restOfWorld());
  }

  @Test
  void theRestOfTheCountryIsItsOtherNetworks() {
    assertEquals(new NetworkFigures(5, 1, 0.2, Map.of("UPLOAD_INCOMPLETE", 1L), 4, 200, 200, 200, 4, 16_000_000, 4,
        16_000_000 * 1000.0 / 800), compared.get("NG/29465").restOfCountry(), "Glo alone");
    NetworkFigures safaricom = compared.get("KE/33771").window();
    assertEquals(3, safaricom.uploads());
    assertEquals(0, safaricom.measuredUploads());
    assertEquals(-1, safaricom.throughput(), "uploads too small to measure bandwidth: no throughput");
    NetworkFigures none = compared.get("KE/33771").restOfCountry();
    assertEquals(0, none.requests(), "Safaricom is all of Kenya");
    assertEquals(0, none.latencyCount());
    assertEquals(0, none.p95Ms());
    assertEquals(-1, none.throughput(), "no uploads: no throughput");
  }

  @Test
  void eachNetworkAndItsRestAddUpToTheWholeWorld() {
    assertEquals(3, compared.size());
    for (NetworkComparison n : compared.values()) {
      NetworkFigures own = n.window();
      NetworkFigures rest = n.restOfWorld();
      assertEquals(13, own.requests() + rest.requests(), n.key());
      assertEquals(3, own.errors() + rest.errors(), n.key());
      assertEquals(10, own.latencyCount() + rest.latencyCount(), n.key());
      assertEquals(10, own.uploads() + rest.uploads(), n.key());
      assertEquals(3 * 1_000_000 + 4 * 4_000_000 + 3 * 2_000, own.uploadBytes() + rest.uploadBytes(), n.key());
      assertEquals(7, own.measuredUploads() + rest.measuredUploads(), n.key());
    }
  }
}
