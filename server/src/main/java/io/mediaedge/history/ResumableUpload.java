package io.mediaedge.history;

import io.mediaedge.eventschema.Origin;
import java.time.Instant;

/**
 * The durable state of one resumable upload: enough for any instance to continue it. Immutable;
 * every change makes a new version that is written with a compare-and-set on {@code version}.
 *
 * @param length the declared length, or -1 while deferred
 * @param durableOffset bytes made durable: the parts {@code storageState} lists plus the tail object
 * @param storageState what the storage needs to continue assembling {@code objectKey} from the parts
 *     written so far (see {@code storage.AssembledObjects}); opaque here, kept and handed back as is
 * @param tailKey the object holding the {@code tailLength} bytes past the last full part, or null
 * @param hashState the SHA-256 state over the first {@code durableOffset} bytes
 * @param metadata the {@code Upload-Metadata} header given at creation, as sent
 * @param reservedBytes the quota held for this upload
 * @param finished true once the media is recorded (the row stays until expiry so a client that
 *     asks again learns the upload is complete)
 */
public record ResumableUpload(String uploadId, String owner, String region, String contentType, long length,
    long durableOffset, long partSize, String objectKey, String storageState, String tailKey, long tailLength,
    byte[] hashState, String metadata, Origin origin, long reservedBytes, Instant createdAt, Instant expiresAt,
    boolean finished, long version) {

  public ResumableUpload {
    hashState = hashState.clone();
  }

  public boolean deferred() {
    return length < 0;
  }

  public boolean complete() {
    return length >= 0 && durableOffset == length;
  }

  /** The next version after a PATCH made more bytes durable. */
  public ResumableUpload progressed(long newOffset, String newStorageState, String newTailKey, long newTailLength,
      byte[] newHashState, Instant newExpiresAt) {
    return new ResumableUpload(uploadId, owner, region, contentType, length, newOffset, partSize, objectKey,
        newStorageState, newTailKey, newTailLength, newHashState, metadata, origin, reservedBytes, createdAt,
        newExpiresAt, finished, version + 1);
  }

  /** The next version with a length declared late (creation-defer-length) and its quota hold. */
  public ResumableUpload withLength(long newLength, long newReservedBytes) {
    return new ResumableUpload(uploadId, owner, region, contentType, newLength, durableOffset, partSize, objectKey,
        storageState, tailKey, tailLength, hashState, metadata, origin, newReservedBytes, createdAt, expiresAt,
        finished, version + 1);
  }

  /** The next version once the media is recorded. */
  public ResumableUpload markFinished() {
    return new ResumableUpload(uploadId, owner, region, contentType, length, durableOffset, partSize, objectKey,
        storageState, null, 0, hashState, metadata, origin, reservedBytes, createdAt, expiresAt, true, version + 1);
  }
}
