package io.mediaedge.edge;

import io.mediaedge.config.ReloadableFile;
import io.mediaedge.edge.RouteTable.RouteHint;
import io.mediaedge.edge.RouteTable.Rule;
import io.mediaedge.edge.SteeringOverrides.SteeredNetwork;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides a client's route hint from the current table and, when the region follows advisories,
 * the steering overrides; logs which rule matched and counts it
 * ({@code media_edge_route_hints_total{rule,host}}), so engineers can watch a switch take effect.
 *
 * <p>Precedence: a rule of the file that names the client's ASN (and matches its country, if it
 * lists countries) always wins; otherwise an advisory in force for the client's (country, ASN)
 * replaces what a country-only rule or the defaults would say, unless the kill switch is on.
 */
public final class RouteHints {
  private static final Logger log = LoggerFactory.getLogger(RouteHints.class);

  private final Supplier<RouteTable> table;
  private final ReloadableFile<RouteTable> file;
  private final MeterRegistry metrics;
  /** Null when the region does not follow advisories. */
  private final SteeringOverrides steering;
  private final Map<RouteHint, Counter> counters = new ConcurrentHashMap<>();

  private RouteHints(Supplier<RouteTable> table, ReloadableFile<RouteTable> file, MeterRegistry metrics,
      SteeringOverrides steering) {
    this.table = table;
    this.file = file;
    this.metrics = metrics;
    this.steering = steering;
  }

  /** Routes from a file that reloads when it changes. */
  public static RouteHints fromFile(ReloadableFile<RouteTable> file, MeterRegistry metrics) {
    return new RouteHints(file::get, file, metrics, null);
  }

  /** One fixed table (no routes file configured). */
  public static RouteHints fixed(RouteTable table, MeterRegistry metrics) {
    return new RouteHints(() -> table, null, metrics, null);
  }

  /** The same routes with advisories' overrides on top. */
  public RouteHints following(SteeringOverrides overrides) {
    return new RouteHints(table, file, metrics, overrides);
  }

  public RouteDecision decide(EdgeView view) {
    String country = view.geo().country();
    String asn = view.asn();
    RouteTable current = table.get();
    Optional<Rule> rule = current.match(country, asn);
    RouteHint fromFile = rule.map(Rule::hint).orElse(current.defaults());
    RouteDecision decision = steered(current, country, asn, fromFile)
        .orElseGet(() -> RouteDecision.fromFile(fromFile, rule.isPresent()));
    RouteHint hint = decision.hint();
    counters.computeIfAbsent(hint, h -> Counter.builder("media_edge_route_hints")
        .description("Route hints given, by the rule that matched")
        .tag("rule", h.rule()).tag("host", h.host())
        .register(metrics)).increment();
    log.info("Route hint rule={} host={} proxied={} country={} asn={} pop={} reason={}{}", hint.rule(), hint.host(),
        hint.proxied(), country, asn, view.pop(), decision.reason().label(),
        decision.advisory().map(o -> " advisory=" + o.advisoryId() + " instead of " + decision.fileRule()).orElse(""));
    return decision;
  }

  private Optional<RouteDecision> steered(RouteTable current, String country, String asn, RouteHint fromFile) {
    Optional<SteeredNetwork> override = steering == null ? Optional.empty() : steering.find(country, asn);
    // An engineer's entry for this network in the file always wins over an advisory.
    if (override.isEmpty() || current.namesNetwork(country, asn)) {
      return Optional.empty();
    }
    if (steering.killSwitchOn()) {
      steering.countSuppressed(country);
      return Optional.empty();
    }
    return Optional.of(RouteDecision.steered(steering.hint(override.get(), fromFile), override.get(), fromFile));
  }

  public void watch(Vertx vertx, Duration interval) {
    if (file != null) {
      file.onChange(loaded -> log.info("Route table now has {} rule(s), default host {}", loaded.rules().size(),
          loaded.defaults().host()));
      file.watch(vertx, interval);
    }
  }

  public void stop() {
    if (file != null) {
      file.stop();
    }
  }
}
