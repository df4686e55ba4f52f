package io.mediaedge.history;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/**
 * One entry of the media history, as stored in Cassandra and published to Kafka (key = user id).
 * {@code eventId} is stable across retries so consumers can drop duplicates (delivery is at least
 * once). The JSON form is the contract with dashboards: change it only with a new schemaVersion.
 */
public record HistoryEvent(String eventId, Instant occurredAt, Action action, String userId, String mediaId,
    String contentType, long contentLength, String sha256, String status, long latencyMs, String region, String pop,
    String country, String asn, String isp, Map<String, String> properties) {

  public static final int SCHEMA_VERSION = 1;

  public enum Action { UPLOAD, DOWNLOAD, DELETE, UPLOAD_FAILED }

  public JsonObject toJson() {
    JsonObject props = new JsonObject();
    properties.forEach(props::put);
    return new JsonObject()
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
        .put("latencyMs", latencyMs)
        .put("region", region)
        .put("pop", pop)
        .put("country", country)
        .put("asn", asn)
        .put("isp", isp)
        .put("properties", props);
  }

  public static HistoryEvent fromJson(JsonObject json) {
    JsonObject props = json.getJsonObject("properties", new JsonObject());
    Map<String, String> properties = new java.util.LinkedHashMap<>();
    props.forEach(e -> properties.put(e.getKey(), String.valueOf(e.getValue())));
    return new HistoryEvent(json.getString("eventId"), Instant.parse(json.getString("occurredAt")),
        Action.valueOf(json.getString("action")), json.getString("userId"), json.getString("mediaId"),
        json.getString("contentType"), json.getLong("contentLength", 0L), json.getString("sha256"),
        json.getString("status"), json.getLong("latencyMs", 0L), json.getString("region"), json.getString("pop"),
        json.getString("country"), json.getString("asn"), json.getString("isp"), Map.copyOf(properties));
  }
}
