package io.mediaedge.cassandra;

import io.mediaedge.config.EdgeConfig;
import io.mediaedge.eventschema.HistoryEvent.Action;
import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.history.MediaRecord;
import io.mediaedge.it.TestStack;
import io.mediaedge.media.MediaId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
    EdgeConfig config = stack.config(overrides);
    return HistoryModule.start(stack.vertx(), config.history(), config.quota(),
        new SimpleMeterRegistry()).await(60, TimeUnit.SECONDS);
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

  /** An event of {@code action} about {@code media}, as its flow would build it. */
  static HistoryEvent event(MediaRecord media, Action action) {
    String id = MediaId.next();
    return switch (action) {
      case UPLOAD -> HistoryEvent.upload(id, now(), media.owner(), media.mediaId(), media.contentType(),
          media.size(), media.sha256(), 42, ORIGIN);
      case DOWNLOAD -> HistoryEvent.download(id, now(), media.owner(), media.mediaId(), media.contentType(),
          media.size(), media.sha256(), 200, 42, ORIGIN);
      case DELETE -> HistoryEvent.delete(id, now(), media.owner(), media.mediaId(), media.contentType(),
          media.size(), media.sha256(), 42, ORIGIN);
      case UPLOAD_FAILED -> HistoryEvent.failed(id, now(), media.owner(), media.mediaId(), media.contentType(),
          media.size(), "STORAGE_UNAVAILABLE", 42, ORIGIN);
    };
  }

  /** Cassandra keeps milliseconds; comparing records needs the same precision. */
  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
