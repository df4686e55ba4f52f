package io.mediaedge.eventschema;

import static io.mediaedge.eventschema.JsonValues.instant;
import static io.mediaedge.eventschema.JsonValues.required;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The JSON form of a {@link SteeringReport}, described by {@link #SCHEMA_RESOURCE}. */
public final class SteeringReportJson {
  /** How refusals name what is read: "A steering report has no …". */
  private static final String WHAT = "a steering report";
  /** The JSON Schema (draft 2020-12) of an encoded report, on the class path of this module. */
  public static final String SCHEMA_RESOURCE = "/io/mediaedge/eventschema/steering-report.schema.json";

  private SteeringReportJson() {}

  public static String encode(SteeringReport report) {
    return JsonValues.object(json -> {
      json.writeNumberField("schemaVersion", SteeringReport.SCHEMA_VERSION);
      json.writeStringField("region", report.region());
      json.writeStringField("instance", report.instance());
      json.writeStringField("reportedAt", report.reportedAt().toString());
      json.writeNumberField("everySeconds", report.everySeconds());
      json.writeStringField("alternativeHost", report.alternativeHost());
      json.writeBooleanField("killSwitch", report.killSwitch());
      json.writeNumberField("maxSteeredNetworks", report.maxSteeredNetworks());
      json.writeArrayFieldStart("steered");
      for (SteeringReport.Steered s : report.steered()) {
        json.writeStartObject();
        json.writeStringField("country", s.country());
        json.writeStringField("asn", s.asn());
        json.writeStringField("isp", s.isp());
        json.writeStringField("advisoryId", s.advisoryId());
        json.writeStringField("since", s.since().toString());
        json.writeStringField("until", s.until().toString());
        json.writeEndObject();
      }
      json.writeEndArray();
    });
  }

  /**
   * Reads a report of this {@link SteeringReport#SCHEMA_VERSION} or an older one; unknown fields are
   * ignored.
   *
   * @throws IllegalArgumentException when the JSON is malformed, lacks a required field, or is of a
   *     newer schema version
   */
  public static SteeringReport decode(String json) {
    try (JsonParser parser = JsonValues.FACTORY.createParser(json)) {
      JsonValues.enterObject(parser, "a steering report");
      return read(parser);
    } catch (IOException e) {
      throw new IllegalArgumentException("a steering report is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static SteeringReport read(JsonParser parser) throws IOException {
    long schemaVersion = SteeringReport.SCHEMA_VERSION;
    String region = null;
    String instance = null;
    String reportedAt = null;
    long everySeconds = 0;
    String alternativeHost = "";
    boolean killSwitch = false;
    long maxSteered = 0;
    List<SteeringReport.Steered> steered = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      switch (name) {
        case "schemaVersion" -> schemaVersion = JsonValues.integer(parser);
        case "region" -> region = JsonValues.string(parser);
        case "instance" -> instance = JsonValues.string(parser);
        case "reportedAt" -> reportedAt = JsonValues.string(parser);
        case "everySeconds" -> everySeconds = JsonValues.integer(parser);
        case "alternativeHost" -> alternativeHost = JsonValues.string(parser);
        case "killSwitch" -> killSwitch = JsonValues.bool(parser);
        case "maxSteeredNetworks" -> maxSteered = JsonValues.integer(parser);
        case "steered" -> steered = steered(parser);
        default -> parser.skipChildren();
      }
    }
    if (schemaVersion > SteeringReport.SCHEMA_VERSION) {
      throw new IllegalArgumentException("a steering report has schemaVersion " + schemaVersion
          + "; this reader knows up to " + SteeringReport.SCHEMA_VERSION);
    }
    if (everySeconds <= 0) {
      throw new IllegalArgumentException("a steering report needs everySeconds > 0 (got " + everySeconds + ")");
    }
    return new SteeringReport(required(WHAT, "region", region), required(WHAT, "instance", instance),
        instant("reportedAt", required(WHAT, "reportedAt", reportedAt)), everySeconds, alternativeHost, killSwitch,
        (int) Math.min(Integer.MAX_VALUE, Math.max(0, maxSteered)), required(WHAT, "steered", steered));
  }

  private static List<SteeringReport.Steered> steered(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException("field steered must be an array");
    }
    List<SteeringReport.Steered> out = new ArrayList<>();
    while (parser.nextToken() == JsonToken.START_OBJECT) {
      String country = null;
      String asn = null;
      String isp = "";
      String advisoryId = null;
      String since = null;
      String until = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        switch (name) {
          case "country" -> country = JsonValues.string(parser);
          case "asn" -> asn = JsonValues.string(parser);
          case "isp" -> isp = JsonValues.string(parser);
          case "advisoryId" -> advisoryId = JsonValues.string(parser);
          case "since" -> since = JsonValues.string(parser);
          case "until" -> until = JsonValues.string(parser);
          default -> parser.skipChildren();
        }
      }
      out.add(new SteeringReport.Steered(required(WHAT, "steered[].country", country),
          required(WHAT, "steered[].asn", asn), isp, required(WHAT, "steered[].advisoryId", advisoryId),
          instant("since", required(WHAT, "steered[].since", since)),
          instant("until", required(WHAT, "steered[].until", until))));
    }
    if (parser.currentToken() != JsonToken.END_ARRAY) {
      throw new IllegalArgumentException("field steered must be an array of objects");
    }
    return out;
  }


}
