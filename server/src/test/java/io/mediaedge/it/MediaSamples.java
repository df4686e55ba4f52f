package io.mediaedge.it;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/** Test bodies: a real media signature followed by seeded random bytes. */
public final class MediaSamples {
  private MediaSamples() {}

  /** The start of an MP4 file: an ftyp box with brand isom. */
  public static final byte[] MP4_HEAD = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0,
      'i', 's', 'o', 'm', 'm', 'p', '4', '1'};
  public static final byte[] JPEG_HEAD = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10, 'J', 'F', 'I',
      'F', 0};
  public static final byte[] PNG_HEAD = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H',
      'D', 'R'};

  /** {@code size} bytes: {@code head}, then random bytes from {@code seed}. */
  public static byte[] withHead(byte[] head, int size, long seed) {
    byte[] body = new byte[size];
    new Random(seed).nextBytes(body);
    System.arraycopy(head, 0, body, 0, Math.min(head.length, size));
    return body;
  }

  public static byte[] mp4(int size) {
    return withHead(MP4_HEAD, size, size);
  }

  public static byte[] jpeg(int size) {
    return withHead(JPEG_HEAD, size, size + 1);
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A stream that hands out {@code bytes} in small reads, like a client producing data live. */
  public static InputStream trickle(byte[] bytes, int readSize) {
    return new InputStream() {
      private int position;

      @Override
      public int read() {
        return position < bytes.length ? bytes[position++] & 0xFF : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (position >= bytes.length) {
          return -1;
        }
        int n = Math.min(Math.min(len, readSize), bytes.length - position);
        System.arraycopy(bytes, position, b, off, n);
        position += n;
        return n;
      }
    };
  }
}
