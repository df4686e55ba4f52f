package io.mediaedge.bench;

import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A deterministic body of any length that exists only as it is read: a fixed head (e.g. an MP4
 * {@code ftyp} box), then the output of a seeded SplitMix64 generator. Bytes are made 64 KiB at a
 * time and hashed (SHA-256) as they are handed out, so a multi-gigabyte upload costs one small
 * block of memory and no disk.
 *
 * <p>Byte {@code i} depends only on the seed, the head and {@code i}, never on how the reader
 * slices its reads, so the same arguments always give the same bytes and the same hash.
 *
 * <p>One reader at a time (the HTTP client reads it sequentially); {@link #position()},
 * {@link #sha256Hex()} and the timestamps may be read from other threads.
 */
public final class GeneratedBody extends InputStream {
  static final int BLOCK = 64 * 1024;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final long size;
  private final byte[] head;
  private final byte[] block = new byte[BLOCK];
  private final MessageDigest sha256;
  private long state;
  private long position;
  private int blockOffset = BLOCK;
  private volatile long progress;
  private volatile long firstReadNanos;
  private volatile long lastByteNanos;
  private volatile byte[] digest;

  public GeneratedBody(long size, long seed, byte[] head) {
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    this.size = size;
    this.head = head.clone();
    this.state = seed;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (size == 0) {
      digest = sha256.digest();
    }
  }

  /** The SHA-256 (hex) of the body these arguments describe, computed by reading it through. */
  public static String sha256Hex(long size, long seed, byte[] head) {
    GeneratedBody body = new GeneratedBody(size, seed, head);
    byte[] buffer = new byte[BLOCK];
    while (body.read(buffer, 0, buffer.length) >= 0) {
      // reading is hashing
    }
    return body.sha256Hex();
  }

  public long size() {
    return size;
  }

  /** Bytes handed out so far. */
  public long position() {
    return progress;
  }

  /** {@link System#nanoTime()} of the first read, or 0 before it. */
  public long firstReadNanos() {
    return firstReadNanos;
  }

  /** {@link System#nanoTime()} when the last byte was handed out, or 0 before it. */
  public long lastByteNanos() {
    return lastByteNanos;
  }

  /** The hex SHA-256 of the whole body once it has been read to the end; null before. */
  public String sha256Hex() {
    byte[] d = digest;
    return d == null ? null : HexFormat.of().formatHex(d);
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    if (position >= size) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    if (position == 0) {
      firstReadNanos = System.nanoTime();
    }
    int n = (int) Math.min(len, size - position);
    int copied = 0;
    while (copied < n) {
      if (blockOffset == BLOCK) {
        refill();
      }
      int c = Math.min(n - copied, BLOCK - blockOffset);
      System.arraycopy(block, blockOffset, b, off + copied, c);
      blockOffset += c;
      copied += c;
    }
    if (position < head.length) {
      int end = (int) Math.min(head.length, position + n);
      for (int i = (int) position; i < end; i++) {
        b[off + i - (int) position] = head[i];
      }
    }
    sha256.update(b, off, n);
    position += n;
    progress = position;
    if (position == size) {
      lastByteNanos = System.nanoTime();
      digest = sha256.digest();
    }
    return n;
  }

  @Override
  public int available() {
    return (int) Math.min(Integer.MAX_VALUE, Math.min(BLOCK, size - position));
  }

  private void refill() {
    for (int i = 0; i < BLOCK; i += Long.BYTES) {
      LONGS.set(block, i, next());
    }
    blockOffset = 0;
  }

  /** SplitMix64 (Steele, Lea, Flood 2014): fast, seedable, good enough to defeat compression. */
  private long next() {
    long z = state += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
