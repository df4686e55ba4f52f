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

  /** Applies {@code format}; returns false when JSON was asked for but SLF4J is bound to another backend than Logback. */
  public static boolean use(LoggingConfig.Format format) {
    return format != LoggingConfig.Format.JSON || JsonConsole.install(RequestLineFields.CURRENT_REQUEST);
  }
}
