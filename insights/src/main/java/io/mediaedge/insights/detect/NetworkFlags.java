package io.mediaedge.insights.detect;

import io.mediaedge.eventschema.Advisory;
import io.mediaedge.eventschema.Advisory.Evidence;
import io.mediaedge.eventschema.Advisory.Signal;
import io.mediaedge.insights.config.DetectionConfig;
import io.mediaedge.insights.detect.TroubleRule.Finding;
import io.mediaedge.insights.query.Figures.NetworkComparison;
import io.mediaedge.insights.query.NetworkFigures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The flag of every network, from one evaluation to the next: no flapping. A network is RAISED
 * once some signal has met its raise threshold at every evaluation for {@code raiseAfter}; it
 * stays raised while any of its signals still meets the looser hold threshold (or another one
 * meets its raise threshold), and is CLEARED once none has for {@code clearAfter}. While raised it
 * is announced again every {@code republishInterval}, as media-edge's overrides lapse unless
 * renewed.
 *
 * <p>Decisions depend only on the figures and the evaluation instants, and ids only on the network
 * and the instant it was raised: two instances evaluating the same figures on the same aligned
 * ticks decide the same advisories with the same ids. Not thread-safe: one detection thread.
 */
final class NetworkFlags {
  private final DetectionConfig config;
  private final Map<String, Flag> flags = new HashMap<>();

  /** A finding about one network at one evaluation. */
  record Observation(NetworkComparison comparison, Finding finding) {}

  /**
   * What one evaluation came to.
   *
   * @param decisions the networks newly RAISED and those CLEARED
   * @param announcements what to publish: the decisions and the RAISED announcements made again
   */
  record Outcome(List<Advisory> decisions, List<Advisory> announcements) {}

  /** Pending (a raise threshold met since {@code pendingSince}) until {@code id} is set: raised. */
  private static final class Flag {
    final String country;
    final String asn;
    String isp;
    Instant pendingSince;
    String id;
    Instant raisedAt;
    Set<Signal> signals;
    Instant failingSince;
    Instant announcedAt;
    Evidence evidence;

    Flag(NetworkComparison first, Instant tick) {
      country = first.country();
      asn = first.asn();
      isp = first.isp();
      pendingSince = tick;
    }

    boolean raised() {
      return id != null;
    }
  }

  NetworkFlags(DetectionConfig config) {
    this.config = config;
  }

  Outcome evaluate(Collection<Observation> observed, Instant tick) {
    Map<String, Observation> byKey = new HashMap<>();
    for (Observation o : observed) {
      byKey.put(o.comparison().key(), o);
      if (!o.finding().raising().isEmpty()) {
        flags.computeIfAbsent(o.comparison().key(), key -> new Flag(o.comparison(), tick));
      }
    }
    List<Advisory> decisions = new ArrayList<>();
    List<Advisory> announcements = new ArrayList<>();
    for (Iterator<Map.Entry<String, Flag>> it = flags.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Flag> entry = it.next();
      Flag flag = entry.getValue();
      // a network gone quiet (no traffic in the window) is judged on nothing: it can only clear
      Observation o = byKey.getOrDefault(entry.getKey(), quiet(flag));
      if (!flag.raised()) {
        if (o.finding().raising().isEmpty()) {
          it.remove();
        } else if (lasted(flag.pendingSince, tick, config.raiseAfter())) {
          Advisory raised = raise(flag, o, tick);
          decisions.add(raised);
          announcements.add(raised);
        }
        continue;
      }
      Advisory next = step(flag, o, tick);
      if (next != null) {
        announcements.add(next);
        if (next.state() == Advisory.State.CLEARED) {
          decisions.add(next);
          it.remove();
        }
      }
    }
    return new Outcome(decisions, announcements);
  }

  private Advisory raise(Flag flag, Observation o, Instant tick) {
    flag.id = raisedId(o.comparison().key(), tick);
    flag.raisedAt = tick;
    flag.signals = EnumSet.copyOf(o.finding().raising());
    flag.isp = o.comparison().isp().isEmpty() ? flag.isp : o.comparison().isp();
    flag.evidence = TroubleRule.evidence(o.comparison());
    flag.announcedAt = tick;
    return advisory(flag, flag.id, Advisory.State.RAISED, tick);
  }

  /** One evaluation of a raised flag: CLEARED, announced again, or nothing to say (null). */
  private Advisory step(Flag flag, Observation o, Instant tick) {
    flag.evidence = TroubleRule.evidence(o.comparison());
    if (!o.comparison().isp().isEmpty()) {
      flag.isp = o.comparison().isp();
    }
    Set<Signal> departing = EnumSet.noneOf(Signal.class);
    for (Signal signal : flag.signals) {
      if (o.finding().holding().contains(signal)) {
        departing.add(signal);
      }
    }
    departing.addAll(o.finding().raising());
    if (!departing.isEmpty()) {
      flag.signals = departing;
      flag.failingSince = null;
    } else if (flag.failingSince == null) {
      flag.failingSince = tick;
    }
    if (flag.failingSince != null && lasted(flag.failingSince, tick, config.clearAfter())) {
      return advisory(flag, clearedId(flag.id), Advisory.State.CLEARED, tick);
    }
    if (lasted(flag.announcedAt, tick, config.republishInterval())) {
      flag.announcedAt = tick;
      return advisory(flag, flag.id, Advisory.State.RAISED, tick);
    }
    return null;
  }

  /**
   * Every raised network announced again now, but those announced at this very tick already: what
   * an instance that has just become the publisher sends, as its predecessor may have been cut off.
   */
  List<Advisory> announceAll(Instant tick) {
    List<Advisory> all = new ArrayList<>();
    for (Flag flag : flags.values()) {
      if (flag.raised() && !flag.announcedAt.equals(tick)) {
        flag.announcedAt = tick;
        all.add(advisory(flag, flag.id, Advisory.State.RAISED, tick));
      }
    }
    return all;
  }

  /** The raised networks, for the API. */
  List<FlagView> raised() {
    List<FlagView> views = new ArrayList<>();
    for (Flag f : flags.values()) {
      if (f.raised()) {
        views.add(new FlagView(f.id, f.country, f.asn, f.isp, List.copyOf(f.signals), f.raisedAt, f.announcedAt,
            f.failingSince, config.windowSeconds(), f.evidence));
      }
    }
    return views;
  }

  private Advisory advisory(Flag flag, String id, Advisory.State state, Instant tick) {
    return new Advisory(id, tick, state, flag.country, flag.asn, flag.isp, List.copyOf(flag.signals),
        config.windowSeconds(), flag.evidence);
  }

  private static Observation quiet(Flag flag) {
    return new Observation(new NetworkComparison(flag.country, flag.asn, "", NetworkFigures.NONE, NetworkFigures.NONE,
        NetworkFigures.NONE), Finding.NOTHING);
  }

  private static boolean lasted(Instant since, Instant now, Duration enough) {
    return Duration.between(since, now).compareTo(enough) >= 0;
  }

  /** The id of the decision to raise a network at an instant: the same on every instance. */
  static String raisedId(String networkKey, Instant raisedAt) {
    return nameId("RAISED " + networkKey + " " + raisedAt.toEpochMilli());
  }

  /** The id of the decision that clears the flag raised as {@code raisedId}. */
  static String clearedId(String raisedId) {
    return nameId("CLEARED " + raisedId);
  }

  private static String nameId(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
