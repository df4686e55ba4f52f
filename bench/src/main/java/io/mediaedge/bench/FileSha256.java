package io.mediaedge.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a file that is sent in pieces, some of them more than once (a resumed upload
 * sends again what a cut lost). Each byte is hashed once, in file order: bytes at positions
 * already hashed are skipped, and a piece that would leave a gap is refused, so the digest is
 * always that of the file itself, never of what went over the wire.
 *
 * <p>Fed by one thread at a time; {@link #hex()} and {@link #hashed()} may be read from others.
 */
public final class FileSha256 {
  private final long size;
  private final MessageDigest sha256;
  private volatile long hashed;
  private volatile byte[] digest;

  public FileSha256(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    this.size = size;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (size == 0) {
      digest = sha256.digest();
    }
  }

  /** {@code bytes[off, off + len)} are the file's bytes from {@code position} on. */
  public synchronized void update(long position, byte[] bytes, int off, int len) {
    long done = hashed;
    if (position > done) {
      throw new IllegalStateException("bytes " + done + " to " + position + " were never hashed");
    }
    if (position + len > size) {
      throw new IllegalArgumentException("bytes past the end: " + (position + len) + " > " + size);
    }
    long skip = done - position;
    if (skip >= len) {
      return;
    }
    sha256.update(bytes, off + (int) skip, len - (int) skip);
    hashed = position + len;
    if (hashed == size) {
      digest = sha256.digest();
    }
  }

  /** Bytes hashed so far: the file's first {@code hashed()} bytes. */
  public long hashed() {
    return hashed;
  }

  /** The hex SHA-256 of the whole file once every byte has been seen; null before. */
  public String hex() {
    byte[] d = digest;
    return d == null ? null : HexFormat.of().formatHex(d);
  }
}
