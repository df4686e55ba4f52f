package io.mediaedge.eventschema;

import static io.mediaedge.eventschema.JsonValues.instant;
import static io.mediaedge.eventschema.JsonValues.required;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The JSON form of a {@link ThumbnailResult}, described by {@link #SCHEMA_RESOURCE}. */
public final class ThumbnailResultJson {
  private static final String WHAT = "a thumbnail result";
  /** The JSON Schema (draft 2020-12) of an encoded result, on the class path of this module. */
  public static final String SCHEMA_RESOURCE = "/io/mediaedge/eventschema/thumbnail-result.schema.json";

  private ThumbnailResultJson() {}

  public static String encode(ThumbnailResult result) {
    return JsonValues.object(json -> {
      json.writeNumberField("schemaVersion", ThumbnailResult.SCHEMA_VERSION);
      json.writeStringField("mediaId", result.mediaId());
      json.writeStringField("userId", result.userId());
      json.writeStringField("contentType", result.contentType());
      json.writeStringField("uploadedAt", result.uploadedAt().toString());
      json.writeStringField("settledAt", result.settledAt().toString());
      json.writeNumberField("lagMs", result.lag().toMillis());
      json.writeStringField("outcome", result.outcome().name());
      json.writeStringField("reason", result.reason());
      json.writeArrayFieldStart("sizes");
      for (int size : result.sizes()) {
        json.writeNumber(size);
      }
      json.writeEndArray();
      json.writeStringField("region", result.region());
    });
  }

  /**
   * Reads a result of this {@link ThumbnailResult#SCHEMA_VERSION} or an older one; unknown fields
   * are ignored ({@code lagMs} is derived, so it is not read back).
   *
   * @throws IllegalArgumentException when the JSON is malformed, lacks a required field, or is of a
   *     newer schema version
   */
  public static ThumbnailResult decode(String json) {
    try (JsonParser parser = JsonValues.FACTORY.createParser(json)) {
      JsonValues.enterObject(parser, WHAT);
      return read(parser);
    } catch (IOException e) {
      throw new IllegalArgumentException(WHAT + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static ThumbnailResult read(JsonParser parser) throws IOException {
    long schemaVersion = ThumbnailResult.SCHEMA_VERSION;
    String mediaId = null;
    String userId = null;
    String contentType = "";
    String uploadedAt = null;
    String settledAt = null;
    String outcome = null;
    String reason = "";
    List<Integer> sizes = List.of();
    String region = "";
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      switch (name) {
        case "schemaVersion" -> schemaVersion = JsonValues.integer(parser);
        case "mediaId" -> mediaId = JsonValues.string(parser);
        case "userId" -> userId = JsonValues.string(parser);
        case "contentType" -> contentType = JsonValues.string(parser);
        case "uploadedAt" -> uploadedAt = JsonValues.string(parser);
        case "settledAt" -> settledAt = JsonValues.string(parser);
        case "outcome" -> outcome = JsonValues.string(parser);
        case "reason" -> reason = JsonValues.string(parser);
        case "sizes" -> sizes = sizes(parser);
        case "region" -> region = JsonValues.string(parser);
        default -> parser.skipChildren();
      }
    }
    if (schemaVersion > ThumbnailResult.SCHEMA_VERSION) {
      throw new IllegalArgumentException(WHAT + " has schemaVersion " + schemaVersion + "; this reader knows up to "
          + ThumbnailResult.SCHEMA_VERSION);
    }
    String outcomeName = required(WHAT, "outcome", outcome);
    ThumbnailResult.Outcome parsed;
    try {
      parsed = ThumbnailResult.Outcome.valueOf(outcomeName);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(WHAT + " has an unknown outcome: " + outcome, e);
    }
    return new ThumbnailResult(required(WHAT, "mediaId", mediaId), required(WHAT, "userId", userId), contentType,
        instant("uploadedAt", required(WHAT, "uploadedAt", uploadedAt)),
        instant("settledAt", required(WHAT, "settledAt", settledAt)), parsed, reason, sizes, region);
  }

  private static List<Integer> sizes(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException("field sizes must be an array");
    }
    List<Integer> out = new ArrayList<>();
    while (parser.nextToken() == JsonToken.VALUE_NUMBER_INT) {
      out.add((int) JsonValues.integer(parser));
    }
    if (parser.currentToken() != JsonToken.END_ARRAY) {
      throw new IllegalArgumentException("field sizes must be an array of whole numbers");
    }
    return out;
  }
}
