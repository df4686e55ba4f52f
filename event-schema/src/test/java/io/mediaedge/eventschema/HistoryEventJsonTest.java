package io.mediaedge.eventschema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryEventJsonTest {
  private static final Instant AT = Instant.parse("2026-11-23T17:20:00.123Z");
  private static final String SHA256 = "9f2c".repeat(16);
  private static final Origin AMSTERDAM = new Origin("eu", "AMS", "NL", "Amsterdam", "1136", "KPN B.V.",
      "203.0.113.0", Map.of("appVersion", "5.1.0", "plan", "pro"));
  private static final SchemaFiles SCHEMA = SchemaFiles.load(HistoryEventJson.SCHEMA_RESOURCE);

  private static final List<HistoryEvent> ONE_OF_EACH_ACTION = List.of(
      HistoryEvent.upload("e-1", AT, "alice", "m-1", "video/mp4", 73_400_320, SHA256, 1840, AMSTERDAM),
      HistoryEvent.download("e-2", AT, "alice", "m-1", "video/mp4", 1024, SHA256, 206, 12, AMSTERDAM),
      HistoryEvent.delete("e-3", AT, "alice", "m-1", "video/mp4", 73_400_320, SHA256, 7, Origin.regionOnly("eu")),
      HistoryEvent.failed("e-4", AT, "alice", "m-2", "image/jpeg", 0, "MEDIA_TOO_LARGE", 3, AMSTERDAM));

  @Test
  void everyActionEncodesToAnEventTheSchemaAccepts() {
    for (HistoryEvent event : ONE_OF_EACH_ACTION) {
      String json = HistoryEventJson.encode(event);
      assertEquals(List.of(), errors(json), json);
    }
  }

  @Test
  void failedUploadWithoutMediaIdIsStillValid() {
    HistoryEvent event = HistoryEvent.failed("e-5", AT, "alice", null, "image/png", 10, "QUOTA_EXCEEDED", 1,
        AMSTERDAM);
    String json = HistoryEventJson.encode(event);
    assertTrue(json.contains("\"mediaId\":null"), json);
    assertEquals(List.of(), errors(json), json);
    assertEquals(event, HistoryEventJson.decode(json));
  }

  @Test
  void decodingWhatWasEncodedGivesTheSameEvent() {
    for (HistoryEvent event : ONE_OF_EACH_ACTION) {
      assertEquals(event, HistoryEventJson.decode(HistoryEventJson.encode(event)));
    }
  }

  @Test
  void factoriesFixWhatTheirActionImplies() {
    assertEquals("201", ONE_OF_EACH_ACTION.get(0).status());
    assertEquals("206", ONE_OF_EACH_ACTION.get(1).status());
    assertEquals("204", ONE_OF_EACH_ACTION.get(2).status());
    HistoryEvent failed = ONE_OF_EACH_ACTION.get(3);
    assertEquals(HistoryEvent.Action.UPLOAD_FAILED, failed.action());
    assertEquals("MEDIA_TOO_LARGE", failed.status());
    assertEquals("", failed.sha256());
  }

  /** The wire form stored in Cassandra and read by dashboards: names, order and value forms. */
  @Test
  void wireFormKeepsItsFieldNamesAndOrder() {
    assertEquals("{\"schemaVersion\":1,\"eventId\":\"e-1\",\"occurredAt\":\"2026-11-23T17:20:00.123Z\","
        + "\"action\":\"UPLOAD\",\"userId\":\"alice\",\"mediaId\":\"m-1\",\"contentType\":\"video/mp4\","
        + "\"contentLength\":73400320,\"sha256\":\"" + SHA256 + "\",\"status\":\"201\",\"latencyMs\":1840,"
        + "\"region\":\"eu\",\"pop\":\"\",\"country\":\"\",\"city\":\"\",\"asn\":\"\",\"isp\":\"\","
        + "\"clientIp\":\"\",\"properties\":{}}",
        HistoryEventJson.encode(HistoryEvent.upload("e-1", AT, "alice", "m-1", "video/mp4", 73_400_320, SHA256,
            1840, Origin.regionOnly("eu"))));
  }

  @Test
  void unknownFieldsAreIgnoredOnDecode() {
    HistoryEvent event = ONE_OF_EACH_ACTION.get(0);
    String encoded = HistoryEventJson.encode(event);
    String withMore = encoded.substring(0, encoded.length() - 1)
        + ",\"deviceClass\":\"phone\",\"timings\":{\"ttfbMs\":12,\"parts\":[1,2]},\"retries\":[],\"hdr\":null}";
    assertEquals(List.of(), errors(withMore), "additional fields are allowed within a version");
    assertEquals(event, HistoryEventJson.decode(withMore));
  }

  @Test
  void eventFromBeforeCityAndClientIpDecodesWithThemEmpty() {
    String old = "{\"schemaVersion\":1,\"eventId\":\"e-9\",\"occurredAt\":\"2025-01-02T03:04:05Z\","
        + "\"action\":\"DOWNLOAD\",\"userId\":\"bob\",\"mediaId\":\"m-9\",\"contentType\":\"image/png\","
        + "\"contentLength\":5,\"sha256\":\"ab\",\"status\":\"200\",\"latencyMs\":2,\"region\":\"ap\","
        + "\"pop\":\"SIN\",\"country\":\"SG\",\"asn\":\"7473\",\"isp\":\"Singtel\",\"properties\":{\"plan\":\"free\"}}";
    assertEquals(List.of(), errors(old));
    HistoryEvent event = HistoryEventJson.decode(old);
    assertEquals(new Origin("ap", "SIN", "SG", "", "7473", "Singtel", "", Map.of("plan", "free")), event.origin());
  }

  @Test
  void eventOfANewerSchemaVersionIsRefused() {
    String encoded = HistoryEventJson.encode(ONE_OF_EACH_ACTION.get(0));
    String newer = encoded.replace("\"schemaVersion\":1", "\"schemaVersion\":2");
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> HistoryEventJson.decode(newer));
    assertTrue(refused.getMessage().contains("schemaVersion 2"), refused.getMessage());
  }

  @Test
  void malformedEventsAreRefusedWithTheReason() {
    String encoded = HistoryEventJson.encode(ONE_OF_EACH_ACTION.get(0));
    assertThrows(IllegalArgumentException.class, () -> HistoryEventJson.decode("[]"));
    assertThrows(IllegalArgumentException.class, () -> HistoryEventJson.decode("{\"eventId\":"));
    IllegalArgumentException noUser = assertThrows(IllegalArgumentException.class,
        () -> HistoryEventJson.decode(encoded.replace("\"userId\":\"alice\",", "")));
    assertTrue(noUser.getMessage().contains("userId"), noUser.getMessage());
    IllegalArgumentException badAction = assertThrows(IllegalArgumentException.class,
        () -> HistoryEventJson.decode(encoded.replace("\"UPLOAD\"", "\"COPY\"")));
    assertTrue(badAction.getMessage().contains("COPY"), badAction.getMessage());
  }

  /** The schema is no rubber stamp: what the codec would refuse, it refuses too. */
  @Test
  void schemaRefusesWhatIsNotAnEvent() {
    String encoded = HistoryEventJson.encode(ONE_OF_EACH_ACTION.get(0));
    assertFalse(errors(encoded.replace("\"UPLOAD\"", "\"COPY\"")).isEmpty(), "an unknown action");
    assertFalse(errors(encoded.replace("\"userId\":\"alice\",", "")).isEmpty(), "a missing userId");
    assertFalse(errors(encoded.replace("\"contentLength\":73400320", "\"contentLength\":\"big\"")).isEmpty(),
        "a length that is no integer");
    assertFalse(errors(encoded.replace("\"schemaVersion\":1", "\"schemaVersion\":2")).isEmpty(),
        "another schema version");
    assertFalse(errors(encoded.replace("\"appVersion\":\"5.1.0\"", "\"appVersion\":5")).isEmpty(),
        "a property that is no string");
  }

  @Test
  void originAloneRoundTripsInTheEventsFieldNames() {
    String json = OriginJson.encode(AMSTERDAM);
    assertTrue(json.startsWith("{\"region\":\"eu\",\"pop\":\"AMS\",\"country\":\"NL\",\"city\":\"Amsterdam\""), json);
    assertEquals(AMSTERDAM, OriginJson.decode(json));
    assertEquals(Origin.regionOnly(""), OriginJson.decode("{}"));
  }

  private static List<Error> errors(String json) {
    return SCHEMA.errors(json);
  }

}
