package io.mediaedge.edge;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steering table's clockwork: lapses overrides on time (answers already ignore a lapsed one;
 * the sweep logs, counts and forgets it), and follows the kill switch file.
 */
public final class SteeringWatch {
  private static final Logger log = LoggerFactory.getLogger(SteeringWatch.class);

  /** The kill switch is checked at least this often: an engineer who pulls it waits no longer. */
  static final Duration MAX_KILL_SWITCH_CHECK = Duration.ofSeconds(1);
  static final Duration EXPIRY_SWEEP = Duration.ofSeconds(1);

  private final SteeringOverrides overrides;
  private final Optional<Path> killSwitchFile;
  private Vertx vertx;
  private long expiryTimer = -1;
  private long killSwitchTimer = -1;

  public SteeringWatch(SteeringOverrides overrides, Optional<Path> killSwitchFile) {
    this.overrides = overrides;
    this.killSwitchFile = killSwitchFile;
  }

  /** Reads the kill switch now (blocking: at start-up, not on an event loop), so it holds from the first answer. */
  public void checkNow() {
    killSwitchFile.ifPresent(file -> overrides.killSwitch(Files.exists(file)));
  }

  public void start(Vertx vertx, Duration reloadCheckInterval) {
    stop();
    this.vertx = vertx;
    expiryTimer = vertx.setPeriodic(EXPIRY_SWEEP.toMillis(), id -> overrides.expire());
    killSwitchFile.ifPresent(file -> {
      long every = Math.min(reloadCheckInterval.toMillis(), MAX_KILL_SWITCH_CHECK.toMillis());
      killSwitchTimer = vertx.setPeriodic(every, id -> vertx.fileSystem().exists(file.toString())
          .onSuccess(overrides::killSwitch)
          .onFailure(e -> log.warn("The steering kill switch file {} cannot be checked: {}", file, e.toString())));
    });
  }

  public void stop() {
    if (vertx != null) {
      vertx.cancelTimer(expiryTimer);
      vertx.cancelTimer(killSwitchTimer);
      expiryTimer = -1;
      killSwitchTimer = -1;
    }
  }
}
