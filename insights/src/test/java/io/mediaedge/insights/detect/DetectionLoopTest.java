package io.mediaedge.insights.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mediaedge.eventschema.Advisory;
import io.mediaedge.insights.config.DetectionConfig;
import io.mediaedge.insights.metrics.AdvisoryMetrics;
import io.mediaedge.insights.query.InsightsQueries;
import io.mediaedge.insights.query.NetworkComparisons;
import io.mediaedge.insights.slots.Aggregate;
import io.mediaedge.insights.slots.GlobalSlots;
import io.mediaedge.insights.slots.TestEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The loop over real slots (one instance's partials in {@link GlobalSlots}) and a fake publisher:
 * who publishes, what a new publisher sends, what is sent again, and that partial figures are not
 * judged. Ticks 15 s apart on a clock the test moves; raise and clear after 30 s.
 */
class DetectionLoopTest {
  private static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");
  private static final Duration EVERY = Duration.ofSeconds(15);

  /** Now, as the test moves it: what the clock of the slots and the loops reads. */
  private final AtomicReference<Instant> now = new AtomicReference<>(T0);
  private final Clock clock = ((InstantSource) now::get).withZone(ZoneOffset.UTC);
  private final DetectionConfig config = Networks.rule(Map.of("raiseAfter", "30s", "clearAfter", "30s",
      "republishInterval", "1m"));
  private final GlobalSlots slots = new GlobalSlots(1440, clock);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void aFailingNetworkBesideAHealthyOne() {
    Aggregate baseline = new Aggregate();
    Aggregate window = new Aggregate();
    for (String asn : List.of("29465", "37148")) {
      for (int i = 0; i < 400; i++) {
        baseline.add(TestEvents.upload(T0.minusSeconds(1800), "NG", asn, "ISP " + asn, "eu", "image/jpeg", 500_000,
            300));
      }
      for (int i = 0; i < 4; i++) {
        baseline.add(TestEvents.failed(T0.minusSeconds(1800), "NG", asn, "ISP " + asn, "eu", "UPLOAD_INCOMPLETE", 900));
      }
      for (int i = 0; i < 100; i++) {
        window.add(TestEvents.upload(T0, "NG", asn, "ISP " + asn, "eu", "image/jpeg", 500_000, 300));
      }
      int failures = asn.equals("29465") ? 40 : 1;
      for (int i = 0; i < failures; i++) {
        window.add(TestEvents.failed(T0, "NG", asn, "ISP " + asn, "eu", "UPLOAD_INCOMPLETE", 900));
      }
    }
    slots.put("run-a", minute(T0.minusSeconds(1800)), baseline);
    slots.put("run-a", minute(T0), window);
  }

  @Test
  void onlyThePublisherSendsAndANewPublisherAnnouncesWhatIsRaised() {
    FakePublisher toA = new FakePublisher();
    FakePublisher toB = new FakePublisher();
    AtomicBoolean aPublishes = new AtomicBoolean(true);
    AdvisoryBoard boardA = new AdvisoryBoard(config);
    AdvisoryBoard boardB = new AdvisoryBoard(config);
    DetectionLoop a = loop(boardA, toA, aPublishes::get, () -> true);
    // an instance of its own: its own meters
    DetectionLoop b = new DetectionLoop(config, new NetworkComparisons(new InsightsQueries(slots),
        config.baselineRefresh()), boardB, toB, () -> !aPublishes.get(), () -> true,
        new AdvisoryMetrics(new SimpleMeterRegistry()), clock);
    for (int i = 0; i < 3; i++) {
      a.evaluate();
      b.evaluate();
      now.updateAndGet(at -> at.plus(EVERY));
    }
    assertEquals(1, toA.sent.size(), "raised at the third tick: 30 s after the first");
    Advisory raised = toA.sent.get(0);
    assertEquals("NG/29465", raised.key());
    assertEquals(40.0 / 140, raised.evidence().errorRate(), 1e-9);
    assertEquals(1.0 / 101, raised.evidence().countryErrorRate(), 1e-9, "the rest of the country: the other ISP");
    assertEquals(4.0 / 404, raised.evidence().baselineErrorRate(), 1e-9);
    assertEquals(List.of(), toB.sent, "the standby decides but does not publish");
    assertEquals(raised.advisoryId(), boardB.snapshot().active().get(0).id(), "and decides alike");
    assertEquals(1.0, registry.get("insights.advisories.raised").tag("country", "NG").counter().count());
    assertEquals(1.0, registry.get("insights.advisories.active").tag("country", "NG").gauge().value());

    aPublishes.set(false);
    a.evaluate();
    b.evaluate();
    assertEquals(1, toA.sent.size());
    assertEquals(1, toB.sent.size(), "the new publisher announces the raised network at once");
    assertEquals(raised.advisoryId(), toB.sent.get(0).advisoryId());
    assertEquals(clock.instant(), toB.sent.get(0).issuedAt());
  }

  @Test
  void aRefusedAdvisoryIsSentAgainAtTheNextEvaluation() {
    FakePublisher publisher = new FakePublisher();
    publisher.failing = true;
    DetectionLoop loop = loop(new AdvisoryBoard(config), publisher, () -> true, () -> true);
    for (int i = 0; i < 3; i++) {
      loop.evaluate();
      now.updateAndGet(at -> at.plus(EVERY));
    }
    assertEquals(List.of(), publisher.sent);
    assertEquals(1.0, registry.get("insights.advisories.publish.failures").counter().count());
    publisher.failing = false;
    loop.evaluate();
    assertEquals(1, publisher.sent.size());
    assertEquals(T0.plus(EVERY.multipliedBy(2)), publisher.sent.get(0).issuedAt(), "the refused one, as it was");
  }

  @Test
  void nothingIsJudgedBeforeTheFiguresAreGlobal() {
    AtomicBoolean ready = new AtomicBoolean(false);
    AdvisoryBoard board = new AdvisoryBoard(config);
    DetectionLoop loop = loop(board, new FakePublisher(), () -> true, ready::get);
    loop.evaluate();
    assertNull(board.snapshot().evaluatedAt());
    ready.set(true);
    loop.evaluate();
    assertEquals(T0, board.snapshot().evaluatedAt());
  }

  private DetectionLoop loop(AdvisoryBoard board, AdvisoryPublisher publisher, BooleanSupplier publishes,
      BooleanSupplier ready) {
    return new DetectionLoop(config, new NetworkComparisons(new InsightsQueries(slots), config.baselineRefresh()),
        board, publisher, publishes, ready, new AdvisoryMetrics(registry), clock);
  }

  private static long minute(Instant at) {
    return at.getEpochSecond() / 60;
  }

  /** Takes advisories (or refuses them while {@code failing}), answering at once. */
  private static final class FakePublisher implements AdvisoryPublisher {
    final List<Advisory> sent = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    @Override
    public CompletionStage<Void> publish(Advisory advisory) {
      if (failing) {
        return CompletableFuture.failedFuture(new IllegalStateException("broker away"));
      }
      sent.add(advisory);
      return CompletableFuture.completedFuture(null);
    }
  }
}
