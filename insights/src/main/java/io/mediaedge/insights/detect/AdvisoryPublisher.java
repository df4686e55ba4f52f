package io.mediaedge.insights.detect;

import io.mediaedge.eventschema.Advisory;
import java.util.concurrent.CompletionStage;

/** Where advisories go: the advisory topic (the {@code kafka} room's producer), or a fake in tests. */
public interface AdvisoryPublisher {

  /** Sends one advisory (key {@code country/asn}); completes once the broker has it, or fails. */
  CompletionStage<Void> publish(Advisory advisory);
}
