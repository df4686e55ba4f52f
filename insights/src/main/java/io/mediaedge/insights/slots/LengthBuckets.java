package io.mediaedge.insights.slots;

/**
 * The content-length histogram's buckets: powers of two from 1 KiB to 64 GiB (a bucket holds the
 * lengths above the previous bound up to its own), then one for anything longer. Log-scale,
 * because media sizes span a 20-byte voice note to a 5 GB video.
 */
public final class LengthBuckets {
  public static final int FIRST_BOUND_LOG2 = 10;
  /** Bounded buckets; the last index, {@code BOUNDED}, holds everything longer. */
  public static final int BOUNDED = 27;
  public static final int COUNT = BOUNDED + 1;

  private LengthBuckets() {}

  public static int indexOf(long length) {
    if (length <= 1L << FIRST_BOUND_LOG2) {
      return 0;
    }
    int log2Ceiling = 64 - Long.numberOfLeadingZeros(length - 1);
    return Math.min(BOUNDED, log2Ceiling - FIRST_BOUND_LOG2);
  }

  /** The inclusive upper bound of bucket {@code index} in bytes, or -1 for the unbounded last one. */
  public static long upperBound(int index) {
    return index >= BOUNDED ? -1 : 1L << (FIRST_BOUND_LOG2 + index);
  }
}
