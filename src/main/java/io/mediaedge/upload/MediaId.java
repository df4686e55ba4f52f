package io.mediaedge.upload;

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

  /** Whether a client-supplied id has our exact shape; anything else is simply not found. */
  public static boolean isValid(String id) {
    return id != null && FORMAT.matcher(id).matches();
  }
}
