package io.mediaedge.devstack;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * How dev mode starts insights (the dashboards and ISP-trouble detection over the history topic)
 * beside media-edge. Provided from the server module's test classes, like {@link DevEdge}, so this
 * module depends on neither; dev mode runs without it (and says so) when it is not on the class path.
 */
public interface DevInsights {

  /** Starts one insights instance on {@code port} reading the stack's Kafka. */
  Running start(DevStack stack, int port) throws Exception;

  /** A started insights instance, as dev mode reports it. */
  interface Running {
    /** Where the dashboard and the API answer, e.g. http://localhost:8090/. */
    String url();

    /** Stops it gracefully (its counts published and committed); waits for it. */
    void stop() throws Exception;
  }

  /** The provider on the class path, if any. */
  static Optional<DevInsights> find() {
    return ServiceLoader.load(DevInsights.class).findFirst();
  }
}
