package io.mediaedge.insights.detect;

import io.mediaedge.eventschema.Advisory;
import io.mediaedge.insights.config.DetectionConfig;
import io.mediaedge.insights.detect.NetworkFlags.Observation;
import io.mediaedge.insights.detect.NetworkFlags.Outcome;
import io.mediaedge.insights.metrics.AdvisoryMetrics;
import io.mediaedge.insights.query.NetworkComparisons;
import io.mediaedge.insights.query.Window;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs detection on a thread of its own, on ticks aligned to the clock ({@code evaluateEvery}):
 * compares every network, lets {@link NetworkFlags} decide, shows the result on the
 * {@link AdvisoryBoard}, and, on the one instance that publishes, sends the advisories.
 *
 * <p>Every instance judges (the figures are global), so a standby holds the same flags as the
 * publisher; only the owner of partition 0 of the history topic publishes. An instance that
 * becomes the publisher announces every raised network at once and sends again the CLEARED
 * decisions of the last {@code republishInterval}: its predecessor may have stopped before
 * sending them. An advisory the broker refuses is sent again at the next evaluation, unless a newer
 * one for the same network has been sent meanwhile.
 */
public final class DetectionLoop {
  private static final Logger log = LoggerFactory.getLogger(DetectionLoop.class);
  /** Runs this long after a tick's instant, so a slightly early wake-up never lands on the tick before. */
  private static final long TICK_GUARD_MILLIS = 20;

  private final DetectionConfig config;
  private final NetworkComparisons comparisons;
  private final TroubleRule rule;
  private final NetworkFlags flags;
  private final AdvisoryBoard board;
  private final AdvisoryPublisher publisher;
  private final BooleanSupplier publisherRole;
  private final BooleanSupplier ready;
  private final AdvisoryMetrics metrics;
  private final Clock clock;
  /** The latest advisory per network the broker did not take, to send again. */
  private final Map<String, Advisory> unsent = new ConcurrentHashMap<>();
  private ScheduledExecutorService thread;
  private Instant lastTick;
  private boolean wasPublishing;

  /**
   * @param publisherRole whether this instance is the one that publishes (now)
   * @param ready whether the figures are global yet (the partials read to their end at start):
   *     partial figures are judged not at all
   */
  public DetectionLoop(DetectionConfig config, NetworkComparisons comparisons, AdvisoryBoard board,
      AdvisoryPublisher publisher, BooleanSupplier publisherRole, BooleanSupplier ready, AdvisoryMetrics metrics,
      Clock clock) {
    this.config = config;
    this.comparisons = comparisons;
    this.rule = new TroubleRule(config);
    this.flags = new NetworkFlags(config);
    this.board = board;
    this.publisher = publisher;
    this.publisherRole = publisherRole;
    this.ready = ready;
    this.metrics = metrics;
    this.clock = clock;
  }

  public synchronized void start() {
    thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread t = new Thread(runnable, "insights-detection");
      t.setDaemon(true);
      return t;
    });
    scheduleNext();
    log.info("ISP-trouble detection every {} over {} minute(s) against a {}-minute baseline and the rest of each"
        + " country; raise after {}, clear after {}, announce again every {}", config.evaluateEvery(),
        config.windowMinutes(), config.baselineMinutes(), config.raiseAfter(), config.clearAfter(),
        config.republishInterval());
  }

  /** Stops evaluating; waits for an evaluation under way. */
  public void stop(Duration timeout) {
    ScheduledExecutorService running;
    synchronized (this) {
      running = thread;
      thread = null;
    }
    if (running == null) {
      return;
    }
    running.shutdownNow();
    try {
      running.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void scheduleNext() {
    if (thread == null) {
      return;
    }
    long every = config.evaluateEvery().toMillis();
    long now = clock.millis();
    long delay = Math.floorDiv(now, every) * every + every - now + TICK_GUARD_MILLIS;
    thread.schedule(() -> {
      try {
        evaluate();
      } catch (RuntimeException e) {
        log.error("An ISP-trouble evaluation failed; the next one runs on time", e);
      } finally {
        scheduleNext();
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

  /** One evaluation, at the current tick; nothing when that tick was evaluated or the figures are not global yet. */
  void evaluate() {
    long every = config.evaluateEvery().toMillis();
    Instant tick = Instant.ofEpochMilli(Math.floorDiv(clock.millis(), every) * every);
    if ((lastTick != null && !tick.isAfter(lastTick)) || !ready.getAsBoolean()) {
      return;
    }
    lastTick = tick;
    List<Observation> observed = new ArrayList<>();
    comparisons.compare(new Window(config.windowMinutes()), config.baselineMinutes(), config.minRequests())
        .forEach(c -> observed.add(new Observation(c, rule.judge(c))));
    Outcome outcome = flags.evaluate(observed, tick);
    outcome.decisions().forEach(this::decided);
    boolean publishing = publisherRole.getAsBoolean();
    List<FlagView> raised = flags.raised();
    List<Advisory> toSend = new ArrayList<>(outcome.announcements());
    if (publishing && !wasPublishing) {
      toSend.addAll(takeOver(tick, raised));
    }
    board.update(raised, outcome.decisions(), tick, publishing);
    countActive(raised);
    metrics.publishing(publishing);
    wasPublishing = publishing;
    if (publishing) {
      send(toSend);
    } else {
      unsent.clear();
    }
  }

  /** What a new publisher sends beyond this tick's announcements. */
  private List<Advisory> takeOver(Instant tick, List<FlagView> raised) {
    List<Advisory> more = new ArrayList<>(flags.announceAll(tick));
    int clearings = 0;
    Set<String> raisedNow = new HashSet<>();
    raised.forEach(flag -> raisedNow.add(Advisory.networkKey(flag.country(), flag.asn())));
    Instant since = tick.minus(config.republishInterval());
    for (Advisory decision : board.snapshot().recent()) {
      if (decision.issuedAt().isBefore(since)) {
        break;
      }
      if (decision.state() == Advisory.State.CLEARED && !raisedNow.contains(decision.key())) {
        more.add(decision);
        clearings++;
      }
    }
    log.info("This instance publishes ISP advisories now: {} raised network(s) announced, {} recent clearing(s)"
        + " sent again", raisedNow.size(), clearings);
    return more;
  }

  private void send(List<Advisory> advisories) {
    Set<String> fresh = new HashSet<>();
    advisories.forEach(a -> fresh.add(a.key()));
    List<Advisory> all = new ArrayList<>();
    // one key at a time: a send failing meanwhile (on the producer's thread) is kept for the next round
    for (String key : List.copyOf(unsent.keySet())) {
      Advisory old = unsent.remove(key);
      if (old != null && !fresh.contains(key)) {
        all.add(old);
      }
    }
    all.addAll(advisories);
    for (Advisory advisory : all) {
      publisher.publish(advisory).whenComplete((ok, failure) -> {
        if (failure == null) {
          metrics.published(advisory.state().name());
          return;
        }
        metrics.publishFailed();
        log.warn("Advisory {} ({} {}) not published, sent again at the next evaluation: {}", advisory.advisoryId(),
            advisory.state(), advisory.key(), failure.toString());
        // a newer one for the network, failed too, wins over this one
        unsent.merge(advisory.key(), advisory, (a, b) -> a.issuedAt().isAfter(b.issuedAt()) ? a : b);
      });
    }
  }

  private void decided(Advisory decision) {
    var e = decision.evidence();
    if (decision.state() == Advisory.State.RAISED) {
      metrics.raised(decision.country());
    } else {
      metrics.cleared(decision.country());
    }
    log.info("ISP trouble {}: country={} asn={} isp='{}' signals={} requests={} errorRate={} (baseline {}, country {})"
        + " p95Ms={} (baseline {}, country {}) throughput={} (baseline {}, country {}) advisory={}", decision.state(),
        decision.country(), decision.asn(), decision.isp(), decision.signals(), e.requests(), round(e.errorRate()),
        round(e.baselineErrorRate()), round(e.countryErrorRate()), Math.round(e.p95Ms()), Math.round(e.baselineP95Ms()),
        Math.round(e.countryP95Ms()),
        Math.round(e.throughput()), Math.round(e.baselineThroughput()), Math.round(e.countryThroughput()),
        decision.advisoryId());
  }

  private void countActive(List<FlagView> raised) {
    Map<String, Integer> byCountry = new HashMap<>();
    Map<String, Integer> bySignal = new HashMap<>();
    for (FlagView flag : raised) {
      byCountry.merge(flag.country(), 1, Integer::sum);
      flag.signals().forEach(signal -> bySignal.merge(signal.name(), 1, Integer::sum));
    }
    metrics.active(byCountry, bySignal);
  }

  private static double round(double rate) {
    return Math.round(rate * 10_000) / 10_000.0;
  }
}
