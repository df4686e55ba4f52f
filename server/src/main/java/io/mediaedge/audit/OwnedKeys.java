package io.mediaedge.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The object keys rows own, as 64-bit fingerprints in an open-addressing table: about 17 bytes a
 * key (fingerprint, expected size, a seen bit), so a shard of ten million media takes some 170 MB
 * and more shards make it smaller. Each key carries the size its object must have (or
 * {@link #ANY_SIZE}) and whether the listing has seen it.
 *
 * <p>Two keys sharing a fingerprint (about one pair in 10^11 among ten million keys) would let an
 * orphan pass for owned: the audit then misses that orphan, never deletes a live object.
 */
final class OwnedKeys {
  static final long ANY_SIZE = -1;
  /** What the expected size becomes once the listing showed another: its content is not worth reading. */
  static final long MISMATCHED = -2;
  private static final long EMPTY = 0;

  private long[] fingerprints = new long[1 << 10];
  private long[] sizes = new long[1 << 10];
  private long[] seen = new long[(1 << 10) / 64];
  private int count;

  /** Adds a key (a second add keeps the first size unless that was {@link #ANY_SIZE}). */
  void add(String key, long size) {
    if ((count + 1) * 4L > fingerprints.length * 3L) {
      grow();
    }
    long fp = fingerprint(key);
    int slot = slot(fp);
    if (fingerprints[slot] == EMPTY) {
      fingerprints[slot] = fp;
      sizes[slot] = size;
      count++;
    } else if (sizes[slot] == ANY_SIZE) {
      sizes[slot] = size;
    }
  }

  /** The size the key's object must have, {@link #ANY_SIZE}, or null when no row owns the key. */
  Long expectedSize(String key) {
    int slot = slot(fingerprint(key));
    return fingerprints[slot] == EMPTY ? null : sizes[slot];
  }

  boolean owns(String key) {
    return fingerprints[slot(fingerprint(key))] != EMPTY;
  }

  /** Marks the key's object as listed. */
  void markSeen(String key) {
    int slot = slot(fingerprint(key));
    if (fingerprints[slot] != EMPTY) {
      seen[slot >>> 6] |= 1L << slot;
    }
  }

  /** The key's object was listed with another size than its row's. */
  void markMismatched(String key) {
    int slot = slot(fingerprint(key));
    if (fingerprints[slot] != EMPTY) {
      sizes[slot] = MISMATCHED;
    }
  }

  boolean wasSeen(String key) {
    int slot = slot(fingerprint(key));
    return fingerprints[slot] != EMPTY && (seen[slot >>> 6] & (1L << slot)) != 0;
  }

  int size() {
    return count;
  }

  /** The slot holding {@code fp}, or the empty one where it would go. */
  private int slot(long fp) {
    int mask = fingerprints.length - 1;
    int slot = (int) (fp ^ (fp >>> 32)) & mask;
    while (fingerprints[slot] != EMPTY && fingerprints[slot] != fp) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private void grow() {
    long[] oldFingerprints = fingerprints;
    long[] oldSizes = sizes;
    long[] oldSeen = seen;
    fingerprints = new long[oldFingerprints.length * 2];
    sizes = new long[fingerprints.length];
    seen = new long[fingerprints.length / 64];
    for (int i = 0; i < oldFingerprints.length; i++) {
      if (oldFingerprints[i] != EMPTY) {
        int slot = slot(oldFingerprints[i]);
        fingerprints[slot] = oldFingerprints[i];
        sizes[slot] = oldSizes[i];
        if ((oldSeen[i >>> 6] & (1L << i)) != 0) {
          seen[slot >>> 6] |= 1L << slot;
        }
      }
    }
  }

  /** The key's SHA-256, first eight bytes; never {@link #EMPTY}. */
  static long fingerprint(String key) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      long fp = 0;
      for (int i = 0; i < 8; i++) {
        fp = (fp << 8) | (hash[i] & 0xFF);
      }
      return fp == EMPTY ? 1 : fp;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "OwnedKeys[" + count + " of " + fingerprints.length + ", seen " + Arrays.stream(seen).map(Long::bitCount)
        .sum() + "]";
  }
}
