package io.mediaedge.logging;

import io.mediaedge.config.LoggingConfig;
import io.mediaedge.logformat.JsonConsole;

/**
 * Puts the configured log format in place at start-up. {@code logback.xml} writes plain lines;
 * {@code logging.format: json} replaces the root logger's appenders with JSON lines on standard
 * output (module log-format) that name the request being served. Levels stay as
 * {@code logback.xml} sets them.
 */
public final class LogOutput {
  private LogOutput() {}

  /**
   * Sends the plain log lines to standard error: for commands whose standard output is their
   * result (the audit's JSON report).
   */
  public static void toStandardError() {
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining(appender -> {
        if (appender instanceof ch.qos.logback.core.ConsoleAppender<?> console) {
          console.stop();
          console.setTarget("System.err");
          console.start();
        }
      });
    }
  }

  /** Applies {@code format}; returns false when JSON was asked for but SLF4J is bound to another backend than Logback. */
  public static boolean use(LoggingConfig.Format format) {
    return format != LoggingConfig.Format.JSON || JsonConsole.install(RequestLineFields.CURRENT_REQUEST);
  }
}
