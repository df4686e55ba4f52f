package io.mediaedge.eventschema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SteeringReportJsonTest {
  private static final Instant AT = Instant.parse("2026-12-05T10:15:00Z");
  private static final SteeringReport.Steered NG = new SteeringReport.Steered("NG", "29465", "MTN Nigeria", "a-1",
      AT.minusSeconds(120), AT.plusSeconds(780));
  private static final SteeringReport REPORT = new SteeringReport("eu-1", "host-a-4242", AT, 15,
      "upload-alt.example.com", false, 20, List.of(NG));
  private static final SchemaFiles SCHEMA = SchemaFiles.load(SteeringReportJson.SCHEMA_RESOURCE);

  @Test
  void reportsEncodeToWhatTheSchemaAcceptsAndDecodeBack() {
    SteeringReport empty = new SteeringReport("eu-1", "host-b-1", AT, 15, "upload-alt.example.com", true, 20,
        List.of());
    for (SteeringReport report : List.of(REPORT, empty)) {
      String json = SteeringReportJson.encode(report);
      assertEquals(List.of(), SCHEMA.errors(json), json);
      assertEquals(report, SteeringReportJson.decode(json));
    }
    assertEquals("eu-1/host-a-4242", REPORT.key());
    assertEquals("NG/29465", NG.networkKey());
  }

  @Test
  void unknownFieldsAreIgnoredWithinAVersion() {
    String json = SteeringReportJson.encode(REPORT).replace("\"isp\"", "\"pop\":{\"x\":[1]},\"isp\"")
        .replace("\"everySeconds\"", "\"build\":\"1.2\",\"everySeconds\"");
    assertEquals(REPORT, SteeringReportJson.decode(json));
  }

  @Test
  void brokenOrNewerReportsAreRefusedWithAReason() {
    String json = SteeringReportJson.encode(REPORT);
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> SteeringReportJson.decode(json.replace("\"schemaVersion\":1", "\"schemaVersion\":2"))).getMessage()
        .contains("schemaVersion 2"));
    assertThrows(IllegalArgumentException.class,
        () -> SteeringReportJson.decode(json.replace("\"killSwitch\":false", "\"killSwitch\":\"no\"")));
    assertThrows(IllegalArgumentException.class,
        () -> SteeringReportJson.decode(json.replace("\"everySeconds\":15", "\"everySeconds\":0")));
    assertThrows(IllegalArgumentException.class,
        () -> SteeringReportJson.decode(json.replace("\"until\":\"" + NG.until() + "\"", "\"until\":\"soon\"")));
    assertThrows(IllegalArgumentException.class, () -> SteeringReportJson.decode(json.replace(",\"asn\":\"29465\"", "")));
    assertThrows(IllegalArgumentException.class, () -> SteeringReportJson.decode(json.replace("\"steered\":[", "\"steered\":[7,")));
    assertThrows(IllegalArgumentException.class, () -> SteeringReportJson.decode("{\"region\":"));
    assertFalse(SCHEMA.errors(json.replace("\"NG\"", "\"ng\"")).isEmpty(), "a country code not in capitals");
  }
}
