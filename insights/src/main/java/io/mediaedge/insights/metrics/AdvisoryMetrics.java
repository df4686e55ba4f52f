package io.mediaedge.insights.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What detection decided and published. Every instance judges the same global figures, so the
 * decision counters and gauges are alike on every instance (take {@code max}, not {@code sum},
 * over instances); only the publishing instance counts publications. Labelled by country and
 * signal, never by ASN.
 */
public final class AdvisoryMetrics {
  private final MeterRegistry registry;
  private final BoundedLabels countries = new BoundedLabels("[A-Z]{2}", 300);
  private final Map<String, Counter> raised = new ConcurrentHashMap<>();
  private final Map<String, Counter> cleared = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> activeByCountry = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> activeBySignal = new ConcurrentHashMap<>();
  private final Map<String, Counter> published = new ConcurrentHashMap<>();
  private final Counter publishFailures;
  private final AtomicInteger publishing = new AtomicInteger();

  public AdvisoryMetrics(MeterRegistry registry) {
    this.registry = registry;
    publishFailures = Counter.builder("insights.advisories.publish.failures")
        .description("Advisories the broker did not take (sent again at the next evaluation)").register(registry);
    Gauge.builder("insights.advisories.publisher", publishing, AtomicInteger::get)
        .description("1 on the instance that publishes advisories (it owns partition 0 of the history topic)")
        .register(registry);
  }

  /** A network flagged (a RAISED decision; announcing it again is not counted). */
  public void raised(String country) {
    String label = countries.of(country);
    raised.computeIfAbsent(label, c -> Counter.builder("insights.advisories.raised")
        .description("Networks flagged: RAISED decisions").tag("country", c).register(registry)).increment();
  }

  /** A flag cleared (a CLEARED decision). */
  public void cleared(String country) {
    String label = countries.of(country);
    cleared.computeIfAbsent(label, c -> Counter.builder("insights.advisories.cleared")
        .description("Flags cleared: CLEARED decisions").tag("country", c).register(registry)).increment();
  }

  /**
   * The networks raised now, by country and by signal (a network departing on two signals counts
   * under both). Every label seen before and absent now drops to 0.
   */
  public void active(Map<String, Integer> byCountry, Map<String, Integer> bySignal) {
    Map<String, Integer> countryLabels = new HashMap<>();
    byCountry.forEach((country, count) -> countryLabels.merge(countries.of(country), count, Integer::sum));
    set(activeByCountry, countryLabels, "insights.advisories.active", "country",
        "Networks flagged now, by country");
    set(activeBySignal, bySignal, "insights.advisories.active.signals", "signal",
        "Networks flagged now, by signal that departs");
  }

  private void set(Map<String, AtomicInteger> gauges, Map<String, Integer> values, String name, String tag,
      String description) {
    gauges.forEach((label, gauge) -> gauge.set(values.getOrDefault(label, 0)));
    values.forEach((label, count) -> gauges.computeIfAbsent(label, l -> {
      AtomicInteger gauge = new AtomicInteger();
      Gauge.builder(name, gauge, AtomicInteger::get).description(description).tag(tag, l).register(registry);
      return gauge;
    }).set(count));
  }

  /** An advisory the broker took, by state (RAISED counts announcements made again too). */
  public void published(String state) {
    published.computeIfAbsent(state, s -> Counter.builder("insights.advisories.published")
        .description("Advisories published to the advisory topic by this instance").tag("state", s)
        .register(registry)).increment();
  }

  public void publishFailed() {
    publishFailures.increment();
  }

  public void publishing(boolean publisher) {
    publishing.set(publisher ? 1 : 0);
  }
}
