package io.mediaedge.devstack;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * How dev mode starts the thumbnails worker beside media-edge. Provided from the server module's
 * test classes, like {@link DevEdge}, so this module depends on neither; dev mode runs without it
 * (and says so) when it is not on the class path.
 */
public interface DevThumbnails {

  /** Starts one worker reading the stack's history topic, writing to its S3 and Cassandra. */
  Running start(DevStack stack) throws Exception;

  /** A started worker, as dev mode reports it. */
  interface Running {
    /** What it is doing, for dev mode's banner. */
    String summary();

    /** Finishes the batch in hand and stops. */
    void stop() throws Exception;
  }

  /** The provider on the class path, if any. */
  static Optional<DevThumbnails> find() {
    return ServiceLoader.load(DevThumbnails.class).findFirst();
  }
}
