package io.mediaedge.eventschema;

import static io.mediaedge.eventschema.JsonValues.instant;
import static io.mediaedge.eventschema.JsonValues.required;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The JSON form of an {@link Advisory}, described by {@link #SCHEMA_RESOURCE}. */
public final class AdvisoryJson {
  /** How refusals name what is read: "An advisory has no …". */
  private static final String WHAT = "an advisory";
  /** The JSON Schema (draft 2020-12) of an encoded advisory, on the class path of this module. */
  public static final String SCHEMA_RESOURCE = "/io/mediaedge/eventschema/advisory.schema.json";

  private AdvisoryJson() {}

  public static String encode(Advisory advisory) {
    return JsonValues.object(json -> {
      json.writeNumberField("schemaVersion", Advisory.SCHEMA_VERSION);
      json.writeStringField("advisoryId", advisory.advisoryId());
      json.writeStringField("issuedAt", advisory.issuedAt().toString());
      json.writeStringField("state", advisory.state().name());
      json.writeStringField("country", advisory.country());
      json.writeStringField("asn", advisory.asn());
      json.writeStringField("isp", advisory.isp());
      json.writeArrayFieldStart("signals");
      for (Advisory.Signal signal : advisory.signals()) {
        json.writeString(signal.name());
      }
      json.writeEndArray();
      json.writeNumberField("windowSeconds", advisory.windowSeconds());
      json.writeObjectFieldStart("evidence");
      writeEvidence(json, advisory.evidence());
      json.writeEndObject();
    });
  }

  private static void writeEvidence(JsonGenerator json, Advisory.Evidence e) throws IOException {
    json.writeNumberField("requests", e.requests());
    json.writeNumberField("errorRate", e.errorRate());
    json.writeNumberField("baselineErrorRate", e.baselineErrorRate());
    json.writeNumberField("countryErrorRate", e.countryErrorRate());
    json.writeNumberField("p95Ms", e.p95Ms());
    json.writeNumberField("baselineP95Ms", e.baselineP95Ms());
    json.writeNumberField("countryP95Ms", e.countryP95Ms());
    json.writeNumberField("throughput", e.throughput());
    json.writeNumberField("baselineThroughput", e.baselineThroughput());
    json.writeNumberField("countryThroughput", e.countryThroughput());
  }

  /**
   * Reads an advisory of this {@link Advisory#SCHEMA_VERSION} or an older one; unknown fields are
   * ignored, unknown signals dropped (a newer insights may judge more than this reader knows).
   *
   * @throws IllegalArgumentException when the JSON is malformed, lacks a required field, or is of a
   *     newer schema version
   */
  public static Advisory decode(String json) {
    try (JsonParser parser = JsonValues.FACTORY.createParser(json)) {
      JsonValues.enterObject(parser, "an advisory");
      return read(parser);
    } catch (IOException e) {
      throw new IllegalArgumentException("an advisory is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static Advisory read(JsonParser parser) throws IOException {
    long schemaVersion = Advisory.SCHEMA_VERSION;
    String advisoryId = null;
    String issuedAt = null;
    String state = null;
    String country = null;
    String asn = null;
    String isp = "";
    List<Advisory.Signal> signals = new ArrayList<>();
    long windowSeconds = 0;
    Advisory.Evidence evidence = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      switch (name) {
        case "schemaVersion" -> schemaVersion = JsonValues.integer(parser);
        case "advisoryId" -> advisoryId = JsonValues.string(parser);
        case "issuedAt" -> issuedAt = JsonValues.string(parser);
        case "state" -> state = JsonValues.string(parser);
        case "country" -> country = JsonValues.string(parser);
        case "asn" -> asn = JsonValues.string(parser);
        case "isp" -> isp = JsonValues.string(parser);
        case "signals" -> signals = signals(parser);
        case "windowSeconds" -> windowSeconds = JsonValues.integer(parser);
        case "evidence" -> evidence = evidence(parser);
        default -> parser.skipChildren();
      }
    }
    if (schemaVersion > Advisory.SCHEMA_VERSION) {
      throw new IllegalArgumentException("advisory " + advisoryId + " has schemaVersion " + schemaVersion
          + "; this reader knows up to " + Advisory.SCHEMA_VERSION);
    }
    return new Advisory(required(WHAT, "advisoryId", advisoryId),
        instant("issuedAt", required(WHAT, "issuedAt", issuedAt)), state(required(WHAT, "state", state)),
        required(WHAT, "country", country), required(WHAT, "asn", asn), isp, signals, windowSeconds,
        required(WHAT, "evidence", evidence));
  }

  private static List<Advisory.Signal> signals(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException("field signals must be an array");
    }
    List<Advisory.Signal> out = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      String name = JsonValues.string(parser);
      for (Advisory.Signal known : Advisory.Signal.values()) {
        if (known.name().equals(name)) {
          out.add(known);
        }
      }
    }
    return out;
  }

  private static Advisory.Evidence evidence(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("field evidence must be an object");
    }
    long requests = 0;
    double[] figures = {-1, -1, -1, -1, -1, -1, -1, -1, -1};
    List<String> names = List.of("errorRate", "baselineErrorRate", "countryErrorRate", "p95Ms", "baselineP95Ms",
        "countryP95Ms", "throughput", "baselineThroughput", "countryThroughput");
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      int index = names.indexOf(name);
      if (name.equals("requests")) {
        requests = JsonValues.integer(parser);
      } else if (index >= 0) {
        figures[index] = number(parser);
      } else {
        parser.skipChildren();
      }
    }
    return new Advisory.Evidence(requests, figures[0], figures[1], figures[2], figures[3], figures[4], figures[5],
        figures[6], figures[7], figures[8]);
  }

  private static double number(JsonParser parser) throws IOException {
    if (!parser.currentToken().isNumeric()) {
      throw new IllegalArgumentException("field " + parser.currentName() + " must be a number");
    }
    return parser.getDoubleValue();
  }



  private static Advisory.State state(String name) {
    try {
      return Advisory.State.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown advisory state: " + name, e);
    }
  }
}
