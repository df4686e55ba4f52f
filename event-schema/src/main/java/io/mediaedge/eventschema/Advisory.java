package io.mediaedge.eventschema;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An ISP-trouble advisory: insights found that the users of one (country, ASN) fare worse than
 * their own trailing baseline and than the rest of their country ({@link State#RAISED}), or that
 * they recovered ({@link State#CLEARED}). The value of a record on the advisory topic (key =
 * {@code country/asn}, so one network's advisories stay in order); media-edge regions that follow
 * advisories steer that network's clients to another upload host while one is raised.
 *
 * <p>The JSON form ({@link AdvisoryJson}, {@code advisory.schema.json}) is the contract: fields may
 * be added within a {@link #SCHEMA_VERSION}; renaming or removing one needs a new version.
 *
 * @param advisoryId unique per advisory message; a repeat of the same message has the same id
 * @param issuedAt when insights decided
 * @param asn the autonomous system number, digits only
 * @param isp the network's name as GeoIP knows it ("" when unknown)
 * @param signals what departed from the baseline: {@link Signal} names, at least one when raised
 * @param windowSeconds the span the evidence was measured over
 * @param evidence the figures behind the decision, for people and dashboards
 */
public record Advisory(String advisoryId, Instant issuedAt, State state, String country, String asn, String isp,
    List<Signal> signals, long windowSeconds, Evidence evidence) {

  /** The version of the JSON form, written into every advisory as {@code schemaVersion}. */
  public static final int SCHEMA_VERSION = 1;

  public enum State { RAISED, CLEARED }

  /** What can depart from a network's baseline. */
  public enum Signal { ERROR_RATE, P95_LATENCY, UPLOAD_THROUGHPUT }

  /**
   * The figures over the window, the same network's trailing baseline, and the rest of its country.
   * Rates are fractions (0.12 = 12 %), latencies milliseconds, throughput bytes per second; a
   * figure that could not be measured (no uploads, say) is -1.
   */
  public record Evidence(long requests, double errorRate, double baselineErrorRate, double countryErrorRate,
      double p95Ms, double baselineP95Ms, double countryP95Ms, double throughput, double baselineThroughput,
      double countryThroughput) {}

  public Advisory {
    Objects.requireNonNull(advisoryId, "advisoryId");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(country, "country");
    Objects.requireNonNull(asn, "asn");
    Objects.requireNonNull(evidence, "evidence");
    isp = isp == null ? "" : isp;
    signals = signals == null ? List.of() : List.copyOf(signals);
  }

  /** The record key on the topic: one network's advisories share a partition, so they stay in order. */
  public String key() {
    return networkKey(country, asn);
  }

  /** {@code country/asn}, e.g. {@code NG/29465}. */
  public static String networkKey(String country, String asn) {
    return country + "/" + asn;
  }
}
