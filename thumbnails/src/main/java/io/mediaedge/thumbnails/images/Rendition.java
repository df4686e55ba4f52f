package io.mediaedge.thumbnails.images;

/** One thumbnail: the size asked for (longest side), what it came out as, and its JPEG bytes. */
public record Rendition(int size, int width, int height, byte[] jpeg) {
  public static final String CONTENT_TYPE = "image/jpeg";
}
