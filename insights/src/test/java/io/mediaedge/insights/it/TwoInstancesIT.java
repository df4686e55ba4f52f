package io.mediaedge.insights.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.insights.InsightsApp;
import io.micrometer.core.instrument.Counter;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two instances in one consumer group each count only their partitions' events, yet both answer
 * with the global totals; when one stops (gracefully) its partitions move to the other, nothing
 * is lost or counted twice, and a newly started instance answers the same totals at once.
 */
class TwoInstancesIT {

  @Test
  void bothInstancesShowGlobalTotalsBeforeAndAfterOneStops() throws Exception {
    InsightsStack stack = InsightsStack.get();
    String topic = stack.createTopic("history.two-it", 4);
    String group = topic;
    InsightsApp a = stack.start(stack.config("a", topic, group));
    InsightsApp b = stack.start(stack.config("b", topic, group));
    stack.awaitGroupMembers(group, 2);

    sendUploads(stack, topic, 400, "first");
    assertEquals(400, events(stack, a, 400));
    assertEquals(400, events(stack, b, 400));
    double countedByA = counted(a);
    double countedByB = counted(b);
    assertEquals(400, countedByA + countedByB, "each event counted by exactly one instance");
    assertTrue(countedByA > 0 && countedByB > 0, "the partitions are shared: a " + countedByA + ", b " + countedByB);

    stack.stop(b);
    sendUploads(stack, topic, 300, "second");
    assertEquals(700, events(stack, a, 700), "a took b's partitions over; b's published partials still count");
    assertEquals(700, counted(a) + countedByB, "nothing counted twice across the hand-over");

    InsightsApp c = stack.start(stack.config("c", topic, group));
    assertEquals(700, events(stack, c, 700), "a new instance reads every partial and answers the same totals");
    sendUploads(stack, topic, 100, "third");
    assertEquals(800, events(stack, a, 800));
    assertEquals(800, events(stack, c, 800));
  }

  /** Uploads from many users, so their keys spread over all partitions. */
  private static void sendUploads(InsightsStack stack, String topic, int count, String batch) {
    Instant now = Instant.now();
    for (int i = 0; i < count; i++) {
      stack.send(topic, HistoryEvent.upload(UUID.randomUUID().toString(), now, batch + "-user-" + i,
          UUID.randomUUID().toString(), "image/jpeg", 1000 + i, "00", 50 + i % 100,
          new Origin(i % 2 == 0 ? "eu" : "us", "FRA", i % 3 == 0 ? "DE" : "FR", "", "3320", "DT", "", Map.of())));
    }
    stack.flush();
  }

  private static long events(InsightsStack stack, InsightsApp app, long expected) throws Exception {
    return stack.await(app, "/api/v1/summary?window=15m", json -> json.getLong("events", 0L) >= expected)
        .json().getLong("events");
  }

  /** What this instance counted itself (its Prometheus counters: per instance by design). */
  private static double counted(InsightsApp app) {
    return app.registry().find("insights.events").counters().stream().mapToDouble(Counter::count).sum();
  }
}
