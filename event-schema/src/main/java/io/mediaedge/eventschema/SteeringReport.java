package io.mediaedge.eventschema;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one media-edge instance that follows advisories steers right now: the value of a record on
 * the steering topic (key = {@code region/instance}). Each instance sends its whole table every
 * {@code everySeconds} and at once when it changes, so a reader needs only the latest report per
 * key and can drop an instance whose reports stop (it was stopped, or lost Kafka) after a few
 * missed periods. Insights reads these reports to show, next to each advisory, which regions
 * actually steer that network; an advisory alone says only what insights asked for.
 *
 * <p>The JSON form ({@link SteeringReportJson}, {@code steering-report.schema.json}) is the
 * contract: fields may be added within a {@link #SCHEMA_VERSION}; renaming or removing one needs
 * a new version.
 *
 * @param region the reporting instance's {@code server.region}
 * @param instance unique per run of a process, so two instances of a region (or a restart) never
 *     overwrite each other's table
 * @param everySeconds the longest gap before this instance's next report
 * @param alternativeHost where steered clients are sent
 * @param killSwitch true while an engineer's kill switch holds every override back
 * @param maxSteeredNetworks how many networks the instance steers at most
 * @param steered the overrides in force, kill switch or not
 */
public record SteeringReport(String region, String instance, Instant reportedAt, long everySeconds,
    String alternativeHost, boolean killSwitch, int maxSteeredNetworks, List<Steered> steered) {

  /** The version of the JSON form, written into every report as {@code schemaVersion}. */
  public static final int SCHEMA_VERSION = 1;

  /** One steered network and the advisory behind it. */
  public record Steered(String country, String asn, String isp, String advisoryId, Instant since, Instant until) {
    public Steered {
      Objects.requireNonNull(country, "country");
      Objects.requireNonNull(asn, "asn");
      Objects.requireNonNull(advisoryId, "advisoryId");
      Objects.requireNonNull(since, "since");
      Objects.requireNonNull(until, "until");
      isp = isp == null ? "" : isp;
    }

    /** {@code country/asn}, the key advisories use for the same network. */
    public String networkKey() {
      return Advisory.networkKey(country, asn);
    }
  }

  public SteeringReport {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(reportedAt, "reportedAt");
    alternativeHost = alternativeHost == null ? "" : alternativeHost;
    steered = steered == null ? List.of() : List.copyOf(steered);
  }

  /** The record key on the topic. */
  public String key() {
    return region + "/" + instance;
  }
}
