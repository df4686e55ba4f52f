package io.mediaedge.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Object keys are made by the server alone from the owner and a server-made media id: no client
 * string reaches a key. The hashed owner prefix spreads keys over S3's partitions and keeps user
 * ids out of bucket listings.
 */
public final class ObjectKeys {
  private ObjectKeys() {}

  public static String mediaKey(String owner, String mediaId) {
    return "media/" + ownerPrefix(owner) + "/" + mediaId;
  }

  /**
   * Where a resumable upload keeps the bytes past its last full part, next to the media it will
   * become and named by the offset they end at: a new tail never overwrites the one the stored
   * state still points to.
   */
  public static String tailKey(String owner, String uploadId, long endOffset) {
    return tailPrefix(owner, uploadId) + endOffset;
  }

  /** What every tail of one resumable upload's key starts with, whichever state wrote it. */
  public static String tailPrefix(String owner, String uploadId) {
    return mediaKey(owner, uploadId) + ".tail-";
  }

  static String ownerPrefix(String owner) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(("media-edge/owner/" + owner).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
