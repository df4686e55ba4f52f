package io.mediaedge.thumbnails.images;

import io.mediaedge.thumbnails.images.RefusedImage.Reason;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import net.coobird.thumbnailator.Thumbnails;
import net.coobird.thumbnailator.util.exif.ExifFilterUtils;
import net.coobird.thumbnailator.util.exif.ExifUtils;
import net.coobird.thumbnailator.util.exif.Orientation;

/**
 * Makes thumbnails of one image read from a stream, defensively: the dimensions come from the
 * header before any pixel is decoded, and an image claiming more than {@code maxPixels} is refused
 * at once (a few hundred KB of PNG can claim 400 megapixels); the decode is subsampled to about
 * twice the largest size asked for, so its memory is bounded by the sizes, not by the original;
 * no temporary files (ImageIO's disk cache is off); and a decode can be aborted from another
 * thread ({@link #abort}), which the readers honour between rows.
 *
 * <p>Readers: the JDK's (PNG, GIF: its first frame, BMP, WBMP) and TwelveMonkeys' (JPEG with CMYK
 * and odd markers, WebP, TIFF), found by ImageIO from their bytes, not from the declared type. A
 * JPEG is turned upright by its EXIF orientation.
 */
public final class ThumbnailMaker {
  static {
    // Decoding must never write temporary files (and a read-only container has no place for them).
    ImageIO.setUseCache(false);
    ImageIO.scanForPlugins();
  }

  /**
   * A video is read in ranges, a frame's worth, never whole: it may be much larger than an image
   * (maxSourceBytes) and still cost a few MiB to read.
   */
  static final long VIDEO_SOURCE_FACTOR = 64;

  private final long maxPixels;
  private final long maxSourceBytes;
  private final float quality;
  /** The reader at work, so another thread can abort it. */
  private final AtomicReference<ImageReader> current = new AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicBoolean aborted = new java.util.concurrent.atomic.AtomicBoolean();

  /** One maker per decoding thread: it holds the reader at work. */
  public ThumbnailMaker(long maxPixels, long maxSourceBytes, float quality) {
    this.maxPixels = maxPixels;
    this.maxSourceBytes = maxSourceBytes;
    this.quality = quality;
  }

  /** Thumbnails of {@code source} with the longest side at most each of {@code sizes}; never larger than the original. */
  public List<Rendition> make(InputStream source, List<Integer> sizes) throws RefusedImage {
    Bounded bounded = new Bounded(source, maxSourceBytes);
    try {
      return make(bounded, sizes);
    } catch (RefusedImage e) {
      // The readers catch I/O errors while they probe the bytes, so an original cut off for its
      // size can also look unknown or unreadable: the count says what really happened.
      if (bounded.exceeded()) {
        throw new RefusedImage(Reason.TOO_LARGE, "more than " + maxSourceBytes + " bytes");
      }
      throw e;
    }
  }

  private List<Rendition> make(Bounded bounded, List<Integer> sizes) throws RefusedImage {
    try (bounded; ImageInputStream in = ImageIO.createImageInputStream(bounded)) {
      if (in == null) {
        throw new RefusedImage(Reason.UNREADABLE, "no image input stream");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new RefusedImage(Reason.UNSUPPORTED_FORMAT, "no reader knows these bytes");
      }
      ImageReader reader = readers.next();
      aborted.set(false);
      current.set(reader);
      try {
        // Metadata only for a JPEG, whose EXIF orientation is in its header segments. Other formats'
        // metadata can be hostile on its own (a PNG's compressed text chunks inflate in memory).
        boolean jpeg = "jpeg".equalsIgnoreCase(formatName(reader));
        reader.setInput(in, true, !jpeg);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width < 1 || height < 1 || (long) width * height > maxPixels) {
          throw new RefusedImage(Reason.TOO_MANY_PIXELS, width + " x " + height + " (at most " + maxPixels
              + " pixels)");
        }
        int largest = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        BufferedImage decoded = decode(reader, width, height, largest);
        if (aborted.get() || decoded == null) {
          // an aborted reader returns what it had decoded so far
          throw new RefusedImage(Reason.TIMED_OUT, "decode aborted");
        }
        Orientation orientation = jpeg ? orientation(reader) : Orientation.TOP_LEFT;
        BufferedImage upright = upright(opaque(decoded), orientation);
        boolean turned = turnsSideways(orientation);
        List<Rendition> out = new ArrayList<>();
        for (int size : sizes) {
          out.add(render(upright, size, turned ? height : width, turned ? width : height));
        }
        return out;
      } finally {
        current.set(null);
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      // Truncated or corrupt bytes, and the readers' own bugs on hostile input (they throw
      // IndexOutOfBounds, NegativeArraySize, IllegalArgument... on crafted files): all are "unreadable".
      throw new RefusedImage(Reason.UNREADABLE, e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (OutOfMemoryError e) {
      // Should not happen below maxPixels; if a reader still over-allocates, this image is refused
      // rather than the worker taken down (the heap is whole again once its arrays are gone).
      throw new RefusedImage(Reason.UNREADABLE, "the decoder ran out of memory");
    }
  }

  /**
   * Thumbnails of a video (MP4 or MOV, H.264): its frame at one second, read through a seekable
   * channel (ranged reads of the object), never the whole file.
   */
  public List<Rendition> makeFromVideo(java.nio.channels.SeekableByteChannel source, List<Integer> sizes)
      throws RefusedImage {
    try {
      if (source.size() > maxSourceBytes * VIDEO_SOURCE_FACTOR) {
        throw new RefusedImage(Reason.TOO_LARGE, "a video of more than " + maxSourceBytes * VIDEO_SOURCE_FACTOR
            + " bytes");
      }
      BufferedImage frame = opaque(VideoFrames.frame(source, maxPixels));
      List<Rendition> out = new ArrayList<>();
      for (int size : sizes) {
        out.add(render(frame, size, frame.getWidth(), frame.getHeight()));
      }
      return out;
    } catch (IOException e) {
      throw new RefusedImage(Reason.UNREADABLE, e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (OutOfMemoryError e) {
      throw new RefusedImage(Reason.UNREADABLE, "the decoder ran out of memory");
    }
  }

  /** Asks the decode in progress, if any, to stop; {@link #make} then refuses with TIMED_OUT. */
  public void abort() {
    ImageReader reader = current.get();
    if (reader != null) {
      aborted.set(true);
      reader.abort();
    }
  }

  /**
   * How a camera says its JPEG is to be shown (EXIF orientation): phones store the sensor's
   * pixels and a rotation. A JPEG without EXIF is shown as stored.
   */
  private static Orientation orientation(ImageReader reader) {
    try {
      Orientation found = ExifUtils.getExifOrientation(reader, 0);
      return found == null ? Orientation.TOP_LEFT : found;
    } catch (IOException | RuntimeException e) {
      // damaged EXIF is no reason to refuse the picture: show it as stored
      return Orientation.TOP_LEFT;
    }
  }

  private static String formatName(ImageReader reader) {
    try {
      return reader.getFormatName();
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean turnsSideways(Orientation orientation) {
    return orientation == Orientation.LEFT_TOP || orientation == Orientation.RIGHT_TOP
        || orientation == Orientation.RIGHT_BOTTOM || orientation == Orientation.LEFT_BOTTOM;
  }

  private static BufferedImage upright(BufferedImage image, Orientation orientation) {
    return orientation == Orientation.TOP_LEFT ? image
        : ExifFilterUtils.getFilterForOrientation(orientation).apply(image);
  }

  /** Decodes every {@code step}-th pixel, so the image is about twice the largest thumbnail across. */
  private static BufferedImage decode(ImageReader reader, int width, int height, int largest) throws IOException {
    ImageReadParam param = reader.getDefaultReadParam();
    int step = Math.max(1, Math.max(width, height) / (2 * largest));
    if (step > 1) {
      param.setSourceSubsampling(step, step, 0, 0);
    }
    return reader.read(0, param);
  }

  /** JPEG has no alpha: transparent pixels go on white, as browsers show them on a white page. */
  private static BufferedImage opaque(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB || image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      return image;
    }
    BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return rgb;
  }

  private Rendition render(BufferedImage image, int size, int originalWidth, int originalHeight) throws IOException {
    // the original's proportions, not the subsampled image's (subsampling rounds each side up)
    double scale = Math.min(1.0, (double) size / Math.max(originalWidth, originalHeight));
    int width = Math.max(1, (int) Math.round(originalWidth * scale));
    int height = Math.max(1, (int) Math.round(originalHeight * scale));
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    Thumbnails.of(image).forceSize(width, height).outputFormat("jpg").outputQuality(quality).toOutputStream(jpeg);
    return new Rendition(size, width, height, jpeg.toByteArray());
  }

  /** Fails the read once more than {@code max} bytes came through. */
  private static final class Bounded extends FilterInputStream {
    static final class TooLarge extends IOException {
      TooLarge() {
        super("source too large");
      }
    }

    private final long max;
    private long read;

    Bounded(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) throws TooLarge {
      read += n;
      if (read > max) {
        throw new TooLarge();
      }
    }

    boolean exceeded() {
      return read > max;
    }
  }
}
