package io.mediaedge.bench;

import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A deterministic body of any length that exists only as it is read: a fixed head (e.g. an MP4
 * {@code ftyp} box), then the output of a seeded SplitMix64 generator. Bytes are made 64 KiB at a
 * time and hashed (SHA-256) as they are handed out, so a multi-gigabyte upload costs one small
 * block of memory and no disk.
 *
 * <p>Byte {@code i} depends only on the seed, the head and {@code i}, never on how the reader
 * slices its reads, so the same arguments always give the same bytes and the same hash. The
 * generator's state after {@code k} words is {@code seed + k * gamma}, so any range of the body can
 * be made without generating what comes before it ({@link #range}): that is how a resumed upload
 * starts again at the server's offset.
 *
 * <p>One reader at a time (the HTTP client reads it sequentially); {@link #position()},
 * {@link #sha256Hex()} and the timestamps may be read from other threads.
 */
public final class GeneratedBody extends InputStream {
  static final int BLOCK = 64 * 1024;
  /** SplitMix64's increment (the golden ratio in 64 bits). */
  private static final long GAMMA = 0x9E3779B97F4A7C15L;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final long size;
  private final byte[] head;
  private final long from;
  private final long end;
  private final byte[] block = new byte[BLOCK];
  private final FileSha256 hash;
  private long state;
  private long position;
  private int blockOffset = BLOCK;
  private volatile long progress;
  private volatile long firstReadNanos;
  private volatile long lastByteNanos;

  /** The whole body, hashed on its own. */
  public GeneratedBody(long size, long seed, byte[] head) {
    this(size, seed, head, 0, size, new FileSha256(size));
  }

  private GeneratedBody(long size, long seed, byte[] head, long from, long end, FileSha256 hash) {
    if (size < 0 || from < 0 || from > end || end > size) {
      throw new IllegalArgumentException("bytes " + from + " to " + end + " are not a range of a " + size
          + "-byte body");
    }
    this.size = size;
    this.head = head.clone();
    this.from = from;
    this.end = end;
    this.hash = hash;
    this.position = from;
    this.progress = from;
    long blockStart = from - from % BLOCK;
    this.state = seed + (blockStart / Long.BYTES) * GAMMA;
    if (blockStart != from) {
      refill();
      blockOffset = (int) (from - blockStart);
    }
  }

  /**
   * Bytes {@code [from, to)} of the body {@code size, seed, head} describe, exactly as a whole read
   * gives them at those positions, each fed to {@code hash} (which counts a byte once however often
   * it is sent, so after a resumed upload it holds the whole file's SHA-256).
   */
  public static GeneratedBody range(long size, long seed, byte[] head, long from, long to, FileSha256 hash) {
    return new GeneratedBody(size, seed, head, from, to, hash);
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

  /** The size of the whole body (a range may hand out less). */
  public long size() {
    return size;
  }

  /** Where the next byte handed out sits in the whole body (for the whole body: bytes handed out). */
  public long position() {
    return progress;
  }

  /** {@link System#nanoTime()} of the first read, or 0 before it. */
  public long firstReadNanos() {
    return firstReadNanos;
  }

  /** {@link System#nanoTime()} when the last byte (of this range) was handed out, or 0 before it. */
  public long lastByteNanos() {
    return lastByteNanos;
  }

  /** The hex SHA-256 of the whole body once all of it has been read (by this or earlier ranges); null before. */
  public String sha256Hex() {
    return hash.hex();
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    if (position >= end) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    if (position == from) {
      firstReadNanos = System.nanoTime();
    }
    int n = (int) Math.min(len, end - position);
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
      int headEnd = (int) Math.min(head.length, position + n);
      for (int i = (int) position; i < headEnd; i++) {
        b[off + i - (int) position] = head[i];
      }
    }
    hash.update(position, b, off, n);
    position += n;
    progress = position;
    if (position == end) {
      lastByteNanos = System.nanoTime();
    }
    return n;
  }

  @Override
  public int available() {
    return (int) Math.min(Integer.MAX_VALUE, Math.min(BLOCK, end - position));
  }

  private void refill() {
    for (int i = 0; i < BLOCK; i += Long.BYTES) {
      LONGS.set(block, i, next());
    }
    blockOffset = 0;
  }

  /** SplitMix64 (Steele, Lea, Flood 2014): fast, seedable, good enough to defeat compression. */
  private long next() {
    long z = state += GAMMA;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
