package io.mediaedge.eventschema;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Map;

/**
 * The JSON fields of an {@link Origin}: written flat into every history event, and on their own as
 * an object where the server keeps an origin without an event (resumable-upload state), so both
 * stay one shape.
 */
public final class OriginJson {
  private OriginJson() {}

  /** {@code {"region":…,"pop":…,…,"properties":{…}}}: the origin fields of an event, alone. */
  public static String encode(Origin origin) {
    return JsonValues.object(json -> writeFields(json, origin));
  }

  /** Reads what {@link #encode} writes; missing fields are empty, unknown ones ignored. */
  public static Origin decode(String json) {
    try (JsonParser parser = JsonValues.FACTORY.createParser(json)) {
      JsonValues.enterObject(parser, "an origin");
      Fields fields = new Fields();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        if (!fields.read(name, parser)) {
          parser.skipChildren();
        }
      }
      return fields.origin();
    } catch (IOException e) {
      throw new IllegalArgumentException("an origin is not valid JSON: " + e.getMessage(), e);
    }
  }

  /** Writes the origin's fields into the object being written, in the schema's order. */
  static void writeFields(JsonGenerator json, Origin origin) throws IOException {
    json.writeStringField("region", origin.region());
    json.writeStringField("pop", origin.pop());
    json.writeStringField("country", origin.country());
    json.writeStringField("city", origin.city());
    json.writeStringField("asn", origin.asn());
    json.writeStringField("isp", origin.isp());
    json.writeStringField("clientIp", origin.clientIp());
    json.writeObjectFieldStart("properties");
    for (Map.Entry<String, String> property : origin.properties().entrySet()) {
      json.writeStringField(property.getKey(), property.getValue());
    }
    json.writeEndObject();
  }

  /** Collects origin fields met while reading an object that may hold other fields too. */
  static final class Fields {
    private String region;
    private String pop;
    private String country;
    private String city;
    private String asn;
    private String isp;
    private String clientIp;
    private Map<String, String> properties;

    /** Reads the value of {@code name} if it is an origin field; false (nothing read) if not. */
    boolean read(String name, JsonParser parser) throws IOException {
      switch (name) {
        case "region" -> region = JsonValues.string(parser);
        case "pop" -> pop = JsonValues.string(parser);
        case "country" -> country = JsonValues.string(parser);
        case "city" -> city = JsonValues.string(parser);
        case "asn" -> asn = JsonValues.string(parser);
        case "isp" -> isp = JsonValues.string(parser);
        case "clientIp" -> clientIp = JsonValues.string(parser);
        case "properties" -> properties = JsonValues.stringMap(parser);
        default -> {
          return false;
        }
      }
      return true;
    }

    Origin origin() {
      return new Origin(region, pop, country, city, asn, isp, clientIp, properties);
    }
  }
}
