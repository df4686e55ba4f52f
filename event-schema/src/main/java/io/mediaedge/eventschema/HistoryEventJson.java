package io.mediaedge.eventschema;

import static io.mediaedge.eventschema.JsonValues.instant;
import static io.mediaedge.eventschema.JsonValues.required;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The JSON form of a {@link HistoryEvent}: the value of a history-topic record and of a stored
 * history row, described by {@link #SCHEMA_RESOURCE}. Field names and order are the wire contract;
 * the origin's fields sit flat beside the event's.
 */
public final class HistoryEventJson {
  /** How refusals name what is read: "A history event has no …". */
  private static final String WHAT = "a history event";
  /** The JSON Schema (draft 2020-12) of an encoded event, on the class path of this module. */
  public static final String SCHEMA_RESOURCE = "/io/mediaedge/eventschema/history-event.schema.json";

  private HistoryEventJson() {}

  public static String encode(HistoryEvent event) {
    return JsonValues.object(json -> {
      json.writeNumberField("schemaVersion", HistoryEvent.SCHEMA_VERSION);
      json.writeStringField("eventId", event.eventId());
      json.writeStringField("occurredAt", event.occurredAt().toString());
      json.writeStringField("action", event.action().name());
      json.writeStringField("userId", event.userId());
      json.writeStringField("mediaId", event.mediaId());
      json.writeStringField("contentType", event.contentType());
      json.writeNumberField("contentLength", event.contentLength());
      json.writeStringField("sha256", event.sha256());
      json.writeStringField("status", event.status());
      json.writeNumberField("latencyMs", event.latencyMs());
      OriginJson.writeFields(json, event.origin());
    });
  }

  /**
   * Reads an event of this {@link HistoryEvent#SCHEMA_VERSION} or an older one. Fields it does not
   * know are ignored (newer writers add them within a version); a missing length or latency is 0, a
   * missing origin field "".
   *
   * @throws IllegalArgumentException when the JSON is malformed, lacks {@code eventId},
   *     {@code occurredAt}, {@code action} or {@code userId}, or is of a newer schema version
   */
  public static HistoryEvent decode(String json) {
    try (JsonParser parser = JsonValues.FACTORY.createParser(json)) {
      JsonValues.enterObject(parser, "a history event");
      return read(parser);
    } catch (IOException e) {
      throw new IllegalArgumentException("a history event is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static HistoryEvent read(JsonParser parser) throws IOException {
    long schemaVersion = HistoryEvent.SCHEMA_VERSION;
    String eventId = null;
    String occurredAt = null;
    String action = null;
    String userId = null;
    String mediaId = null;
    String contentType = null;
    long contentLength = 0;
    String sha256 = null;
    String status = null;
    long latencyMs = 0;
    OriginJson.Fields origin = new OriginJson.Fields();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      if (origin.read(name, parser)) {
        continue;
      }
      switch (name) {
        case "schemaVersion" -> schemaVersion = JsonValues.integer(parser);
        case "eventId" -> eventId = JsonValues.string(parser);
        case "occurredAt" -> occurredAt = JsonValues.string(parser);
        case "action" -> action = JsonValues.string(parser);
        case "userId" -> userId = JsonValues.string(parser);
        case "mediaId" -> mediaId = JsonValues.string(parser);
        case "contentType" -> contentType = JsonValues.string(parser);
        case "contentLength" -> contentLength = JsonValues.integer(parser);
        case "sha256" -> sha256 = JsonValues.string(parser);
        case "status" -> status = JsonValues.string(parser);
        case "latencyMs" -> latencyMs = JsonValues.integer(parser);
        default -> parser.skipChildren();
      }
    }
    if (schemaVersion > HistoryEvent.SCHEMA_VERSION) {
      // a new version renames or removes fields: reading it as this one would be silently wrong
      throw new IllegalArgumentException("history event " + eventId + " has schemaVersion " + schemaVersion
          + "; this reader knows up to " + HistoryEvent.SCHEMA_VERSION);
    }
    return new HistoryEvent(required(WHAT, "eventId", eventId),
        instant("occurredAt", required(WHAT, "occurredAt", occurredAt)), action(required(WHAT, "action", action)),
        required(WHAT, "userId", userId), mediaId, contentType, contentLength, sha256, status, latencyMs,
        origin.origin());
  }



  private static HistoryEvent.Action action(String name) {
    try {
      return HistoryEvent.Action.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown history event action: " + name, e);
    }
  }
}
