package io.mediaedge.edge;

import io.mediaedge.config.SteeringConfig;
import io.mediaedge.edge.RouteTable.RouteHint;
import io.mediaedge.eventschema.Advisory;
import io.mediaedge.eventschema.SteeringReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The networks that ISP-trouble advisories steer right now: (country, ASN) to the advisory behind
 * it and until when. A RAISED advisory adds a network or extends it (never past {@code ttl} after
 * the advisory was issued), a CLEARED one removes it, and an override nobody renews lapses. At
 * most {@code maxSteeredNetworks} are held; one more is refused. While the kill switch is on, the
 * overrides are kept (and keep lapsing) but none applies, so removing the switch restores exactly
 * what insights still advises.
 *
 * <p>Written by the advisory follower's context, read by every event loop: reads are lock-free
 * map lookups of immutable values; the writes that must see the whole table (the cap) take this
 * object's lock, never for any IO.
 */
public final class SteeringOverrides {
  private static final Logger log = LoggerFactory.getLogger(SteeringOverrides.class);

  static final String OUTCOMES = "media_edge_steering_overrides";
  static final String ACTIVE = "media_edge_steering_overrides_active";
  static final String KILL_SWITCH = "media_edge_steering_kill_switch";
  static final String SUPPRESSED = "media_edge_steering_kill_switch_suppressed";

  /** What became of an advisory (or of an override, for {@code EXPIRED}); the {@code outcome} label. */
  public enum Outcome {
    APPLIED, EXTENDED, CLEARED, EXPIRED, REFUSED_CAP,
    /** A RAISED issued more than {@code ttl} ago: it would have lapsed already. */
    STALE,
    /** A CLEARED for a network not steered, or an advisory older than the one in force. */
    IGNORED,
    /** No two-letter country or no numeric ASN: nothing to steer. */
    INVALID;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One steered network: the advisory in force, since when the network is steered, and until when. */
  public record SteeredNetwork(String country, String asn, String isp, String advisoryId, List<Advisory.Signal> signals,
      Instant issuedAt, Instant steeredSince, Instant expiresAt) {
    public SteeredNetwork {
      signals = List.copyOf(signals);
    }

    /** Whole seconds left (rounded up), so a client never keeps the hint past the override. */
    long secondsLeft(Instant now) {
      long millis = Duration.between(now, expiresAt).toMillis();
      return millis <= 0 ? 0 : (millis + 999) / 1000;
    }
  }

  private final Map<String, SteeredNetwork> byNetwork = new ConcurrentHashMap<>();
  private final Map<String, Counter> suppressed = new ConcurrentHashMap<>();
  private final SteeringConfig config;
  private final Clock clock;
  private final MeterRegistry metrics;
  private volatile boolean killSwitch;
  /** Bumped by every change a steering report would show: an override added, moved, removed; the switch. */
  private volatile long changes;

  public SteeringOverrides(SteeringConfig config, Clock clock, MeterRegistry metrics) {
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
    Gauge.builder(ACTIVE, this, SteeringOverrides::activeCount)
        .description("Networks (country, ASN) steered by an advisory now, kill switch or not").register(metrics);
    Gauge.builder(KILL_SWITCH, this, table -> table.killSwitch ? 1 : 0)
        .description("1 while the steering kill switch file exists: no override applies").register(metrics);
  }

  /** Takes one advisory into the table; logs and counts what became of it. */
  public synchronized Outcome apply(Advisory advisory) {
    String country = advisory.country().trim().toUpperCase(Locale.ROOT);
    String asn = asn(advisory.asn());
    if (!country.matches("[A-Z]{2}") || asn.isEmpty()) {
      log.info("Steering advisory {} ignored: country '{}' / ASN '{}' name no network", advisory.advisoryId(),
          advisory.country(), advisory.asn());
      return count(Outcome.INVALID, "");
    }
    Instant now = clock.instant();
    expire(now);
    String key = Advisory.networkKey(country, asn);
    SteeredNetwork current = byNetwork.get(key);
    if (advisory.state() == Advisory.State.CLEARED) {
      return clear(advisory, key, current);
    }
    // A clock ahead of ours must not stretch the override past ttl from now.
    Instant issued = advisory.issuedAt().isAfter(now) ? now : advisory.issuedAt();
    Instant expiresAt = issued.plus(config.ttl());
    if (!expiresAt.isAfter(now)) {
      log.info("Steering advisory {} for {} asn={} ignored: issued at {}, more than {} ago", advisory.advisoryId(),
          country, asn, advisory.issuedAt(), config.ttl());
      return count(Outcome.STALE, country);
    }
    if (current != null && advisory.issuedAt().isBefore(current.issuedAt())) {
      log.debug("Steering advisory {} for {} asn={} ignored: older than {} in force", advisory.advisoryId(), country,
          asn, current.advisoryId());
      return count(Outcome.IGNORED, country);
    }
    if (current == null && byNetwork.size() >= config.maxSteeredNetworks()) {
      log.info("Steering override refused: country={} asn={} isp='{}' advisory={} signals={}: already {} network(s)"
          + " steered, the most steering.maxSteeredNetworks allows", country, asn, advisory.isp(),
          advisory.advisoryId(), advisory.signals(), byNetwork.size());
      return count(Outcome.REFUSED_CAP, country);
    }
    SteeredNetwork next = new SteeredNetwork(country, asn, advisory.isp(), advisory.advisoryId(), advisory.signals(),
        advisory.issuedAt(), current == null ? now : current.steeredSince(),
        current == null || expiresAt.isAfter(current.expiresAt()) ? expiresAt : current.expiresAt());
    byNetwork.put(key, next);
    changes++;
    Outcome outcome = current == null ? Outcome.APPLIED : Outcome.EXTENDED;
    log.info("Steering override {}: country={} asn={} isp='{}' host={} advisory={} signals={} until {}{}",
        outcome.label(), country, asn, next.isp(), config.alternativeHost(), next.advisoryId(), next.signals(),
        next.expiresAt(), killSwitch ? " (held back: the kill switch is on)" : "");
    return count(outcome, country);
  }

  private Outcome clear(Advisory advisory, String key, SteeredNetwork current) {
    if (current == null || advisory.issuedAt().isBefore(current.issuedAt())) {
      log.debug("Steering advisory {} (CLEARED) for {} ignored: {}", advisory.advisoryId(), key,
          current == null ? "not steered" : "older than " + current.advisoryId());
      return count(Outcome.IGNORED, current == null ? "" : current.country());
    }
    byNetwork.remove(key);
    changes++;
    log.info("Steering override cleared: country={} asn={} isp='{}' advisory={} (raised by {}, steered since {})",
        current.country(), current.asn(), current.isp(), advisory.advisoryId(), current.advisoryId(),
        current.steeredSince());
    return count(Outcome.CLEARED, current.country());
  }

  /** Removes, logs and counts the overrides whose time is up; returns how many. */
  public synchronized int expire() {
    return expire(clock.instant());
  }

  private int expire(Instant now) {
    int expired = 0;
    for (SteeredNetwork o : List.copyOf(byNetwork.values())) {
      if (!o.expiresAt().isAfter(now) && byNetwork.remove(Advisory.networkKey(o.country(), o.asn()), o)) {
        log.info("Steering override expired: country={} asn={} isp='{}' advisory={} (steered since {}, no newer"
            + " advisory within {})", o.country(), o.asn(), o.isp(), o.advisoryId(), o.steeredSince(), config.ttl());
        count(Outcome.EXPIRED, o.country());
        changes++;
        expired++;
      }
    }
    return expired;
  }

  /** The override in force for this network, kill switch or not (one that has lapsed counts as none). */
  public Optional<SteeredNetwork> find(String country, String asn) {
    if (asn.isEmpty()) {
      return Optional.empty();
    }
    SteeredNetwork o = byNetwork.get(Advisory.networkKey(country, asn));
    return o != null && o.expiresAt().isAfter(clock.instant()) ? Optional.of(o) : Optional.empty();
  }

  /** The hint for a steered client: the alternative host, kept no longer than the override or the file's hint. */
  public RouteHint hint(SteeredNetwork o, RouteHint replaced) {
    return new RouteHint("advisory", config.alternativeHost(), config.alternativeProxied(),
        Math.min(replaced.ttlSeconds(), o.secondsLeft(clock.instant())));
  }

  public boolean killSwitchOn() {
    return killSwitch;
  }

  /** Turns the kill switch on or off; a change is logged. */
  public void killSwitch(boolean on) {
    boolean was;
    synchronized (this) {
      was = killSwitch;
      killSwitch = on;
      if (was != on) {
        changes++;
      }
    }
    if (was != on) {
      String file = config.killSwitchFile().map(Object::toString).orElse("-");
      if (on) {
        log.info("Steering kill switch on ({} exists): no override applies, {} held back", file, activeCount());
      } else {
        log.info("Steering kill switch off ({} is gone): {} override(s) apply again", file, activeCount());
      }
    }
  }

  /** Counts an answer an override would have steered had the kill switch been off. */
  void countSuppressed(String country) {
    suppressed.computeIfAbsent(country, c -> Counter.builder(SUPPRESSED)
        .description("Route answers an advisory would have steered, held back by the kill switch")
        .tag("country", c).register(metrics)).increment();
  }

  /** The overrides in force, soonest to lapse first. */
  public List<SteeredNetwork> active() {
    Instant now = clock.instant();
    List<SteeredNetwork> out = new ArrayList<>();
    for (SteeredNetwork o : byNetwork.values()) {
      if (o.expiresAt().isAfter(now)) {
        out.add(o);
      }
    }
    out.sort(Comparator.comparing(SteeredNetwork::expiresAt));
    return out;
  }

  /** How many changes the table has seen; a reporter that saw another number has news to send. */
  public long changes() {
    return changes;
  }

  /** The whole table as a steering report of this instance. */
  public SteeringReport report(String region, String instance, long everySeconds) {
    List<SteeringReport.Steered> steered = new ArrayList<>();
    for (SteeredNetwork o : active()) {
      steered.add(new SteeringReport.Steered(o.country(), o.asn(), o.isp(), o.advisoryId(), o.steeredSince(),
          o.expiresAt()));
    }
    return new SteeringReport(region, instance, clock.instant(), everySeconds, config.alternativeHost(), killSwitch,
        config.maxSteeredNetworks(), steered);
  }

  public int activeCount() {
    return active().size();
  }

  private Outcome count(Outcome outcome, String country) {
    // Country, not ASN: at most a few hundred values, where ASNs would be tens of thousands.
    Counter.builder(OUTCOMES).description("Advisories taken in and overrides lapsed, by what became of them")
        .tag("outcome", outcome.label()).tag("country", country).register(metrics).increment();
    return outcome;
  }

  /** {@code AS9318}, {@code 09318} and {@code 9318} are one ASN; anything else names none (""). */
  private static String asn(String text) {
    String digits = text.trim().toUpperCase(Locale.ROOT);
    digits = digits.startsWith("AS") ? digits.substring(2) : digits;
    if (!digits.matches("\\d{1,10}")) {
      return "";
    }
    long value = Long.parseLong(digits);
    return value > 0 ? Long.toString(value) : "";
  }
}
