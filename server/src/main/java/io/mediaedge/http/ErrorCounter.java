package io.mediaedge.http;

import io.mediaedge.errors.ApiException;
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

  static final String TOKEN_METER = "media_edge_token_refusals";

  private final Map<ErrorCode, Counter> counters = new EnumMap<>(ErrorCode.class);
  /** 401s for a token that was sent but is forged, expired or wrong, apart from no token at all. */
  private final Counter invalidTokens;
  private final Counter missingTokens;

  ErrorCounter(MeterRegistry registry) {
    invalidTokens = tokenCounter(registry, "invalid");
    missingTokens = tokenCounter(registry, "missing");
    for (ErrorCode code : ErrorCode.values()) {
      counters.put(code, Counter.builder(METER)
          .description("Error answers by catalog code; 4xx codes are client mistakes")
          .tag("code", code.name())
          .tag("status", String.valueOf(code.status()))
          .register(registry));
    }
  }

  private static Counter tokenCounter(MeterRegistry registry, String reason) {
    return Counter.builder(TOKEN_METER)
        .description("401 answers: no bearer token (missing), or one that failed verification (invalid)")
        .tag("reason", reason)
        .register(registry);
  }

  @Override
  public void accept(ErrorCode code) {
    counters.get(code).increment();
  }

  /** Counts {@code error}; a refused token also by whether one was sent at all. */
  void count(ApiException error) {
    accept(error.code());
    if (error.code() == ErrorCode.UNAUTHORIZED) {
      String challenge = error.headers().getOrDefault("WWW-Authenticate", "");
      (challenge.contains("invalid_token") ? invalidTokens : missingTokens).increment();
    }
  }
}
