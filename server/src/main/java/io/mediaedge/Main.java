package io.mediaedge;

import io.mediaedge.config.ConfigException;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.gracefulstop.GracefulStop;
import io.mediaedge.logging.LogOutput;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Production entry point: {@code java -jar media-edge.jar [--config conf/media-edge.yaml]}, or
 * {@code … audit [options]} for the region audit ({@link AuditCommand}).
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && args[0].equals("audit")) {
      LogOutput.toStandardError();
      System.exit(AuditCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv(), System.out,
          System.err));
      return;
    }
    EdgeConfig config;
    try {
      config = EdgeConfig.load(configPath(args), System.getenv());
    } catch (ConfigException e) {
      System.err.println("media-edge cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    // Dev mode and the tests start EdgeServer directly and keep logback(-test).xml's plain lines.
    LogOutput.use(config.logging().format());
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.server().eventLoopsOrCores()));
    EdgeServer server;
    try {
      server = EdgeServer.start(vertx, config).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e instanceof ConfigException ? e : e.getCause() instanceof ConfigException c ? c : e;
      System.err.println("media-edge cannot start: " + cause.getMessage());
      vertx.close();
      System.exit(cause instanceof ConfigException ? 2 : 1);
      return;
    }
    long graceSeconds = config.server().shutdownGrace().toSeconds();
    GracefulStop.install("media-edge", () -> {
      log.info("Shutting down: draining for up to {} s", graceSeconds);
      boolean clean = true;
      // Wait from this thread: callbacks cannot run on event loops that are closing.
      try {
        server.stop().await(graceSeconds + 5, TimeUnit.SECONDS);
      } catch (Exception e) {
        clean = false;
        log.warn("Drain did not finish cleanly: {}", e.toString());
      }
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        clean = false;
        log.warn("Vert.x did not close cleanly: {}", e.toString());
      }
      return clean;
    });
  }

  static Path configPath(String[] args) {
    for (int i = 0; i < args.length - 1; i++) {
      if ("--config".equals(args[i])) {
        return Path.of(args[i + 1]);
      }
    }
    String fromEnv = System.getenv("MEDIA_EDGE_CONFIG");
    return Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : "conf/media-edge.yaml");
  }
}
