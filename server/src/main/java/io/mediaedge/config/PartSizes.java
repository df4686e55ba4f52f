package io.mediaedge.config;

/**
 * S3 multipart part sizes: the configured size, grown for huge bodies so 10,000 parts always
 * suffice. It lives with the configuration because the memory budget's minimum is checked against
 * the largest part a resumable upload will buffer.
 */
public final class PartSizes {
  /** S3's limit on the parts of one multipart upload. */
  public static final int MAX_PARTS = 10_000;
  private static final long MIB = 1L << 20;

  private PartSizes() {}

  /** The part size for a body of {@code length} bytes: {@code configured}, or more in whole MiB. */
  public static long forLength(long length, long configured) {
    if (length <= (long) MAX_PARTS * configured) {
      return configured;
    }
    long needed = (length + MAX_PARTS - 1) / MAX_PARTS;
    return (needed + MIB - 1) / MIB * MIB;
  }
}
