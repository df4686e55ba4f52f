package io.mediaedge.logformat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The start-up step of {@code logging.format: json}: replaces the root logger's appenders (the
 * plain lines of {@code logback.xml}) with one that writes {@link JsonLineEncoder} lines to
 * standard output. Levels stay as {@code logback.xml} sets them. Only the deployables' production
 * entry points call it; dev mode and the tests keep their plain lines.
 */
public final class JsonConsole {
  static final String APPENDER = "JSON";

  private JsonConsole() {}

  /**
   * Puts JSON lines, with {@code lineFields} added to each, on the root logger; calling it again
   * changes nothing. Returns false, and changes nothing, when SLF4J is bound to another backend
   * than Logback.
   */
  public static boolean install(LineFields lineFields) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return false;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root.getAppender(APPENDER) == null) {
      ConsoleAppender<ILoggingEvent> json = console(context, lineFields);
      root.detachAndStopAllAppenders();
      root.addAppender(json);
    }
    return true;
  }

  private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, LineFields lineFields) {
    JsonLineEncoder encoder = new JsonLineEncoder(lineFields);
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(APPENDER);
    appender.setEncoder(encoder);
    appender.start();
    return appender;
  }
}
