package io.mediaedge.edge;

import io.mediaedge.config.ReloadableFile;
import io.mediaedge.edge.RouteTable.RouteHint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides a client's route hint from the current table, logs which rule matched and counts it
 * ({@code media_edge_route_hints_total{rule,host}}), so engineers can watch a switch take effect.
 */
public final class RouteHints {
  private static final Logger log = LoggerFactory.getLogger(RouteHints.class);

  private final Supplier<RouteTable> table;
  private final ReloadableFile<RouteTable> file;
  private final MeterRegistry metrics;
  private final Map<RouteHint, Counter> counters = new ConcurrentHashMap<>();

  private RouteHints(Supplier<RouteTable> table, ReloadableFile<RouteTable> file, MeterRegistry metrics) {
    this.table = table;
    this.file = file;
    this.metrics = metrics;
  }

  /** Routes from a file that reloads when it changes. */
  public static RouteHints fromFile(ReloadableFile<RouteTable> file, MeterRegistry metrics) {
    return new RouteHints(file::get, file, metrics);
  }

  /** One fixed table (no routes file configured). */
  public static RouteHints fixed(RouteTable table, MeterRegistry metrics) {
    return new RouteHints(() -> table, null, metrics);
  }

  public RouteHint decide(EdgeView view) {
    RouteHint hint = table.get().decide(view.geo().country(), view.asn());
    counters.computeIfAbsent(hint, h -> Counter.builder("media_edge_route_hints")
        .description("Route hints given, by the rule that matched")
        .tag("rule", h.rule()).tag("host", h.host())
        .register(metrics)).increment();
    log.info("Route hint rule={} host={} proxied={} country={} asn={} pop={}", hint.rule(), hint.host(),
        hint.proxied(), view.geo().country(), view.asn(), view.pop());
    return hint;
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
