package io.mediaedge.devstack;

import java.util.ServiceLoader;

/**
 * How dev mode starts media-edge over the stack. The server module provides it (from its test
 * classes, with {@code META-INF/services}), so this module, which the server's own tests use, never
 * depends on the server: dev mode runs with both on the class path.
 */
public interface DevEdge {

  /** Starts media-edge on {@code httpsPort} and {@code httpPort} (0 = none) against {@code stack}. */
  Running start(DevStack stack, int httpsPort, int httpPort) throws Exception;

  /** A started media-edge, as dev mode reports it. */
  interface Running {
    int httpsPort();

    /** The plain listener's port, or -1 when there is none. */
    int httpPort();

    /** What the server geo-tags requests with, in one line. */
    String geoSummary();

    /** The region the server signs S3 requests for. */
    String s3Region();

    /** Drains and stops the server; waits for it. */
    void stop() throws Exception;
  }

  /** The one provider on the class path; dev mode cannot run without it. */
  static DevEdge find() {
    return ServiceLoader.load(DevEdge.class).findFirst().orElseThrow(() -> new IllegalStateException(
        "no media-edge on the class path: run dev mode from the repository root with ./mvnw -Pdev compile exec:java"));
  }
}
