package io.mediaedge.thumbnails.work;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What the worker reads and writes in Cassandra: the media row, and the thumbnails it made or could not. */
public interface Records {
  /** The media row as the upload recorded it: still ACTIVE, where its bytes are. */
  record Original(String objectKey, boolean active, String contentType) {}

  /** One thumbnail made: where it is and what it is. */
  record Made(int size, String objectKey, int width, int height, long bytes) {}

  Optional<Original> original(String owner, String mediaId) throws Exception;

  /** Sizes already made or refused for good: a redelivered event finds them and does nothing. */
  Set<Integer> settled(String owner, String mediaId) throws Exception;

  void made(String owner, String mediaId, Made thumbnail, Instant uploadedAt) throws Exception;

  /** "No thumbnail" for these sizes, with the reason, for the API and the dashboards. */
  void refused(String owner, String mediaId, List<Integer> sizes, String reason, Instant uploadedAt) throws Exception;
}
