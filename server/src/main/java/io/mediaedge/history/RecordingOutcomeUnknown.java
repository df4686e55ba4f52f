package io.mediaedge.history;

import io.mediaedge.errors.ApiException;

/**
 * A recording write that failed without saying whether it was applied: it reached Cassandra (or
 * may have) and no answer came in time, so it may land later. Its upload must be undone in
 * Cassandra ({@link HistoryStore#unrecordUpload}) before its object is removed. {@link #answer()}
 * is what the client is told meanwhile.
 */
public final class RecordingOutcomeUnknown extends RuntimeException {
  private final ApiException answer;

  public RecordingOutcomeUnknown(ApiException answer, Throwable cause) {
    super("the recording's outcome is unknown: " + cause, cause);
    this.answer = answer;
  }

  public ApiException answer() {
    return answer;
  }
}
