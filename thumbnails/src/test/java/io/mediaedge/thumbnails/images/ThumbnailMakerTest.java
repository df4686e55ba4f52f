package io.mediaedge.thumbnails.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.devstack.SampleImages;
import io.mediaedge.devstack.SampleVideos;
import io.mediaedge.thumbnails.images.RefusedImage.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ThumbnailMakerTest {
  private static final long MAX_PIXELS = 50_000_000L;
  private static final long MAX_BYTES = 64L << 20;

  private static ThumbnailMaker maker() {
    return new ThumbnailMaker(MAX_PIXELS, MAX_BYTES, 0.85f);
  }

  private static BufferedImage read(byte[] jpeg) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(jpeg));
  }

  @ParameterizedTest
  @ValueSource(strings = {"jpg", "png", "gif", "bmp", "tiff"})
  void everyFormatWeCanWriteBecomesJpegThumbnailsWithItsProportions(String format) throws Exception {
    byte[] original = SampleImages.encoded(format, 1600, 900);
    List<Rendition> made = maker().make(new ByteArrayInputStream(original), List.of(200, 800));
    assertEquals(2, made.size());
    assertEquals(200, made.get(0).width());
    assertEquals(113, made.get(0).height());
    assertEquals(800, made.get(1).width());
    assertEquals(450, made.get(1).height());
    for (Rendition rendition : made) {
      BufferedImage decoded = read(rendition.jpeg());
      assertEquals(rendition.width(), decoded.getWidth());
      assertEquals(rendition.height(), decoded.getHeight());
      assertEquals((byte) 0xFF, rendition.jpeg()[0]);
      assertEquals((byte) 0xD8, rendition.jpeg()[1]);
    }
  }

  @Test
  void aPortraitKeepsItsLongestSideAtTheSizeAndASmallImageIsNeverEnlarged() throws Exception {
    List<Rendition> portrait = maker().make(new ByteArrayInputStream(SampleImages.encoded("jpg", 600, 1200)),
        List.of(200, 800));
    assertEquals(List.of(100, 200), List.of(portrait.get(0).width(), portrait.get(0).height()));
    assertEquals(List.of(400, 800), List.of(portrait.get(1).width(), portrait.get(1).height()));
    List<Rendition> small = maker().make(new ByteArrayInputStream(SampleImages.encoded("png", 120, 80)),
        List.of(200, 800));
    assertEquals(List.of(120, 80), List.of(small.get(1).width(), small.get(1).height()));
  }

  @Test
  void aJpegIsTurnedUprightByItsExifOrientation() throws Exception {
    byte[] landscape = SampleImages.encoded("jpg", 1600, 900);
    // 6: the camera was held upright; shown turned a quarter clockwise, it is a portrait
    List<Rendition> turned = maker().make(new ByteArrayInputStream(SampleImages.withExifOrientation(landscape, 6)),
        List.of(200, 800));
    assertEquals(List.of(113, 200), List.of(turned.get(0).width(), turned.get(0).height()));
    BufferedImage decoded = read(turned.get(1).jpeg());
    assertEquals(List.of(450, 800), List.of(decoded.getWidth(), decoded.getHeight()));
    // 3: upside down keeps the proportions; 1: as stored
    List<Rendition> flipped = maker().make(new ByteArrayInputStream(SampleImages.withExifOrientation(landscape, 3)),
        List.of(200));
    assertEquals(List.of(200, 113), List.of(flipped.get(0).width(), flipped.get(0).height()));
    List<Rendition> plain = maker().make(new ByteArrayInputStream(SampleImages.withExifOrientation(landscape, 1)),
        List.of(200));
    assertEquals(List.of(200, 113), List.of(plain.get(0).width(), plain.get(0).height()));
  }

  /** A file of TwelveMonkeys' test jars (a test dependency: real files made by other programs). */
  private static byte[] sample(String resource) throws IOException {
    try (InputStream in = ThumbnailMakerTest.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("no " + resource + " on the test class path");
      }
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"webp/5.webp", "webp/1_webp_a.webp", "webp/2_webp_ll.webp", "jpeg/cmyk-sample.jpg",
      "jpeg/cmyk-sample-no-icc.jpg"})
  void realWebpAndCmykFilesBecomeThumbnailsWithTheirProportions(String resource) throws Exception {
    byte[] original = sample(resource);
    BufferedImage whole = read(original);
    List<Rendition> made = maker().make(new ByteArrayInputStream(original), List.of(200));
    double scale = Math.min(1.0, 200.0 / Math.max(whole.getWidth(), whole.getHeight()));
    assertEquals(Math.round(whole.getWidth() * scale), made.get(0).width(), resource);
    assertEquals(Math.round(whole.getHeight() * scale), made.get(0).height(), resource);
    assertEquals(made.get(0).width(), read(made.get(0).jpeg()).getWidth());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void cameraFilesWithEveryExifOrientationComeOutUpright(int orientation) throws Exception {
    // The samples show an upright portrait (and landscape) stored in each of the eight ways.
    Rendition portrait = maker().make(new ByteArrayInputStream(sample("exif/Portrait_" + orientation + ".jpg")),
        List.of(200)).get(0);
    assertTrue(portrait.height() > portrait.width(), "Portrait_" + orientation + ": " + portrait);
    Rendition landscape = maker().make(new ByteArrayInputStream(sample("exif/Landscape_" + orientation + ".jpg")),
        List.of(200)).get(0);
    assertTrue(landscape.width() > landscape.height(), "Landscape_" + orientation + ": " + landscape);
  }

  @ParameterizedTest
  @ValueSource(strings = {"broken-adobe-marker-bad-length.jpg", "broken-no-sof-ascii-transfer-mode.jpg",
      "broken-bogus-segment-length.jpg", "broken-invalid-adobe-ycc-gray.jpg",
      "broken-adobe-segment-length-beyond-eof.jpg", "broken-sos-before-sof.jpg",
      "514b20dc-02a8-11e7-92c6-d4fed7b4ebb1.jpg", "516c2778-02a8-11e7-9d50-e916ce831200.jpg",
      "513f29d0-02a8-11e7-9756-6035edb96e79.jpg", "515e763c-02a8-11e7-85fb-573b41201f05.jpg",
      "51432b02-02a8-11e7-9203-b42b1c43c0c3.jpg", "514e4122-02a8-11e7-8c03-0830d60cd585.jpg",
      "5145e95a-02a8-11e7-8372-4787a7307ab8.jpg", "514c48ea-02a8-11e7-8789-bb75321f404f.jpg"})
  void brokenJpegsGiveThumbnailsOrARefusalNeverAnythingElse(String name) throws Exception {
    byte[] broken = sample("broken-jpeg/" + name);
    try {
      List<Rendition> made = maker().make(new ByteArrayInputStream(broken), List.of(200));
      assertEquals(1, made.size());
      assertTrue(made.get(0).jpeg().length > 0);
    } catch (RefusedImage refused) {
      assertTrue(refused.reason() == Reason.UNREADABLE || refused.reason() == Reason.TOO_MANY_PIXELS
          || refused.reason() == Reason.UNSUPPORTED_FORMAT, name + ": " + refused.getMessage());
    }
  }

  @Test
  void aBombIsRefusedFromItsHeaderInMilliseconds() throws Exception {
    byte[] bomb = SampleImages.pngClaiming(20_000, 20_000);
    assertTrue(bomb.length < 1_000, "a few hundred bytes claiming 400 megapixels: " + bomb.length);
    long started = System.nanoTime();
    RefusedImage refused = assertThrows(RefusedImage.class,
        () -> maker().make(new ByteArrayInputStream(bomb), List.of(200, 800)));
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(Reason.TOO_MANY_PIXELS, refused.reason(), refused.getMessage());
    assertTrue(millis < 1_000, "refused in " + millis + " ms");
  }

  @Test
  void truncatedUnknownAndOversizedInputsAreRefusedWithTheirReason() throws Exception {
    byte[] jpeg = SampleImages.encoded("jpg", 800, 600);
    RefusedImage cut = assertThrows(RefusedImage.class,
        () -> maker().make(new ByteArrayInputStream(Arrays.copyOf(jpeg, 20)), List.of(200)));
    assertEquals(Reason.UNREADABLE, cut.reason(), cut.getMessage());
    RefusedImage text = assertThrows(RefusedImage.class,
        () -> maker().make(new ByteArrayInputStream("not an image at all".getBytes()), List.of(200)));
    assertEquals(Reason.UNSUPPORTED_FORMAT, text.reason(), text.getMessage());
    RefusedImage big = assertThrows(RefusedImage.class,
        () -> new ThumbnailMaker(MAX_PIXELS, 1_000, 0.85f).make(new ByteArrayInputStream(jpeg), List.of(200)));
    assertEquals(Reason.TOO_LARGE, big.reason(), big.getMessage());
    // a PNG's bytes behind a JPEG's name make no difference: the bytes decide
    List<Rendition> png = maker().make(new ByteArrayInputStream(SampleImages.encoded("png", 300, 300)), List.of(200));
    assertEquals(200, png.get(0).width());
  }

  /** A video on disk, opened as the seekable channel the maker reads (the worker's reads S3 in ranges). */
  private static java.nio.channels.SeekableByteChannel channel(byte[] bytes) throws IOException {
    java.nio.file.Path file = java.nio.file.Files.write(videos.resolve("v" + System.nanoTime() + ".mp4"), bytes);
    return java.nio.file.Files.newByteChannel(file);
  }

  @org.junit.jupiter.api.io.TempDir
  static java.nio.file.Path videos;

  @Test
  void aVideoGivesItsFrameAtOneSecondAndGarbageIsRefused() throws Exception {
    byte[] mp4 = SampleVideos.mp4(640, 360, 40);
    List<Rendition> made = maker().makeFromVideo(channel(mp4), List.of(200, 800));
    assertEquals(List.of(200, 113), List.of(made.get(0).width(), made.get(0).height()));
    // never larger than the video
    assertEquals(List.of(640, 360), List.of(made.get(1).width(), made.get(1).height()));
    assertEquals(640, read(made.get(1).jpeg()).getWidth());
    byte[] notAVideo = Arrays.copyOf("definitely not an mp4 file".getBytes(), 4096);
    RefusedImage refused = assertThrows(RefusedImage.class,
        () -> maker().makeFromVideo(channel(notAVideo), List.of(200)));
    assertTrue(refused.reason() == Reason.UNSUPPORTED_FORMAT || refused.reason() == Reason.UNREADABLE,
        refused.getMessage());
    RefusedImage cut = assertThrows(RefusedImage.class,
        () -> maker().makeFromVideo(channel(Arrays.copyOf(mp4, mp4.length / 3)), List.of(200)));
    assertTrue(cut.reason() == Reason.UNSUPPORTED_FORMAT || cut.reason() == Reason.UNREADABLE, cut.getMessage());
  }

  @Test
  void aDecodeCanBeAbortedFromAnotherThread() throws Exception {
    ThumbnailMaker maker = maker();
    byte[] jpeg = SampleImages.encoded("jpg", 4000, 3000);
    // A source that stalls half way, as a slow S3 read would, until the abort is in.
    InputStream stalling = new InputStream() {
      private final ByteArrayInputStream bytes = new ByteArrayInputStream(jpeg);
      private int served;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] buffer, int offset, int length) {
        if (served > jpeg.length / 2) {
          maker.abort();
        }
        int n = bytes.read(buffer, offset, Math.min(length, 4096));
        served += Math.max(0, n);
        return n;
      }
    };
    RefusedImage refused = assertThrows(RefusedImage.class, () -> maker.make(stalling, List.of(200)));
    assertEquals(Reason.TIMED_OUT, refused.reason(), refused.getMessage());
  }
}
