package io.mediaedge.insights.slots;

import io.mediaedge.eventschema.HistoryEvent.Action;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What became of one request: its action and the status it was answered with (an HTTP status, or
 * the error code of a failed upload). Every count in a slot is kept per outcome, so an error rate
 * by error code can be read from any table.
 */
public record Outcome(Action action, String status) {
  private static final int POOL_LIMIT = 10_000;
  private static final ConcurrentHashMap<Outcome, Outcome> POOL = new ConcurrentHashMap<>();

  public Outcome {
    Objects.requireNonNull(action, "action");
    status = status == null ? "" : status;
  }

  /**
   * The shared instance: there are a few dozen outcomes and every slot refers to them thousands of
   * times, so one object each (bounded, like {@link Names}).
   */
  public static Outcome of(Action action, String status) {
    Outcome outcome = new Outcome(action, Names.canonical(status));
    Outcome known = POOL.get(outcome);
    if (known != null || POOL.size() >= POOL_LIMIT) {
      return known != null ? known : outcome;
    }
    known = POOL.putIfAbsent(outcome, outcome);
    return known != null ? known : outcome;
  }

  /**
   * A failed upload is an error whatever its code; otherwise a numeric status of 400 or more.
   * Downloads and deletes are only recorded when served, so today this is the failed uploads.
   */
  public boolean isError() {
    if (action == Action.UPLOAD_FAILED) {
      return true;
    }
    return status.length() == 3 && status.charAt(0) >= '4' && status.chars().allMatch(Character::isDigit);
  }
}
