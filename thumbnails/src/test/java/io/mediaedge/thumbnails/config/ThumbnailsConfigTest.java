package io.mediaedge.thumbnails.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThumbnailsConfigTest {

  @Test
  void theShippedFileLoadsAndItsWorstBatchFitsThePollInterval() {
    ThumbnailsConfig config = ThumbnailsConfig.load(Path.of("thumbnails/conf/thumbnails.yaml"), Map.of());
    assertEquals(List.of(200, 800), config.work().sizes());
    assertEquals("media.thumbnails.v1", config.kafka().resultsTopic());
    Duration worst = ThumbnailsConfig.worstBatch(config.kafka().maxPollRecords(), config.work());
    // 8 jobs two at a time: four rounds of 3 x 30 s plus 1 s + 2 s of pauses
    assertEquals(Duration.ofSeconds(372), worst);
    assertTrue(worst.compareTo(config.kafka().maxPollInterval()) < 0);
  }

  @Test
  void theEnvironmentOverridesAndSettingsThatWouldLoopAreRefused() {
    ThumbnailsConfig config = ThumbnailsConfig.from(Map.of(), Map.of("MEDIA_EDGE_THUMBNAILS_KAFKA_MAX_POLL_RECORDS", "2",
        "MEDIA_EDGE_THUMBNAILS_THUMBNAILS_SIZES", "96,320"), "test");
    assertEquals(2, config.kafka().maxPollRecords());
    assertEquals(List.of(96, 320), config.work().sizes());

    IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> ThumbnailsConfig.from(
        Map.of("kafka", Map.of("maxPollRecords", 20)), Map.of(), "test"));
    assertTrue(tooMany.getMessage().contains("kafka.maxPollInterval must be longer than the worst batch")
        && tooMany.getMessage().contains("930 s"), tooMany.getMessage());
    // the same batch fits a longer interval
    assertEquals(20, ThumbnailsConfig.from(Map.of("kafka", Map.of("maxPollRecords", 20, "maxPollInterval", "20m")),
        Map.of(), "test").kafka().maxPollRecords());
    assertThrows(IllegalArgumentException.class, () -> ThumbnailsConfig.from(
        Map.of("thumbnails", Map.of("sizes", List.of(8))), Map.of(), "test"));
  }
}
