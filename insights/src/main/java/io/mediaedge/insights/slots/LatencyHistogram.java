package io.mediaedge.insights.slots;

import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * Latencies in milliseconds, bucketed exactly as an HdrHistogram with {@value #SIGNIFICANT_DIGITS}
 * significant digits (relative error under 1 %) up to {@link #HIGHEST_MS}, but stored sparse: only
 * the buckets that hold values, as two sorted arrays. A full histogram of that range is 17 KB and
 * most (country, ASN) slots hold a handful of values, so the ring could not afford one per key.
 *
 * <p>Histograms merge by adding bucket counts, so percentiles over any window and any set of
 * instances are those of one histogram of every value: never an average of percentiles.
 * {@link #valueAtPercentile} follows HdrHistogram's own rule, and {@link #toHdrHistogram()} hands
 * over a real one for anything else.
 */
public final class LatencyHistogram {
  public static final int SIGNIFICANT_DIGITS = 2;
  /** Longer latencies (a day-long upload) are recorded as this. */
  public static final long HIGHEST_MS = 86_400_000L;
  /** The bucket arithmetic only; never recorded into, so sharing it between threads is safe. */
  private static final Histogram LAYOUT = new Histogram(1, HIGHEST_MS, SIGNIFICANT_DIGITS);

  /** The lowest value of each used bucket, ascending. */
  private int[] buckets;
  private long[] counts;
  private int size;
  private long total;

  public LatencyHistogram() {
    this(2);
  }

  private LatencyHistogram(int capacity) {
    buckets = new int[capacity];
    counts = new long[capacity];
  }

  public void record(long millis) {
    add(bucketOf(millis), 1);
  }

  /** The bucket a latency falls in, named by the lowest value it holds. */
  public static int bucketOf(long millis) {
    return (int) LAYOUT.lowestEquivalentValue(Math.max(0, Math.min(millis, HIGHEST_MS)));
  }

  /** Adds {@code count} values to the bucket whose lowest value is {@code bucket}. */
  public void add(int bucket, long count) {
    if (count <= 0) {
      return;
    }
    int at = Arrays.binarySearch(buckets, 0, size, bucket);
    if (at >= 0) {
      counts[at] += count;
    } else {
      int insert = -at - 1;
      if (size == buckets.length) {
        buckets = Arrays.copyOf(buckets, Math.max(4, size * 2));
        counts = Arrays.copyOf(counts, buckets.length);
      }
      System.arraycopy(buckets, insert, buckets, insert + 1, size - insert);
      System.arraycopy(counts, insert, counts, insert + 1, size - insert);
      buckets[insert] = bucket;
      counts[insert] = count;
      size++;
    }
    total += count;
  }

  /** Adds every value of {@code other}: one pass when the buckets are known, one rebuild when not. */
  public void addAll(LatencyHistogram other) {
    if (other.size == 0) {
      return;
    }
    int missing = 0;
    for (int i = 0; i < other.size; i++) {
      int at = Arrays.binarySearch(buckets, 0, size, other.buckets[i]);
      if (at >= 0) {
        counts[at] += other.counts[i];
        total += other.counts[i];
      } else {
        missing++;
      }
    }
    if (missing > 0) {
      mergeMissing(other, missing);
    }
  }

  private void mergeMissing(LatencyHistogram other, int missing) {
    int[] mergedBuckets = new int[size + missing];
    long[] mergedCounts = new long[size + missing];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < size || j < other.size) {
      if (j == other.size || (i < size && buckets[i] < other.buckets[j])) {
        mergedBuckets[k] = buckets[i];
        mergedCounts[k++] = counts[i++];
      } else if (i == size || other.buckets[j] < buckets[i]) {
        mergedBuckets[k] = other.buckets[j];
        total += other.counts[j];
        mergedCounts[k++] = other.counts[j++];
      } else {
        // counted in the first pass already
        mergedBuckets[k] = buckets[i];
        mergedCounts[k++] = counts[i++];
        j++;
      }
    }
    buckets = mergedBuckets;
    counts = mergedCounts;
    size = k;
  }

  public LatencyHistogram copy() {
    LatencyHistogram copy = new LatencyHistogram(Math.max(2, size));
    System.arraycopy(buckets, 0, copy.buckets, 0, size);
    System.arraycopy(counts, 0, copy.counts, 0, size);
    copy.size = size;
    copy.total = total;
    return copy;
  }

  public long totalCount() {
    return total;
  }

  /**
   * HdrHistogram's {@code getValueAtPercentile}: the highest value equivalent to the value below
   * which {@code percentile} % of the values fall; 0 when empty.
   */
  public long valueAtPercentile(double percentile) {
    if (total == 0) {
      return 0;
    }
    double requested = Math.min(Math.max(percentile, 0), 100.0);
    long countAtPercentile = Math.max(1, (long) (((requested / 100.0) * total) + 0.5));
    long running = 0;
    for (int i = 0; i < size; i++) {
      running += counts[i];
      if (running >= countAtPercentile) {
        return requested == 0.0 ? buckets[i] : LAYOUT.highestEquivalentValue(buckets[i]);
      }
    }
    return LAYOUT.highestEquivalentValue(buckets[size - 1]);
  }

  /** The same values in a real HdrHistogram (for means, other percentiles, its own encodings). */
  public Histogram toHdrHistogram() {
    Histogram histogram = new Histogram(1, HIGHEST_MS, SIGNIFICANT_DIGITS);
    for (int i = 0; i < size; i++) {
      histogram.recordValueWithCount(buckets[i], counts[i]);
    }
    return histogram;
  }

  /** How many buckets hold values (for the codec). */
  public int bucketCount() {
    return size;
  }

  public int bucketAt(int index) {
    return buckets[index];
  }

  public long countAt(int index) {
    return counts[index];
  }
}
