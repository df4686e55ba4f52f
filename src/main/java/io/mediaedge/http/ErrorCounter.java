package io.mediaedge.http;

import io.mediaedge.errors.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Counts every error answer by its catalog code ({@code media_edge_error_responses_total{code,
 * status}}), so a flood of malformed requests, forged tokens or bad escapes shows on a dashboard
 * instead of in the error log. Every code is registered up front, at zero, so rates exist before
 * the first refusal.
 */
final class ErrorCounter implements Consumer<ErrorCode> {
  static final String METER = "media_edge_error_responses";

  private final Map<ErrorCode, Counter> counters = new EnumMap<>(ErrorCode.class);

  ErrorCounter(MeterRegistry registry) {
    for (ErrorCode code : ErrorCode.values()) {
      counters.put(code, Counter.builder(METER)
          .description("Error answers by catalog code; 4xx codes are client mistakes")
          .tag("code", code.name())
          .tag("status", String.valueOf(code.status()))
          .register(registry));
    }
  }

  @Override
  public void accept(ErrorCode code) {
    counters.get(code).increment();
  }
}
