package io.mediaedge.insights.slots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mediaedge.eventschema.HistoryEvent.Action;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AggregateCodecTest {
  private static final Instant AT = Instant.parse("2026-05-01T10:00:00Z");

  @Test
  void aPartialReadsBackAsItWasWritten() {
    Aggregate original = sample(new Random(3), 2000);
    Aggregate back = AggregateCodec.decode(AggregateCodec.encode(original));
    assertEquals(original.events(), back.events());
    assertEquals(original.networkCount(), back.networkCount());
    original.byCountry().forEach((country, counts) -> assertEquals(counts.total(), back.byCountry().get(country).total()));
    original.byContentType().forEach((type, counts) ->
        assertEquals(counts.total(), back.byContentType().get(type).total()));
    original.forEachNetwork((key, network) -> {
      NetworkSlot read = back.networkOrNull(key);
      assertEquals(network.isp(), read.isp(), key);
      assertEquals(network.outcomes().total(), read.outcomes().total(), key);
      assertEquals(network.outcomes().errors(), read.outcomes().errors(), key);
      assertEquals(network.uploadBytes(), read.uploadBytes(), key);
      assertEquals(network.measuredUploads(), read.measuredUploads(), key);
      assertEquals(network.measuredBytes(), read.measuredBytes(), key);
      assertEquals(network.measuredMillis(), read.measuredMillis(), key);
      assertEquals(network.uploadLatency().valueAtPercentile(95), read.uploadLatency().valueAtPercentile(95), key);
    });
    assertEquals("Deutsche Telekom", back.networkOrNull("DE/3320").isp());
    assertEquals(original.regionLatency("eu", Action.UPLOAD).valueAtPercentile(99),
        back.regionLatency("eu", Action.UPLOAD).valueAtPercentile(99));
    assertArrayEquals(original.lengthCounts(Action.UPLOAD), back.lengthCounts(Action.UPLOAD));
  }

  /** During a rolling upgrade the partials of an instance still on version 1 keep counting. */
  @Test
  void aVersionOnePartialIsReadWithAllItsUploadsMeasured() {
    Aggregate original = sample(new Random(4), 300);
    byte[] old = AggregateCodec.encode(original, 1);
    assertEquals(1, old[0]);
    Aggregate back = AggregateCodec.decode(old);
    original.forEachNetwork((key, network) -> {
      NetworkSlot read = back.networkOrNull(key);
      assertEquals(network.uploads(), read.uploads(), key);
      assertEquals(network.uploads(), read.measuredUploads(), "version 1 measured every upload: " + key);
      assertEquals(network.uploadBytes(), read.measuredBytes(), key);
    });
  }

  @Test
  void mergingEqualsCountingTogether() {
    Random random = new Random(5);
    Aggregate together = new Aggregate();
    Aggregate a = new Aggregate();
    Aggregate b = new Aggregate();
    for (int i = 0; i < 500; i++) {
      var event = event(random);
      together.add(event);
      (i % 3 == 0 ? a : b).add(event);
    }
    Aggregate merged = a.copy();
    merged.addAll(b);
    assertEquals(together.events(), merged.events());
    assertEquals(together.byCountry().get("DE").total(), merged.byCountry().get("DE").total());
    assertEquals(together.regionLatency("eu", Action.UPLOAD).valueAtPercentile(99),
        merged.regionLatency("eu", Action.UPLOAD).valueAtPercentile(99));
  }

  @Test
  void anUnknownVersionOrTruncatedBytesAreRefused() {
    byte[] bytes = AggregateCodec.encode(sample(new Random(1), 50));
    byte[] newer = bytes.clone();
    newer[0] = 99;
    assertThrows(IllegalArgumentException.class, () -> AggregateCodec.decode(newer));
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length / 2);
    assertThrows(IllegalArgumentException.class, () -> AggregateCodec.decode(cut));
  }

  static Aggregate sample(Random random, int events) {
    Aggregate aggregate = new Aggregate();
    for (int i = 0; i < events; i++) {
      aggregate.add(event(random));
    }
    return aggregate;
  }

  private static io.mediaedge.eventschema.HistoryEvent event(Random random) {
    String[] countries = {"DE", "FR", "NG", "BR", "IN"};
    String country = countries[random.nextInt(countries.length)];
    String asn = country.equals("DE") ? "3320" : String.valueOf(1000 + random.nextInt(20));
    String isp = country.equals("DE") ? "Deutsche Telekom" : "ISP " + asn;
    long latency = 20 + random.nextInt(5000);
    return random.nextInt(10) == 0
        ? TestEvents.failed(AT, country, asn, isp, "eu", "UPLOAD_INCOMPLETE", latency)
        : TestEvents.upload(AT, country, asn, isp, "eu", random.nextBoolean() ? "image/jpeg" : "video/mp4",
            random.nextInt(50_000_000), latency);
  }
}
