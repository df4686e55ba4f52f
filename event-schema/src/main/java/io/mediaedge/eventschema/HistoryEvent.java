package io.mediaedge.eventschema;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the media history: a value of the history topic (key = user id) and a history row.
 * {@code eventId} is stable across retries so consumers can drop duplicates (delivery is at least
 * once). Build events with the factories: each one fixes what its action implies (the status of an
 * upload or a delete, the empty digest of a failure), so call sites cannot mix them up.
 *
 * <p>The JSON form ({@link HistoryEventJson}, {@code history-event.schema.json}) is the contract
 * with consumers: fields may be added within a {@link #SCHEMA_VERSION} (consumers ignore what they
 * don't know); renaming or removing one, or changing its meaning, needs a new version.
 *
 * @param mediaId null only for an {@link Action#UPLOAD_FAILED} that failed before it got an id
 * @param contentLength bytes stored (upload, delete), served (download) or declared (failed upload)
 * @param status the HTTP status answered ("201", "204", "206"…) or, for a failed upload, the error code
 * @param origin where the request this event is about came from (a download's or delete's own request,
 *     not the upload's)
 */
public record HistoryEvent(String eventId, Instant occurredAt, Action action, String userId, String mediaId,
    String contentType, long contentLength, String sha256, String status, long latencyMs, Origin origin) {

  /** The version of the JSON form, written into every event as {@code schemaVersion}. */
  public static final int SCHEMA_VERSION = 1;

  /** The status of every recorded upload: it is answered 201 Created. */
  public static final String UPLOAD_STATUS = "201";
  /** The status of every recorded delete: it is answered 204 No Content. */
  public static final String DELETE_STATUS = "204";

  public enum Action { UPLOAD, DOWNLOAD, DELETE, UPLOAD_FAILED }

  public HistoryEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(origin, "origin");
  }

  /** A finished upload of {@code size} bytes, answered 201. */
  public static HistoryEvent upload(String eventId, Instant occurredAt, String userId, String mediaId,
      String contentType, long size, String sha256, long latencyMs, Origin origin) {
    return new HistoryEvent(eventId, occurredAt, Action.UPLOAD, userId, mediaId, contentType, size, sha256,
        UPLOAD_STATUS, latencyMs, origin);
  }

  /**
   * An upload refused or cut off with {@code errorCode} (e.g. {@code MEDIA_TOO_LARGE}); nothing was
   * stored, so there is no digest and the length is the one the client declared (0 if none).
   */
  public static HistoryEvent failed(String eventId, Instant occurredAt, String userId, String mediaId,
      String contentType, long declaredLength, String errorCode, long latencyMs, Origin origin) {
    return new HistoryEvent(eventId, occurredAt, Action.UPLOAD_FAILED, userId, mediaId, contentType,
        declaredLength, "", errorCode, latencyMs, origin);
  }

  /** A download of {@code bytesServed} bytes of a media, answered {@code httpStatus} (200, 206, 304…). */
  public static HistoryEvent download(String eventId, Instant occurredAt, String userId, String mediaId,
      String contentType, long bytesServed, String sha256, int httpStatus, long latencyMs, Origin origin) {
    return new HistoryEvent(eventId, occurredAt, Action.DOWNLOAD, userId, mediaId, contentType, bytesServed,
        sha256, String.valueOf(httpStatus), latencyMs, origin);
  }

  /** The delete of a media of {@code size} bytes, answered 204. */
  public static HistoryEvent delete(String eventId, Instant occurredAt, String userId, String mediaId,
      String contentType, long size, String sha256, long latencyMs, Origin origin) {
    return new HistoryEvent(eventId, occurredAt, Action.DELETE, userId, mediaId, contentType, size, sha256,
        DELETE_STATUS, latencyMs, origin);
  }
}
