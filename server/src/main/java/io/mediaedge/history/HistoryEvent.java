package io.mediaedge.history;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One entry of the media history, as stored in Cassandra and published to Kafka (key = user id).
 * {@code eventId} is stable across retries so consumers can drop duplicates (delivery is at least
 * once). The JSON form is the contract with dashboards: fields may be added within a
 * schemaVersion (consumers ignore what they don't know); renaming or removing one needs a new one.
 */
public record HistoryEvent(String eventId, Instant occurredAt, Action action, String userId, String mediaId,
    String contentType, long contentLength, String sha256, String status, long latencyMs, Origin origin) {

  public static final int SCHEMA_VERSION = 1;

  public enum Action { UPLOAD, DOWNLOAD, DELETE, UPLOAD_FAILED }

  /** The same event under another id and time (a retried delete derives both from the first). */
  public HistoryEvent withIdentity(String newEventId, Instant newOccurredAt) {
    return new HistoryEvent(newEventId, newOccurredAt, action, userId, mediaId, contentType, contentLength, sha256,
        status, latencyMs, origin);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("schemaVersion", SCHEMA_VERSION)
        .put("eventId", eventId)
        .put("occurredAt", occurredAt.toString())
        .put("action", action.name())
        .put("userId", userId)
        .put("mediaId", mediaId)
        .put("contentType", contentType)
        .put("contentLength", contentLength)
        .put("sha256", sha256)
        .put("status", status)
        .put("latencyMs", latencyMs);
    return origin.writeTo(json);
  }

  public static HistoryEvent fromJson(JsonObject json) {
    return new HistoryEvent(json.getString("eventId"), Instant.parse(json.getString("occurredAt")),
        Action.valueOf(json.getString("action")), json.getString("userId"), json.getString("mediaId"),
        json.getString("contentType"), json.getLong("contentLength", 0L), json.getString("sha256"),
        json.getString("status"), json.getLong("latencyMs", 0L), Origin.readFrom(json));
  }
}
