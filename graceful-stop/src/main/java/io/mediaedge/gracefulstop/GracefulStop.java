package io.mediaedge.gracefulstop;

import java.util.function.BooleanSupplier;
import sun.misc.Signal;

/**
 * Runs a deployable's drain once, whichever of SIGTERM and the JVM's shutdown asks first.
 *
 * <p>SIGTERM is how containers, systemd and orchestrators stop a process. The JVM's own handler
 * exits with 143 however well the drain went, which they report as a failure; here the drain runs
 * first and the process exits 0 when it finished cleanly, 1 when it did not (the shutdown hook
 * then finds it done).
 */
public final class GracefulStop {
  private final BooleanSupplier drain;
  private Boolean clean;

  GracefulStop(BooleanSupplier drain) {
    this.drain = drain;
  }

  /** {@code drain} answers whether everything stopped cleanly; {@code name} names the hook's thread. */
  public static void install(String name, BooleanSupplier drain) {
    GracefulStop stop = new GracefulStop(drain);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::run, name + "-shutdown"));
    Signal.handle(new Signal("TERM"), signal -> System.exit(stop.run() ? 0 : 1));
  }

  /** The drain's answer, from its one run. */
  synchronized boolean run() {
    if (clean == null) {
      clean = drain.getAsBoolean();
    }
    return clean;
  }
}
