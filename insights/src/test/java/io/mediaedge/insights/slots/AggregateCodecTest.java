package io.mediaedge.insights.slots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mediaedge.eventschema.HistoryEvent.Action;
import io.mediaedge.eventschema.ThumbnailResult;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  @Test
  void thumbnailFiguresReadBackAndMergeAsCountedTogether() {
    Random random = new Random(6);
    Aggregate together = new Aggregate();
    Aggregate a = new Aggregate();
    Aggregate b = new Aggregate();
    for (int i = 0; i < 400; i++) {
      ThumbnailResult result = thumbnail(random, i);
      together.add(result);
      (i % 4 == 0 ? a : b).add(result);
    }
    Aggregate merged = AggregateCodec.decode(AggregateCodec.encode(a));
    merged.addAll(AggregateCodec.decode(AggregateCodec.encode(b)));
    assertEquals(settled(together), settled(merged));
    for (String region : List.of("eu", "us")) {
      assertEquals(together.thumbnails().lag(region).totalCount(), merged.thumbnails().lag(region).totalCount());
      assertEquals(together.thumbnails().lag(region).valueAtPercentile(99),
          merged.thumbnails().lag(region).valueAtPercentile(99), region);
    }
    assertEquals(0, together.events(), "thumbnail results are not history events");
    // refusals and parked media are counted by reason, never timed
    assertEquals(together.thumbnails().lag("eu").totalCount() + together.thumbnails().lag("us").totalCount(),
        settled(together).get("MADE"));
    assertEquals(3, settled(together).keySet().stream().filter(k -> k.contains("/")).count());
  }

  /** During a rolling upgrade a version-2 partial (no thumbnail section) still reads, with no thumbnails. */
  @Test
  void aVersionTwoPartialHasNoThumbnails() {
    Aggregate original = sample(new Random(7), 200);
    original.add(thumbnail(new Random(7), 1));
    byte[] old = AggregateCodec.encode(original, 2);
    Aggregate back = AggregateCodec.decode(old);
    assertEquals(original.events(), back.events());
    assertEquals(true, back.thumbnails().isEmpty());
    assertEquals(false, AggregateCodec.decode(AggregateCodec.encode(original)).thumbnails().isEmpty());
  }

  private static Map<String, Long> settled(Aggregate aggregate) {
    Map<String, Long> settled = new HashMap<>();
    aggregate.thumbnails().forEachSettled(settled::put);
    return settled;
  }

  private static ThumbnailResult thumbnail(Random random, int i) {
    String[][] outcomes = {{"MADE", ""}, {"MADE", ""}, {"MADE", ""}, {"REFUSED", "TOO_MANY_PIXELS"},
        {"REFUSED", "UNREADABLE"}, {"PARKED", "SdkClientException"}};
    String[] outcome = outcomes[random.nextInt(outcomes.length)];
    Instant uploaded = AT.plusMillis(random.nextInt(60_000));
    return new ThumbnailResult("m" + i, "u" + i, "image/jpeg", uploaded, uploaded.plusMillis(200 + random.nextInt(90_000)),
        ThumbnailResult.Outcome.valueOf(outcome[0]), outcome[1], List.of(), random.nextBoolean() ? "eu" : "us");
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
