package io.mediaedge.thumbnails.images;

/**
 * An original no thumbnail will be made of, and why: a final answer, recorded as the media's
 * "no thumbnail" with the reason, never retried.
 */
public final class RefusedImage extends Exception {
  /** Why, as recorded and counted. */
  public enum Reason {
    /** No reader for its bytes (HEIC, AVIF, a video, or not an image at all). */
    UNSUPPORTED_FORMAT,
    /** Its header claims more pixels than {@code thumbnails.maxPixels}: a decompression bomb, or absurd. */
    TOO_MANY_PIXELS,
    /** Larger than {@code thumbnails.maxSourceBytes}. */
    TOO_LARGE,
    /** The reader gave up on its bytes: truncated, corrupt, or not what its header says. */
    UNREADABLE,
    /** The decode ran past {@code thumbnails.jobTimeout}. */
    TIMED_OUT
  }

  private final Reason reason;

  public RefusedImage(Reason reason, String detail) {
    super(reason + ": " + detail);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
