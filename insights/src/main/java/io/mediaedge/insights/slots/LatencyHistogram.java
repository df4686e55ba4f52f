package io.mediaedge.insights.slots;

import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * Latencies in milliseconds, bucketed exactly as an HdrHistogram with {@value #SIGNIFICANT_DIGITS}
 * significant digits (relative error under 1 %) up to {@link #HIGHEST_MS}, but stored sparse: only
 * the buckets that hold values, each as one long (bucket and count packed), sorted. A full
 * histogram of that range is 17 KB and most (country, ASN) slots hold a few dozen values, so the
 * ring could not afford one per key.
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
  /** An entry is {@code bucket << COUNT_BITS | count}: buckets (< 2^27) sort the entries. */
  private static final int COUNT_BITS = 37;
  private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

  private long[] entries;
  private int size;
  private long total;

  public LatencyHistogram() {
    this(2);
  }

  private LatencyHistogram(int capacity) {
    entries = new long[capacity];
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
    int at = find(bucket);
    if (at >= 0) {
      entries[at] += count;
    } else {
      int insert = -at - 1;
      if (size == entries.length) {
        entries = Arrays.copyOf(entries, Math.max(4, size + (size >> 1)));
      }
      System.arraycopy(entries, insert, entries, insert + 1, size - insert);
      entries[insert] = ((long) bucket << COUNT_BITS) | count;
      size++;
    }
    total += count;
  }

  /** Adds every value of {@code other}: in place when the buckets are known, one rebuild when not. */
  public void addAll(LatencyHistogram other) {
    int missing = 0;
    for (int i = 0; i < other.size; i++) {
      int at = find(other.bucketAt(i));
      if (at >= 0) {
        entries[at] += other.countAt(i);
        total += other.countAt(i);
      } else {
        missing++;
      }
    }
    if (missing > 0) {
      mergeMissing(other, missing);
    }
  }

  private void mergeMissing(LatencyHistogram other, int missing) {
    long[] merged = new long[size + missing];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < size || j < other.size) {
      if (j == other.size || (i < size && bucketAt(i) < other.bucketAt(j))) {
        merged[k++] = entries[i++];
      } else if (i == size || other.bucketAt(j) < bucketAt(i)) {
        total += other.countAt(j);
        merged[k++] = other.entries[j++];
      } else {
        // added in place by the first pass already
        merged[k++] = entries[i++];
        j++;
      }
    }
    entries = merged;
    size = k;
  }

  /** Gives back the spare room of the array once no more values are expected (a closed slot). */
  public void trim() {
    if (entries.length > size) {
      entries = Arrays.copyOf(entries, size);
    }
  }

  public LatencyHistogram copy() {
    LatencyHistogram copy = new LatencyHistogram(size);
    System.arraycopy(entries, 0, copy.entries, 0, size);
    copy.size = size;
    copy.total = total;
    return copy;
  }

  public long totalCount() {
    return total;
  }

  /**
   * HdrHistogram's {@code getValueAtPercentile}: the highest value equivalent to the value at or
   * below which {@code percentile} % of the values fall (the lowest, for 0); 0 when empty.
   */
  public long valueAtPercentile(double percentile) {
    if (total == 0) {
      return 0;
    }
    long countAtPercentile = countAtPercentile(percentile, total);
    long running = 0;
    for (int i = 0; i < size; i++) {
      running += countAt(i);
      if (running >= countAtPercentile) {
        return valueOf(bucketAt(i), percentile);
      }
    }
    return LAYOUT.highestEquivalentValue(bucketAt(size - 1));
  }

  /** How many of {@code total} values lie at or below {@code percentile}, by HdrHistogram's rule. */
  private static long countAtPercentile(double percentile, long total) {
    double requested = Math.min(Math.max(Math.nextAfter(percentile, Double.NEGATIVE_INFINITY), 0.0), 100.0);
    return Math.max(1, (long) Math.ceil((requested / 100.0) * total));
  }

  /** The value a percentile reports when it falls in {@code bucket}. */
  private static long valueOf(int bucket, double percentile) {
    return percentile == 0.0 ? bucket : LAYOUT.highestEquivalentValue(bucket);
  }

  /**
   * This histogram as it is now, with running counts, to read the percentiles of it less any part
   * that was added to it (a country's total less one of its networks: the rest of the country).
   */
  public Cumulative cumulative() {
    return new Cumulative(this);
  }

  /** The same values in a real HdrHistogram (for means, other percentiles, its own encodings). */
  public Histogram toHdrHistogram() {
    Histogram histogram = new Histogram(1, HIGHEST_MS, SIGNIFICANT_DIGITS);
    for (int i = 0; i < size; i++) {
      histogram.recordValueWithCount(bucketAt(i), countAt(i));
    }
    return histogram;
  }

  /** How many buckets hold values (for the codec). */
  public int bucketCount() {
    return size;
  }

  public int bucketAt(int index) {
    return (int) (entries[index] >>> COUNT_BITS);
  }

  public long countAt(int index) {
    return entries[index] & COUNT_MASK;
  }

  /** Binary search by bucket: the index, or {@code -(insertion point) - 1}. */
  private int find(int bucket) {
    int low = 0;
    int high = size - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int midBucket = bucketAt(mid);
      if (midBucket < bucket) {
        low = mid + 1;
      } else if (midBucket > bucket) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -(low + 1);
  }

  /**
   * A histogram's buckets with the count of values up to each: the total of many parts, built once,
   * from which the rest without any one part is read in time of that part's size (a few binary
   * searches), where a copy less the part would cost the whole total per part. What the rest of a
   * country or of the world is, for each of its networks.
   */
  public static final class Cumulative {
    private final int[] buckets;
    /** {@code upTo[i]}: the values in buckets 0 to i. */
    private final long[] upTo;

    private Cumulative(LatencyHistogram histogram) {
      buckets = new int[histogram.size];
      upTo = new long[histogram.size];
      long running = 0;
      for (int i = 0; i < histogram.size; i++) {
        buckets[i] = histogram.bucketAt(i);
        running += histogram.countAt(i);
        upTo[i] = running;
      }
    }

    public long totalCount() {
      return upTo.length == 0 ? 0 : upTo[upTo.length - 1];
    }

    /**
     * {@link LatencyHistogram#valueAtPercentile} of this total less {@code part}: the same answer as
     * a histogram of every other part merged (buckets emptied by the part are skipped alike).
     *
     * @throws IllegalArgumentException when {@code part} holds values this total does not
     */
    public long valueAtPercentileWithout(LatencyHistogram part, double percentile) {
      long[] partUpTo = new long[part.size];
      long running = 0;
      for (int i = 0; i < part.size; i++) {
        int at = Arrays.binarySearch(buckets, part.bucketAt(i));
        if (at < 0 || upTo[at] - (at == 0 ? 0 : upTo[at - 1]) < part.countAt(i)) {
          throw new IllegalArgumentException("the part holds values the total does not (bucket "
              + part.bucketAt(i) + ")");
        }
        running += part.countAt(i);
        partUpTo[i] = running;
      }
      long rest = totalCount() - part.total;
      if (rest == 0) {
        return 0;
      }
      long countAtPercentile = countAtPercentile(percentile, rest);
      // the rest's running count never falls as the buckets rise: the first to reach it is found by halving
      int low = 0;
      int high = buckets.length - 1;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (restUpTo(mid, part, partUpTo) >= countAtPercentile) {
          high = mid;
        } else {
          low = mid + 1;
        }
      }
      if (restUpTo(low, part, partUpTo) < countAtPercentile) {
        return LAYOUT.highestEquivalentValue(buckets[buckets.length - 1]);
      }
      return valueOf(buckets[low], percentile);
    }

    /** The values of the rest in buckets 0 to {@code index}: the total's less the part's. */
    private long restUpTo(int index, LatencyHistogram part, long[] partUpTo) {
      int at = part.find(buckets[index]);
      int partBuckets = at >= 0 ? at + 1 : -at - 1;
      return upTo[index] - (partBuckets == 0 ? 0 : partUpTo[partBuckets - 1]);
    }
  }
}
