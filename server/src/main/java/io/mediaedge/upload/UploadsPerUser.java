package io.mediaedge.upload;

import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each user's uploads in progress on this instance, and the limit on them. Checked before an upload
 * is admitted to the memory budget, so one account (a stolen token, a broken client) cannot fill
 * the server with bodies it trickles: past the limit it gets 429 at once, holding nothing. Counted
 * per user rather than per client address, which behind a carrier's NAT is thousands of people.
 * Shared by every event loop.
 */
public final class UploadsPerUser {
  /** Seconds a refused client is asked to wait: an upload slot frees as soon as one finishes. */
  static final String RETRY_AFTER_SECONDS = "1";

  private final int limit;
  private final ConcurrentHashMap<String, Integer> inProgress = new ConcurrentHashMap<>();

  public UploadsPerUser(int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive");
    }
    this.limit = limit;
  }

  /**
   * Counts one more upload of {@code owner}; the returned slot must be {@link Slot#end ended}
   * exactly once. Empty when the user is at the limit.
   */
  public Optional<Slot> start(String owner) {
    boolean[] started = {false};
    inProgress.compute(owner, (user, n) -> {
      int now = n == null ? 0 : n;
      if (now >= limit) {
        return n;
      }
      started[0] = true;
      return now + 1;
    });
    return started[0] ? Optional.of(new Slot(owner)) : Optional.empty();
  }

  /** The refusal for a user at the limit. */
  public ApiException refusal() {
    return ErrorCode.TOO_MANY_UPLOADS.error("At most " + limit + " of your uploads may be in progress here at once;"
        + " wait for one to finish.").withHeader("Retry-After", RETRY_AFTER_SECONDS);
  }

  /** Uploads in progress for {@code owner}. */
  public int inProgress(String owner) {
    return inProgress.getOrDefault(owner, 0);
  }

  /** One counted upload; ending it twice is harmless. */
  public final class Slot {
    private final String owner;
    private boolean ended;

    private Slot(String owner) {
      this.owner = owner;
    }

    public synchronized void end() {
      if (!ended) {
        ended = true;
        inProgress.computeIfPresent(owner, (user, n) -> n <= 1 ? null : n - 1);
      }
    }
  }
}
