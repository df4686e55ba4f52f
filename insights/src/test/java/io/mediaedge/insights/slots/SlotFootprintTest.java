package io.mediaedge.insights.slots;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What one minute's slot costs at a realistic cardinality, measured as the heap it keeps alive
 * (README, "Insights": memory per slot). A minute of 60,000 events (1,000/s) from 150 countries,
 * 1,500 (country, ASN) networks, 150 PoPs, 8 regions, 20 content types, with uploads, downloads,
 * deletes and four failure codes.
 */
class SlotFootprintTest {
  static final int SLOTS = 20;
  static final int EVENTS_PER_MINUTE = 60_000;

  @Test
  void aBusyMinuteFitsTheDocumentedBudget() {
    Random random = new Random(42);
    List<HistoryEvent> minute = minuteOfEvents(random);
    long before = usedHeap();
    List<Aggregate> kept = new ArrayList<>();
    for (int s = 0; s < SLOTS; s++) {
      Aggregate slot = new Aggregate();
      minute.forEach(slot::add);
      slot.trim();
      kept.add(slot);
    }
    long perSlot = (usedHeap() - before) / SLOTS;
    int encoded = AggregateCodec.encode(kept.get(0)).length;
    System.out.printf("insights slot footprint: %,d bytes per slot on the heap, %,d bytes encoded, %d networks;"
        + " 1,440 slots = %,d MB%n", perSlot, encoded, kept.get(0).networkCount(), perSlot * 1440 / 1_000_000);
    // The README quotes these figures; fail loudly if a change makes slots much bigger
    assertTrue(perSlot < 1_100_000, "a slot now takes " + perSlot + " bytes");
    assertTrue(encoded < 400_000, "a partial now encodes to " + encoded + " bytes");
  }

  static List<HistoryEvent> minuteOfEvents(Random random) {
    String[] countries = new String[150];
    for (int i = 0; i < countries.length; i++) {
      countries[i] = "" + (char) ('A' + i / 26) + (char) ('A' + i % 26);
    }
    String[] types = new String[20];
    for (int i = 0; i < types.length; i++) {
      types[i] = (i % 2 == 0 ? "image/" : "video/") + "type" + i;
    }
    String[] failures = {"UPLOAD_INCOMPLETE", "REQUEST_TIMEOUT", "MEDIA_TOO_LARGE", "STORAGE_ERROR"};
    Instant at = Instant.parse("2026-05-01T10:00:00Z");
    List<HistoryEvent> events = new ArrayList<>(EVENTS_PER_MINUTE);
    for (int i = 0; i < EVENTS_PER_MINUTE; i++) {
      // skewed, as real traffic is: a few countries and networks carry most of it
      int network = (int) (Math.pow(random.nextDouble(), 2.5) * 1500);
      String country = countries[network % countries.length];
      Origin origin = new Origin("region" + (network % 8), "P" + (network % 150), country, "", "" + (10_000 + network),
          "ISP number " + network, "", Map.of());
      String type = types[random.nextInt(types.length)];
      long latency = 20 + (long) (random.nextDouble() * random.nextDouble() * 30_000);
      long bytes = (long) Math.exp(8 + random.nextDouble() * 12);
      int kind = random.nextInt(100);
      String id = Long.toHexString(random.nextLong());
      events.add(kind < 60 ? HistoryEvent.upload(id, at, "u", "m", type, bytes, "", latency, origin)
          : kind < 85 ? HistoryEvent.download(id, at, "u", "m", type, bytes, "", kind < 80 ? 200 : 206, latency, origin)
          : kind < 95 ? HistoryEvent.delete(id, at, "u", "m", type, bytes, "", latency, origin)
          : HistoryEvent.failed(id, at, "u", null, type, bytes, failures[kind % 4], latency, origin));
    }
    return events;
  }

  private static long usedHeap() {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
