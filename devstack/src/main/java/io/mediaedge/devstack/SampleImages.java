package io.mediaedge.devstack;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/**
 * Images for tests, benchmarks and demos, made at run time (nothing binary is committed): real
 * encodings by ImageIO's writers, and hand-made hostile ones.
 */
public final class SampleImages {
  private SampleImages() {}

  /** A gradient with a few shapes, so an encoder has something to encode. */
  public static BufferedImage picture(int width, int height, int type) {
    BufferedImage image = new BufferedImage(width, height, type);
    Graphics2D g = image.createGraphics();
    try {
      g.setPaint(new GradientPaint(0, 0, Color.ORANGE, width, height, Color.BLUE));
      g.fillRect(0, 0, width, height);
      g.setColor(Color.WHITE);
      g.fillOval(width / 4, height / 4, width / 2, height / 2);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** {@code format}: jpg, png, gif, bmp, tiff (what the JDK's and TwelveMonkeys' writers make). */
  public static byte[] encoded(String format, int width, int height) {
    int type = format.equals("png") ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(picture(width, height, type), format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * {@code jpeg} with an EXIF segment saying how to show it (1 as stored, 6 turned a quarter
   * clockwise, as a phone held upright writes it, 8 a quarter counter-clockwise, 3 upside down).
   */
  public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    ByteBuffer tiff = ByteBuffer.allocate(26);
    tiff.put(new byte[] {'I', 'I', 42, 0}).putInt(Integer.reverseBytes(8)) // little-endian, IFD0 at 8
        .putShort(Short.reverseBytes((short) 1)) // one entry
        .putShort(Short.reverseBytes((short) 0x0112)).putShort(Short.reverseBytes((short) 3)) // Orientation, SHORT
        .putInt(Integer.reverseBytes(1)).putShort(Short.reverseBytes((short) orientation)).putShort((short) 0)
        .putInt(0); // no next IFD
    byte[] exif = new byte[6 + tiff.capacity()];
    System.arraycopy("Exif\0\0".getBytes(StandardCharsets.US_ASCII), 0, exif, 0, 6);
    System.arraycopy(tiff.array(), 0, exif, 6, tiff.capacity());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2); // SOI
    out.write(0xFF);
    out.write(0xE1); // APP1
    out.writeBytes(ByteBuffer.allocate(2).putShort((short) (exif.length + 2)).array());
    out.writeBytes(exif);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  /**
   * A valid PNG whose header claims {@code width} x {@code height} pixels, with a few bytes of
   * pixel data: a decompression bomb's shape (a decoder that believed it would allocate it all).
   */
  public static byte[] pngClaiming(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", header.array());
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[4096]);
    deflater.finish();
    byte[] compressed = new byte[8192];
    int length = deflater.deflate(compressed);
    byte[] idat = new byte[length];
    System.arraycopy(compressed, 0, idat, 0, length);
    chunk(out, "IDAT", idat);
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(name);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
