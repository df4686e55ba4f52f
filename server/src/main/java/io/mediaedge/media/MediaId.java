package io.mediaedge.media;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Media ids are UUIDv7 (RFC 9562): time-ordered, so listings sort by creation for free, and
 * random enough (74 bits) that ids cannot be guessed.
 */
public final class MediaId {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern FORMAT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

  private MediaId() {}

  public static String next() {
    long millis = System.currentTimeMillis();
    long randA = RANDOM.nextInt(1 << 12);
    long msb = (millis << 16) | (0x7L << 12) | randA;
    long lsb = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb).toString();
  }

  /**
   * A UUIDv7 for {@code at} whose random bits come from {@code seed}: the same inputs give the same
   * id, so an event written again after a failure overwrites itself instead of doubling.
   */
  public static String derived(java.time.Instant at, String seed) {
    byte[] hash;
    try {
      hash = java.security.MessageDigest.getInstance("SHA-256").digest(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    java.nio.ByteBuffer bits = java.nio.ByteBuffer.wrap(hash);
    long msb = (at.toEpochMilli() << 16) | (0x7L << 12) | (bits.getShort() & 0xFFFL);
    long lsb = (bits.getLong(8) & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb).toString();
  }

  /** Whether a client-supplied id has our exact shape; anything else is simply not found. */
  public static boolean isValid(String id) {
    return id != null && FORMAT.matcher(id).matches();
  }
}
