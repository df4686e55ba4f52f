package io.mediaedge.insights.slots;

import io.mediaedge.eventschema.HistoryEvent.Action;
import java.util.Objects;

/**
 * What became of one request: its action and the status it was answered with (an HTTP status, or
 * the error code of a failed upload). Every count in a slot is kept per outcome, so an error rate
 * by error code can be read from any table.
 */
public record Outcome(Action action, String status) {

  public Outcome {
    Objects.requireNonNull(action, "action");
    status = status == null ? "" : status;
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
