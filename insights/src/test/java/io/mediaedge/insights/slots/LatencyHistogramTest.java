package io.mediaedge.insights.slots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  private static final double[] PERCENTILES = {0, 1, 25, 50, 75, 90, 95, 99, 99.9, 100};

  @Test
  void percentilesAreHdrHistogramsOwn() {
    Random random = new Random(13);
    LatencyHistogram ours = new LatencyHistogram();
    Histogram reference = new Histogram(1, LatencyHistogram.HIGHEST_MS, LatencyHistogram.SIGNIFICANT_DIGITS);
    for (int i = 0; i < 20_000; i++) {
      long value = (long) Math.exp(random.nextDouble() * 14);
      ours.record(value);
      reference.recordValue(value);
    }
    for (double p : PERCENTILES) {
      assertEquals(reference.getValueAtPercentile(p), ours.valueAtPercentile(p), "p" + p);
    }
    assertEquals(reference.getTotalCount(), ours.totalCount());
  }

  @Test
  void mergedSparseHistogramsEqualOneHistogramOfAllValues() {
    Random random = new Random(7);
    LatencyHistogram merged = new LatencyHistogram();
    Histogram reference = new Histogram(1, LatencyHistogram.HIGHEST_MS, LatencyHistogram.SIGNIFICANT_DIGITS);
    for (int part = 0; part < 30; part++) {
      LatencyHistogram piece = new LatencyHistogram();
      for (int i = 0; i < 1 + random.nextInt(40); i++) {
        long value = 5 + random.nextInt(part % 2 == 0 ? 200 : 60_000);
        piece.record(value);
        reference.recordValue(value);
      }
      merged.addAll(piece);
    }
    for (double p : PERCENTILES) {
      assertEquals(reference.getValueAtPercentile(p), merged.valueAtPercentile(p), "p" + p);
    }
    assertEquals(reference.getValueAtPercentile(99), merged.toHdrHistogram().getValueAtPercentile(99));
  }

  @Test
  void aTotalLessOnePartIsTheRestMerged() {
    Random random = new Random(11);
    LatencyHistogram total = new LatencyHistogram();
    LatencyHistogram part = new LatencyHistogram();
    LatencyHistogram rest = new LatencyHistogram();
    for (int i = 0; i < 2_000; i++) {
      long value = (long) Math.exp(random.nextDouble() * 10);
      (i % 3 == 0 ? part : rest).record(value);
    }
    part.record(LatencyHistogram.HIGHEST_MS); // a bucket only the part holds, the total's last
    total.addAll(part);
    total.addAll(rest);
    LatencyHistogram.Cumulative cumulative = total.cumulative();
    assertEquals(total.totalCount(), cumulative.totalCount());
    for (double p : PERCENTILES) {
      assertEquals(rest.valueAtPercentile(p), cumulative.valueAtPercentileWithout(part, p), "p" + p);
      assertEquals(part.valueAtPercentile(p), cumulative.valueAtPercentileWithout(rest, p), "p" + p);
    }
    assertEquals(0, cumulative.valueAtPercentileWithout(total, 95), "all of it: no values left");
    LatencyHistogram more = total.copy();
    more.record(5);
    assertThrows(IllegalArgumentException.class, () -> cumulative.valueAtPercentileWithout(more, 50), "never added");
    LatencyHistogram elsewhere = new LatencyHistogram();
    elsewhere.record(LatencyHistogram.HIGHEST_MS - 1_000_000);
    assertThrows(IllegalArgumentException.class, () -> cumulative.valueAtPercentileWithout(elsewhere, 50),
        "a bucket the total does not hold");
  }

  @Test
  void outOfRangeLatenciesAreClamped() {
    LatencyHistogram h = new LatencyHistogram();
    h.record(-5);
    h.record(LatencyHistogram.HIGHEST_MS * 3);
    assertEquals(0, h.valueAtPercentile(0));
    assertEquals(2, h.totalCount());
  }

  @Test
  void emptyIsZero() {
    assertEquals(0, new LatencyHistogram().valueAtPercentile(99));
  }

  @Test
  void lengthBucketsArePowersOfTwoFromOneKibibyte() {
    assertEquals(0, LengthBuckets.indexOf(0));
    assertEquals(0, LengthBuckets.indexOf(1024));
    assertEquals(1, LengthBuckets.indexOf(1025));
    assertEquals(1, LengthBuckets.indexOf(2048));
    assertEquals(10, LengthBuckets.indexOf(1 << 20));
    assertEquals(1L << 20, LengthBuckets.upperBound(10));
    assertEquals(LengthBuckets.BOUNDED, LengthBuckets.indexOf(Long.MAX_VALUE));
    assertEquals(-1, LengthBuckets.upperBound(LengthBuckets.BOUNDED));
  }
}
