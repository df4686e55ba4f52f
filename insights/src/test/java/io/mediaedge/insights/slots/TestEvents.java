package io.mediaedge.insights.slots;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Events with chosen values, for the slot tests. */
public final class TestEvents {
  private TestEvents() {}

  public static HistoryEvent upload(Instant at, String country, String asn, String isp, String region,
      String type, long bytes, long latencyMs) {
    return HistoryEvent.upload(UUID.randomUUID().toString(), at, "user", UUID.randomUUID().toString(), type, bytes,
        "00", latencyMs, origin(country, asn, isp, region));
  }

  public static HistoryEvent failed(Instant at, String country, String asn, String isp, String region,
      String code, long latencyMs) {
    return HistoryEvent.failed(UUID.randomUUID().toString(), at, "user", null, "video/mp4", 5000, code, latencyMs,
        origin(country, asn, isp, region));
  }

  public static Origin origin(String country, String asn, String isp, String region) {
    return new Origin(region, "FRA", country, "", asn, isp, "", Map.of());
  }
}
