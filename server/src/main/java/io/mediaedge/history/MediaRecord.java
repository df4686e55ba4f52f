package io.mediaedge.history;

import io.mediaedge.eventschema.Origin;
import java.time.Instant;

/**
 * A media row: the source of truth for who owns what and where its bytes are. {@code origin} is
 * where the upload came from, with the properties extracted from it.
 */
public record MediaRecord(String owner, String mediaId, Status status, String contentType, long size, String sha256,
    String objectKey, Instant createdAt, Instant deletedAt, Origin origin) {

  public enum Status { ACTIVE, DELETING, DELETED }
}
