package io.mediaedge.history;

import java.time.Instant;
import java.util.Map;

/** A media row: the source of truth for who owns what and where its bytes are. */
public record MediaRecord(String owner, String mediaId, Status status, String contentType, long size, String sha256,
    String objectKey, String region, String country, String asn, Instant createdAt, Instant deletedAt,
    Map<String, String> properties) {

  public enum Status { ACTIVE, DELETING, DELETED }
}
