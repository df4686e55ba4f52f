package io.mediaedge.testing;

import io.mediaedge.config.EdgeConfig;
import io.mediaedge.devstack.DevStack;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * media-edge's configuration for a dev stack: the committed {@code conf/media-edge.yaml} with the
 * stack's endpoints, files and ports laid over it, then the caller's overrides. Tests, dev mode and
 * the benchmarks all configure media-edge through here, so they run what production reads.
 */
public final class DevStackConfig {
  /** The committed configuration, relative to the repository root (where tests and dev mode run). */
  public static final Path COMMITTED = Path.of("conf/media-edge.yaml");

  private DevStackConfig() {}

  /** The whole tree, for a media-edge started elsewhere (a forked JVM reads it as YAML). */
  public static JsonObject tree(DevStack stack, int httpsPort, int httpPort, JsonObject overrides) {
    return EdgeConfig.readYaml(COMMITTED).mergeIn(stack.edgeSettings(httpsPort, httpPort, overrides), true);
  }

  /** The validated configuration, with the stack's S3 credentials from its environment. */
  public static EdgeConfig config(DevStack stack, int httpsPort, int httpPort, JsonObject overrides) {
    return EdgeConfig.fromTree(tree(stack, httpsPort, httpPort, overrides), stack.storageEnv(),
        "the dev stack's configuration");
  }
}
