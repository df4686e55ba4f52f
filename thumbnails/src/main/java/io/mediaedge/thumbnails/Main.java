package io.mediaedge.thumbnails;

import io.mediaedge.gracefulstop.GracefulStop;
import io.mediaedge.thumbnails.config.ThumbnailsConfig;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point: {@code bin/thumbnails [--config conf/thumbnails.yaml]}. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    ThumbnailsConfig config;
    try {
      config = ThumbnailsConfig.load(configPath(args), System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("thumbnails cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    ThumbnailsApp app;
    try {
      app = ThumbnailsApp.start(config);
    } catch (RuntimeException e) {
      System.err.println("thumbnails cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    GracefulStop.install("thumbnails", () -> {
      log.info("Shutting down: finishing the batch in hand and leaving the group");
      try {
        app.close();
        return true;
      } catch (RuntimeException e) {
        log.warn("Stop did not finish cleanly: {}", e.toString());
        return false;
      }
    });
  }

  /** {@code --config FILE}, else {@code MEDIA_EDGE_THUMBNAILS_CONFIG}, else the repository's file. */
  static Path configPath(String[] args) {
    int flag = java.util.Arrays.asList(args).indexOf("--config");
    String named = flag >= 0 && flag + 1 < args.length ? args[flag + 1] : System.getenv("MEDIA_EDGE_THUMBNAILS_CONFIG");
    return Path.of(named == null || named.isBlank() ? "thumbnails/conf/thumbnails.yaml" : named);
  }
}
