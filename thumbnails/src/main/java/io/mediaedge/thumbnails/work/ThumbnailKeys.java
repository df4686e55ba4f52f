package io.mediaedge.thumbnails.work;

/** Thumbnails live next to their original: the original's key, then the size. */
public final class ThumbnailKeys {
  private ThumbnailKeys() {}

  public static String of(String originalKey, int size) {
    return originalKey + ".thumb-" + size + ".jpg";
  }
}
