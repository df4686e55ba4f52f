package io.mediaedge.edge;

import io.mediaedge.edge.RouteTable.RouteHint;
import io.mediaedge.edge.SteeringOverrides.SteeredNetwork;
import java.util.Locale;
import java.util.Optional;

/**
 * A client's route hint and why: a rule of the routes file, the file's defaults, or an advisory's
 * override (then {@code advisory} is the override and {@code fileRule} the rule it stands in for).
 */
public record RouteDecision(RouteHint hint, Reason reason, Optional<SteeredNetwork> advisory, String fileRule) {

  /** Why the hint is what it is; {@code GET /v1/edge} shows it as {@code route.reason}. */
  public enum Reason {
    /** A rule of the routes file matched; the hint's {@code rule} names it. */
    RULE,
    /** No rule matched: the file's defaults (or {@code edge.defaultUploadHost} without a file). */
    DEFAULT,
    /** An ISP-trouble advisory steers this client's network. */
    ADVISORY;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static RouteDecision fromFile(RouteHint hint, boolean ruleMatched) {
    return new RouteDecision(hint, ruleMatched ? Reason.RULE : Reason.DEFAULT, Optional.empty(), hint.rule());
  }

  static RouteDecision steered(RouteHint hint, SteeredNetwork advisory, RouteHint replaced) {
    return new RouteDecision(hint, Reason.ADVISORY, Optional.of(advisory), replaced.rule());
  }
}
