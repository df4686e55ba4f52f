package io.mediaedge.upload;

import io.mediaedge.errors.ErrorCode;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Cuts uploads whose client sends slower than a minimum rate. Only time spent waiting on the
 * client counts: an interval in which the server itself held the client back (full read-ahead
 * window because S3 was slower) is never held against it.
 */
public final class SlowUploadGuard {
  private final Vertx vertx;
  private final UploadBody body;
  private final long minBytesPerInterval;
  private final long intervalMillis;
  private long timer = -1;
  private long lastReceived;

  public SlowUploadGuard(Vertx vertx, UploadBody body, long minBytesPerSecond, Duration interval) {
    this.vertx = vertx;
    this.body = body;
    this.intervalMillis = interval.toMillis();
    this.minBytesPerInterval = minBytesPerSecond * intervalMillis / 1000;
  }

  public SlowUploadGuard start() {
    if (minBytesPerInterval > 0) {
      timer = vertx.setPeriodic(intervalMillis, id -> check());
    }
    return this;
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void check() {
    long received = body.received();
    long progress = received - lastReceived;
    lastReceived = received;
    boolean heldBack = body.takeHeldBack();
    if (body.allReceived() || body.failure() != null) {
      stop();
    } else if (!heldBack && progress < minBytesPerInterval) {
      stop();
      body.abort(ErrorCode.REQUEST_TIMEOUT.error("The body arrived slower than " + minBytesPerInterval
          + " bytes per " + intervalMillis / 1000 + " s."));
    }
  }
}
