package io.mediaedge.tus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * SHA-256 (FIPS 180-4) whose intermediate state can be exported and restored, so the hash of a
 * resumable upload can continue across requests and server instances. The JDK's
 * {@code MessageDigest} can be cloned but not serialised, which is why this class exists.
 *
 * <p>Not thread-safe: one upload, one owner at a time.
 *
 * <p>Exported form, version 1 ({@link #export()}), big-endian throughout:
 *
 * <pre>
 *   offset  size  field
 *   0       1     version (1)
 *   1       32    the eight working hash words H0..H7
 *   33      8     total bytes hashed so far (0 .. 2^61-1)
 *   41      n     the pending partial block, n = total mod 64 (0..63)
 * </pre>
 */
public final class Sha256State implements ResumableSha256 {

  /** Version byte written by {@link #export()}; {@link #restore} accepts only this one. */
  public static final byte EXPORT_VERSION = 1;

  /** Size of the digest in bytes. */
  public static final int DIGEST_LENGTH = 32;

  /** SHA-256 hashes messages shorter than 2^64 bits, i.e. 2^61 bytes. */
  public static final long MAX_LENGTH = (1L << 61) - 1;

  private static final int BLOCK = 64;
  private static final int HEADER = 1 + 8 * 4 + 8;

  /** FIPS 180-4 §5.3.3: fractional parts of the square roots of the first 8 primes. */
  private static final int[] INITIAL = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  };

  /** FIPS 180-4 §4.2.2: fractional parts of the cube roots of the first 64 primes. */
  private static final int[] K = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  };

  // Big-endian int reads straight from the caller's array or buffer, whatever the buffer's order.
  private static final VarHandle INT_FROM_ARRAY =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT_FROM_BUFFER =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_FROM_ARRAY =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private int h0;
  private int h1;
  private int h2;
  private int h3;
  private int h4;
  private int h5;
  private int h6;
  private int h7;
  private long length;
  // Bytes of the block being filled; how many are valid is length mod 64.
  private final byte[] pending = new byte[BLOCK];
  // Message schedule scratch, reused by every block so updates do not allocate.
  private final int[] w = new int[64];

  /** A fresh state: nothing hashed yet. */
  public Sha256State() {
    h0 = INITIAL[0];
    h1 = INITIAL[1];
    h2 = INITIAL[2];
    h3 = INITIAL[3];
    h4 = INITIAL[4];
    h5 = INITIAL[5];
    h6 = INITIAL[6];
    h7 = INITIAL[7];
  }

  /** Bytes hashed so far. */
  public long length() {
    return length;
  }

  /** Hashes {@code len} bytes of {@code b} from {@code off}. */
  public void update(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    absorb(b, null, off, len);
  }

  /**
   * Hashes the bytes between the buffer's position and its limit. The buffer is left exactly as
   * it was: position, limit, mark and byte order do not change (unlike
   * {@code MessageDigest.update(ByteBuffer)}, which consumes it), so the caller can still write
   * the same bytes elsewhere. Heap, read-only and direct buffers are read in place.
   */
  @Override
  public void update(ByteBuffer buffer) {
    int position = buffer.position();
    int remaining = buffer.limit() - position;
    if (buffer.hasArray()) {
      absorb(buffer.array(), null, buffer.arrayOffset() + position, remaining);
    } else {
      absorb(null, buffer, position, remaining);
    }
  }

  /** An independent state with the same bytes hashed. */
  public Sha256State copy() {
    Sha256State c = new Sha256State();
    c.h0 = h0;
    c.h1 = h1;
    c.h2 = h2;
    c.h3 = h3;
    c.h4 = h4;
    c.h5 = h5;
    c.h6 = h6;
    c.h7 = h7;
    c.length = length;
    System.arraycopy(pending, 0, c.pending, 0, pendingCount());
    return c;
  }

  /**
   * The SHA-256 of everything hashed so far. Padding is applied to a copy, so this state is
   * unchanged and further {@code update} calls continue the same message.
   */
  @Override
  public byte[] digest() {
    return copy().finish();
  }

  /** The state in the versioned form described in the class comment (41 to 104 bytes). */
  @Override
  public byte[] export() {
    int n = pendingCount();
    ByteBuffer out = ByteBuffer.allocate(HEADER + n); // big-endian by default
    out.put(EXPORT_VERSION);
    out.putInt(h0).putInt(h1).putInt(h2).putInt(h3).putInt(h4).putInt(h5).putInt(h6).putInt(h7);
    out.putLong(length);
    out.put(pending, 0, n);
    return out.array();
  }

  /**
   * Rebuilds a state from {@link #export()}'s output.
   *
   * @throws IllegalArgumentException when the bytes are not a well-formed version-1 export: null,
   *     truncated, oversized, another version, a length out of range, a pending block that does
   *     not match the length, or hash words that cannot belong to a message under 64 bytes
   */
  public static Sha256State restore(byte[] exported) {
    if (exported == null) {
      throw malformed("no bytes");
    }
    if (exported.length < HEADER) {
      throw malformed("truncated (" + exported.length + " bytes, at least " + HEADER + " needed)");
    }
    if (exported[0] != EXPORT_VERSION) {
      throw malformed("unsupported version " + (exported[0] & 0xff));
    }
    long length = (long) LONG_FROM_ARRAY.get(exported, HEADER - 8);
    if (length < 0 || length > MAX_LENGTH) {
      throw malformed("length out of range");
    }
    int expected = HEADER + (int) (length & (BLOCK - 1));
    if (exported.length != expected) {
      throw malformed("pending block holds " + (exported.length - HEADER)
          + " bytes but the length " + length + " needs " + (expected - HEADER));
    }
    Sha256State s = new Sha256State();
    int[] h = new int[8];
    for (int i = 0; i < 8; i++) {
      h[i] = (int) INT_FROM_ARRAY.get(exported, 1 + 4 * i);
    }
    // Before the first full block no compression has run, so the words must still be the IV.
    if (length < BLOCK && !Arrays.equals(h, INITIAL)) {
      throw malformed("hash words changed before the first full block");
    }
    s.h0 = h[0];
    s.h1 = h[1];
    s.h2 = h[2];
    s.h3 = h[3];
    s.h4 = h[4];
    s.h5 = h[5];
    s.h6 = h[6];
    s.h7 = h[7];
    s.length = length;
    System.arraycopy(exported, HEADER, s.pending, 0, expected - HEADER);
    return s;
  }

  private static IllegalArgumentException malformed(String why) {
    return new IllegalArgumentException("malformed SHA-256 state: " + why);
  }

  private int pendingCount() {
    return (int) (length & (BLOCK - 1));
  }

  /**
   * The one update path for both sources: exactly one of {@code array} and {@code buffer} is
   * non-null, and {@code off} indexes into it. Whole blocks are compressed in place; only the
   * ragged ends go through {@link #pending}.
   */
  private void absorb(byte[] array, ByteBuffer buffer, int off, int len) {
    if (len == 0) {
      return;
    }
    if (len > MAX_LENGTH - length) {
      throw new IllegalStateException("SHA-256 input limit of 2^61-1 bytes exceeded");
    }
    int fill = pendingCount();
    length += len;
    if (fill > 0) {
      int take = Math.min(BLOCK - fill, len);
      copyOut(array, buffer, off, pending, fill, take);
      off += take;
      len -= take;
      if (fill + take < BLOCK) {
        return;
      }
      loadBlock(pending, 0);
      compress();
    }
    while (len >= BLOCK) {
      if (array != null) {
        loadBlock(array, off);
      } else {
        loadBlock(buffer, off);
      }
      compress();
      off += BLOCK;
      len -= BLOCK;
    }
    if (len > 0) {
      copyOut(array, buffer, off, pending, 0, len);
    }
  }

  private static void copyOut(byte[] array, ByteBuffer buffer, int off, byte[] to, int at, int n) {
    if (array != null) {
      System.arraycopy(array, off, to, at, n);
    } else {
      buffer.get(off, to, at, n); // absolute bulk get: leaves the position alone
    }
  }

  private void loadBlock(byte[] b, int off) {
    int[] w = this.w;
    for (int i = 0; i < 16; i++) {
      w[i] = (int) INT_FROM_ARRAY.get(b, off + 4 * i);
    }
  }

  private void loadBlock(ByteBuffer b, int off) {
    int[] w = this.w;
    for (int i = 0; i < 16; i++) {
      w[i] = (int) INT_FROM_BUFFER.get(b, off + 4 * i);
    }
  }

  /** Pads, hashes the length and returns the digest; this state is spent afterwards. */
  private byte[] finish() {
    long bits = length << 3;
    int n = pendingCount();
    byte[] p = pending;
    p[n++] = (byte) 0x80;
    if (n > BLOCK - 8) {
      Arrays.fill(p, n, BLOCK, (byte) 0);
      loadBlock(p, 0);
      compress();
      n = 0;
    }
    Arrays.fill(p, n, BLOCK - 8, (byte) 0);
    for (int i = 0; i < 8; i++) {
      p[BLOCK - 1 - i] = (byte) (bits >>> (8 * i));
    }
    loadBlock(p, 0);
    compress();
    return ByteBuffer.allocate(DIGEST_LENGTH)
        .putInt(h0).putInt(h1).putInt(h2).putInt(h3).putInt(h4).putInt(h5).putInt(h6).putInt(h7)
        .array();
  }

  /** FIPS 180-4 §6.2.2 on the 16 words in {@link #w}. */
  private void compress() {
    int[] w = this.w;
    for (int t = 16; t < 64; t++) {
      int x = w[t - 15];
      int y = w[t - 2];
      int s0 = Integer.rotateRight(x, 7) ^ Integer.rotateRight(x, 18) ^ (x >>> 3);
      int s1 = Integer.rotateRight(y, 17) ^ Integer.rotateRight(y, 19) ^ (y >>> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    int[] k = K;
    int a = h0;
    int b = h1;
    int c = h2;
    int d = h3;
    int e = h4;
    int f = h5;
    int g = h6;
    int h = h7;
    // Eight rounds per pass with the variable roles rotated by name instead of by moving values:
    // after round i the new 'a' lives in the variable that held 'h', and the new 'e' in 'd'.
    for (int t = 0; t < 64; t += 8) {
      int t1 = h + sum1(e) + ch(e, f, g) + k[t] + w[t];
      d += t1;
      h = t1 + sum0(a) + maj(a, b, c);
      t1 = g + sum1(d) + ch(d, e, f) + k[t + 1] + w[t + 1];
      c += t1;
      g = t1 + sum0(h) + maj(h, a, b);
      t1 = f + sum1(c) + ch(c, d, e) + k[t + 2] + w[t + 2];
      b += t1;
      f = t1 + sum0(g) + maj(g, h, a);
      t1 = e + sum1(b) + ch(b, c, d) + k[t + 3] + w[t + 3];
      a += t1;
      e = t1 + sum0(f) + maj(f, g, h);
      t1 = d + sum1(a) + ch(a, b, c) + k[t + 4] + w[t + 4];
      h += t1;
      d = t1 + sum0(e) + maj(e, f, g);
      t1 = c + sum1(h) + ch(h, a, b) + k[t + 5] + w[t + 5];
      g += t1;
      c = t1 + sum0(d) + maj(d, e, f);
      t1 = b + sum1(g) + ch(g, h, a) + k[t + 6] + w[t + 6];
      f += t1;
      b = t1 + sum0(c) + maj(c, d, e);
      t1 = a + sum1(f) + ch(f, g, h) + k[t + 7] + w[t + 7];
      e += t1;
      a = t1 + sum0(b) + maj(b, c, d);
    }
    h0 += a;
    h1 += b;
    h2 += c;
    h3 += d;
    h4 += e;
    h5 += f;
    h6 += g;
    h7 += h;
  }

  private static int sum0(int x) {
    return Integer.rotateRight(x, 2) ^ Integer.rotateRight(x, 13) ^ Integer.rotateRight(x, 22);
  }

  private static int sum1(int x) {
    return Integer.rotateRight(x, 6) ^ Integer.rotateRight(x, 11) ^ Integer.rotateRight(x, 25);
  }

  /** (x AND y) XOR (NOT x AND z), written with one operation fewer. */
  private static int ch(int x, int y, int z) {
    return z ^ (x & (y ^ z));
  }

  /** Majority of x, y, z, written with one operation fewer. */
  private static int maj(int x, int y, int z) {
    return (x & y) | (z & (x | y));
  }
}
