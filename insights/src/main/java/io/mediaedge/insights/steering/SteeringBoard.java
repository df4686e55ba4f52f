package io.mediaedge.insights.steering;

import io.mediaedge.eventschema.Advisory;
import io.mediaedge.eventschema.SteeringReport;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the media-edge instances that follow advisories say they steer: the latest report of each
 * instance. An advisory says what insights asked for; this says what the regions do about it
 * (applied, held back by a kill switch, refused at the cap), which is what an engineer looking at
 * a flagged network needs to know.
 *
 * <p>An instance reports at least every {@code everySeconds}; one silent for
 * {@link #STALE_AFTER_PERIODS} periods is taken as gone (stopped, or cut off from Kafka) and its
 * overrides are no longer shown. Written by the report reader's thread, read by any thread.
 */
public final class SteeringBoard {
  /** Missed reports after which an instance is forgotten: one late report must not hide it. */
  static final int STALE_AFTER_PERIODS = 3;

  /** One region's override of one network, as its instance reported it. */
  public record EdgeOverride(String region, String instance, String alternativeHost, String advisoryId,
      Instant since, Instant until, boolean heldBack) {}

  private final Map<String, SteeringReport> byInstance = new ConcurrentHashMap<>();
  private final Clock clock;

  public SteeringBoard(Clock clock) {
    this.clock = clock;
  }

  /** Keeps the newer of this report and the one held for its instance. */
  public void accept(SteeringReport report) {
    byInstance.merge(report.key(), report,
        (held, incoming) -> incoming.reportedAt().isBefore(held.reportedAt()) ? held : incoming);
  }

  /** The reports of the instances still reporting, by region then instance; forgets the others. */
  public List<SteeringReport> current() {
    Instant now = clock.instant();
    byInstance.values().removeIf(r -> stale(r, now));
    List<SteeringReport> out = new ArrayList<>(byInstance.values());
    out.sort(Comparator.comparing(SteeringReport::region).thenComparing(SteeringReport::instance));
    return out;
  }

  /** Every override of this network in force now, by region. */
  public List<EdgeOverride> forNetwork(String country, String asn) {
    return overridesByNetwork().getOrDefault(Advisory.networkKey(country, asn), List.of());
  }

  /**
   * Every override in force now, by network ({@code country/asn}), each network's by region: one
   * pass over the reports for a whole table of networks.
   */
  public Map<String, List<EdgeOverride>> overridesByNetwork() {
    Instant now = clock.instant();
    Map<String, List<EdgeOverride>> out = new HashMap<>();
    for (SteeringReport report : current()) {
      for (SteeringReport.Steered s : report.steered()) {
        if (s.until().isAfter(now)) {
          out.computeIfAbsent(s.networkKey(), k -> new ArrayList<>()).add(new EdgeOverride(report.region(),
              report.instance(), report.alternativeHost(), s.advisoryId(), s.since(), s.until(), report.killSwitch()));
        }
      }
    }
    return out;
  }

  /**
   * Networks each region steers now (kill switch off), each counted once however many instances
   * steer it; every region still reporting is named, with 0 when it steers none.
   */
  public Map<String, Integer> steeredNetworksByRegion() {
    Instant now = clock.instant();
    Map<String, Set<String>> networks = new TreeMap<>();
    for (SteeringReport report : current()) {
      Set<String> ofRegion = networks.computeIfAbsent(report.region(), r -> new HashSet<>());
      if (!report.killSwitch()) {
        report.steered().stream().filter(s -> s.until().isAfter(now)).forEach(s -> ofRegion.add(s.networkKey()));
      }
    }
    Map<String, Integer> out = new TreeMap<>();
    networks.forEach((region, set) -> out.put(region, set.size()));
    return out;
  }

  /** Instances reporting now, by region. */
  public Map<String, Integer> instancesByRegion() {
    Map<String, Integer> out = new TreeMap<>();
    current().forEach(r -> out.merge(r.region(), 1, Integer::sum));
    return out;
  }

  private static boolean stale(SteeringReport report, Instant now) {
    return report.reportedAt().plusSeconds(report.everySeconds() * STALE_AFTER_PERIODS).isBefore(now);
  }
}
