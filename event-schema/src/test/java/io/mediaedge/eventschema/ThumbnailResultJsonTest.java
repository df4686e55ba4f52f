package io.mediaedge.eventschema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThumbnailResultJsonTest {
  private static final Instant UPLOADED = Instant.parse("2026-12-06T03:20:00.125Z");
  private static final ThumbnailResult MADE = new ThumbnailResult("01a2-m", "u-1", "image/jpeg", UPLOADED,
      UPLOADED.plusMillis(840), ThumbnailResult.Outcome.MADE, "", List.of(200, 800), "eu-1");
  private static final ThumbnailResult REFUSED = new ThumbnailResult("01a2-n", "u-1", "image/png", UPLOADED,
      UPLOADED.plusSeconds(2), ThumbnailResult.Outcome.REFUSED, "TOO_MANY_PIXELS", List.of(), "eu-1");
  private static final ThumbnailResult PARKED = new ThumbnailResult("01a2-p", "u-1", "video/mp4", UPLOADED,
      UPLOADED.plusSeconds(31), ThumbnailResult.Outcome.PARKED, "SdkClientException", List.of(), "eu-1");
  private static final SchemaFiles SCHEMA = SchemaFiles.load(ThumbnailResultJson.SCHEMA_RESOURCE);

  @Test
  void resultsEncodeToWhatTheSchemaAcceptsAndDecodeBack() {
    for (ThumbnailResult result : List.of(MADE, REFUSED, PARKED)) {
      String json = ThumbnailResultJson.encode(result);
      assertEquals(List.of(), SCHEMA.errors(json), json);
      assertEquals(result, ThumbnailResultJson.decode(json));
    }
    assertTrue(ThumbnailResultJson.encode(MADE).contains("\"lagMs\":840"));
    // clocks that disagree never give a negative lag
    assertEquals(Duration.ZERO, new ThumbnailResult("m", "u", "", UPLOADED, UPLOADED.minusSeconds(1),
        ThumbnailResult.Outcome.MADE, "", List.of(200), "").lag());
  }

  @Test
  void unknownFieldsAreIgnoredAndBrokenOrNewerRecordsRefused() {
    String json = ThumbnailResultJson.encode(MADE);
    assertEquals(MADE, ThumbnailResultJson.decode(json.replace("\"region\"", "\"worker\":{\"v\":[1]},\"region\"")));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ThumbnailResultJson.decode(json.replace("\"schemaVersion\":1", "\"schemaVersion\":2"))).getMessage()
        .contains("schemaVersion 2"));
    assertThrows(IllegalArgumentException.class, () -> ThumbnailResultJson.decode(json.replace("\"MADE\"", "\"MAYBE\"")));
    assertThrows(IllegalArgumentException.class, () -> ThumbnailResultJson.decode(json.replace("[200,800]", "[\"200\"]")));
    assertThrows(IllegalArgumentException.class,
        () -> ThumbnailResultJson.decode(json.replace(",\"settledAt\":\"" + MADE.settledAt() + "\"", "")));
    assertThrows(IllegalArgumentException.class, () -> ThumbnailResultJson.decode("{\"mediaId\":"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ThumbnailResultJson.decode("{\"mediaId\":\"m\"}"))
        .getMessage().contains("has no outcome"));
    // a reason is a name (a refusal or an exception class), never free text
    assertFalse(SCHEMA.errors(json.replace("\"reason\":\"\"", "\"reason\":\"S3 said: no\"")).isEmpty());
  }
}
