package io.mediaedge.history;

import io.mediaedge.history.HistoryEvent.Action;
import io.mediaedge.it.TestStack;
import io.mediaedge.upload.MediaId;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Builds media rows and events for the history tests, and starts a module on its own keyspace. */
final class HistoryFixtures {
  static final Origin ORIGIN = new Origin("dev", "AMS", "NL", "Amsterdam", "1136", "KPN", "192.0.2.0",
      Map.of("album", "summer"));
  private HistoryFixtures() {}

  static HistoryModule start(JsonObject overrides) throws Exception {
    TestStack stack = TestStack.get();
    return HistoryModule.start(stack.vertx(), stack.config(overrides)).await(60, TimeUnit.SECONDS);
  }

  /** A user no other test touches, so assertions see only this test's rows. */
  static String freshOwner() {
    return "user-" + UUID.randomUUID();
  }

  static MediaRecord media(String owner) {
    String id = MediaId.next();
    return new MediaRecord(owner, id, MediaRecord.Status.ACTIVE, "image/jpeg", 1234, "ab".repeat(32),
        owner + "/" + id, now(), null, ORIGIN);
  }

  static HistoryEvent event(MediaRecord media, Action action) {
    return new HistoryEvent(MediaId.next(), now(), action, media.owner(), media.mediaId(), media.contentType(),
        media.size(), media.sha256(), "OK", 42, ORIGIN);
  }

  /** Cassandra keeps milliseconds; comparing records needs the same precision. */
  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
