package io.mediaedge.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.mediaedge.config.LoggingConfig;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Puts the configured log format in place at start-up. {@code logback.xml} writes plain lines;
 * {@code logging.format: json} replaces the root logger's appenders with one that writes
 * {@link JsonLineEncoder} lines to standard output. Levels stay as {@code logback.xml} sets them.
 */
public final class LogOutput {
  static final String JSON_APPENDER = "JSON";

  private LogOutput() {}

  /** Applies {@code format}; returns false when SLF4J is bound to another backend than Logback. */
  public static boolean use(LoggingConfig.Format format) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return false;
    }
    if (format == LoggingConfig.Format.JSON) {
      Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      if (root.getAppender(JSON_APPENDER) == null) {
        ConsoleAppender<ILoggingEvent> json = jsonConsole(context);
        root.detachAndStopAllAppenders();
        root.addAppender(json);
      }
    }
    return true;
  }

  private static ConsoleAppender<ILoggingEvent> jsonConsole(LoggerContext context) {
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(JSON_APPENDER);
    appender.setEncoder(encoder);
    appender.start();
    return appender;
  }
}
