package io.mediaedge.insights;

import io.mediaedge.insights.config.ConfigException;
import io.mediaedge.insights.config.InsightsConfig;
import io.mediaedge.gracefulstop.GracefulStop;
import io.mediaedge.logformat.JsonConsole;
import io.mediaedge.logformat.LineFields;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point: {@code java -jar insights.jar [--config insights/conf/insights.yaml]}. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    InsightsConfig config;
    try {
      config = InsightsConfig.load(configPath(args), System.getenv());
    } catch (ConfigException e) {
      System.err.println("insights cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    // Dev mode and the tests start InsightsApp directly and keep logback.xml's plain lines.
    if (config.logFormat() == InsightsConfig.LogFormat.JSON && !JsonConsole.install(LineFields.NONE)) {
      System.err.println("insights: logging.format json needs Logback as the SLF4J backend; keeping its format");
    }
    Vertx vertx = Vertx.vertx();
    InsightsApp app;
    try {
      app = InsightsApp.start(vertx, config).await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("insights cannot start: " + e.getMessage());
      vertx.close();
      System.exit(1);
      return;
    }
    GracefulStop.install("insights", () -> {
      log.info("Shutting down: publishing the last partials and leaving the group");
      try {
        app.stop().await(40, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        return true;
      } catch (Exception e) {
        log.warn("Stop did not finish cleanly: {}", e.toString());
        return false;
      }
    });
  }

  static Path configPath(String[] args) {
    for (int i = 0; i < args.length - 1; i++) {
      if ("--config".equals(args[i])) {
        return Path.of(args[i + 1]);
      }
    }
    String fromEnv = System.getenv("MEDIA_EDGE_INSIGHTS_CONFIG");
    return Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : "insights/conf/insights.yaml");
  }
}
