package io.mediaedge.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.mediaedge.trace.RequestScope;

/**
 * {@code %requestId} in a plain pattern: {@code " [id]"} while a request is served on the logging
 * thread's Vert.x context, nothing otherwise (so lines made outside requests stay as they were).
 */
public final class RequestIdConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    String id = RequestScope.currentRequestId();
    return id == null ? "" : " [" + id + "]";
  }
}
