package io.mediaedge.testing;

import io.mediaedge.devstack.DevInsights;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.insights.InsightsApp;
import io.mediaedge.insights.config.InsightsConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * insights for dev mode ({@code io.mediaedge.devstack.DevMode}): one instance started in-process
 * from the committed {@code insights/conf/insights.yaml}, reading the dev stack's Kafka. The
 * environment still overrides any option (MEDIA_EDGE_INSIGHTS_...); the stack's address, the port
 * and the instance name are laid over it, and detection's windows are shortened for a demo.
 */
public final class DevModeInsights implements DevInsights {
  /** The committed configuration, relative to the repository root (where dev mode runs). */
  static final Path COMMITTED = Path.of("insights/conf/insights.yaml");

  @Override
  public Running start(DevStack stack, int port) throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("MEDIA_EDGE_INSIGHTS_KAFKA_BOOTSTRAP_SERVERS", stack.kafka().bootstrapServers());
    env.put("MEDIA_EDGE_INSIGHTS_HTTP_PORT", String.valueOf(port));
    env.putIfAbsent("MEDIA_EDGE_INSIGHTS_INSTANCE_NAME", "dev");
    // Detection judges minutes, not a day: in a demo that has run for a few minutes the troubled
    // network can be seen flagged (and the edge steering it) without waiting for a day's baseline.
    env.putIfAbsent("MEDIA_EDGE_INSIGHTS_DETECTION_WINDOW", "3m");
    // A demo's few requests per second give one network tens of requests in minutes, not hundreds.
    env.putIfAbsent("MEDIA_EDGE_INSIGHTS_DETECTION_MIN_REQUESTS", "10");
    env.putIfAbsent("MEDIA_EDGE_INSIGHTS_DETECTION_MIN_BASELINE_REQUESTS", "40");
    env.putIfAbsent("MEDIA_EDGE_INSIGHTS_DETECTION_MIN_ERRORS", "3");
    env.putIfAbsent("MEDIA_EDGE_INSIGHTS_DETECTION_BASELINE_REFRESH", "1m");
    env.putIfAbsent("MEDIA_EDGE_INSIGHTS_DETECTION_RAISE_AFTER", "30s");
    env.putIfAbsent("MEDIA_EDGE_INSIGHTS_DETECTION_CLEAR_AFTER", "2m");
    InsightsConfig config = InsightsConfig.load(COMMITTED, env);
    Vertx vertx = Vertx.vertx();
    InsightsApp app = InsightsApp.start(vertx, config).await(60, TimeUnit.SECONDS);
    return new Running() {
      @Override
      public String url() {
        return "http://localhost:" + app.httpPort() + "/";
      }

      @Override
      public void stop() throws Exception {
        app.stop().await(20, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
      }
    };
  }
}
