package io.mediaedge.eventschema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdvisoryJsonTest {
  private static final Instant AT = Instant.parse("2026-12-05T10:15:00Z");
  private static final Advisory.Evidence EVIDENCE = new Advisory.Evidence(1_240, 0.31, 0.012, 0.015, 2_350.5, 410,
      395, 180_000, 2_400_000, 2_150_000);
  private static final Advisory RAISED = new Advisory("a-1", AT, Advisory.State.RAISED, "NG", "29465", "MTN Nigeria",
      List.of(Advisory.Signal.ERROR_RATE, Advisory.Signal.UPLOAD_THROUGHPUT), 300, EVIDENCE);
  private static final SchemaFiles SCHEMA = SchemaFiles.load(AdvisoryJson.SCHEMA_RESOURCE);

  @Test
  void raisedAndClearedEncodeToWhatTheSchemaAcceptsAndDecodeBack() {
    Advisory cleared = new Advisory("a-2", AT.plusSeconds(900), Advisory.State.CLEARED, "NG", "29465", "MTN Nigeria",
        List.of(), 300, new Advisory.Evidence(900, 0.01, 0.012, 0.015, 400, 410, 395, -1, 2_400_000, 2_150_000));
    for (Advisory advisory : List.of(RAISED, cleared)) {
      String json = AdvisoryJson.encode(advisory);
      assertEquals(List.of(), errors(json), json);
      assertEquals(advisory, AdvisoryJson.decode(json));
    }
    assertEquals("NG/29465", RAISED.key());
  }

  @Test
  void unknownFieldsAndSignalsAreIgnoredWithinAVersion() {
    String json = AdvisoryJson.encode(RAISED).replace("\"ERROR_RATE\"", "\"ERROR_RATE\",\"JITTER\"")
        .replace("\"windowSeconds\"", "\"steerTo\":\"x\",\"windowSeconds\"");
    Advisory decoded = AdvisoryJson.decode(json);
    assertEquals(RAISED.signals(), decoded.signals());
    assertEquals(RAISED.evidence(), decoded.evidence());
  }

  @Test
  void brokenOrNewerAdvisoriesAreRefusedWithAReason() {
    String json = AdvisoryJson.encode(RAISED);
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> AdvisoryJson.decode(json.replace("\"schemaVersion\":1", "\"schemaVersion\":2"))).getMessage()
        .contains("schemaVersion 2"));
    assertThrows(IllegalArgumentException.class, () -> AdvisoryJson.decode(json.replace("\"RAISED\"", "\"MAYBE\"")));
    assertThrows(IllegalArgumentException.class, () -> AdvisoryJson.decode(json.replace("\"asn\":\"29465\",", "")));
    assertThrows(IllegalArgumentException.class, () -> AdvisoryJson.decode("[1,2]"));
    assertThrows(IllegalArgumentException.class, () -> AdvisoryJson.decode("{\"advisoryId\":"));
    assertFalse(errors(json.replace("\"29465\"", "\"AS29465\"")).isEmpty(), "an ASN that is not digits only");
  }

  private static List<Error> errors(String json) {
    return SCHEMA.errors(json);
  }

}
