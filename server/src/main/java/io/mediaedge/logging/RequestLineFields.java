package io.mediaedge.logging;

import io.mediaedge.logformat.LineFields;
import io.mediaedge.trace.RequestScope;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What media-edge adds to each JSON line: {@code requestId} and {@code traceId} of the request
 * served on the logging thread's Vert.x context (see {@link RequestScope}), none outside a request.
 */
public final class RequestLineFields {
  /** The source to give {@code io.mediaedge.logformat}'s encoder. */
  public static final LineFields CURRENT_REQUEST =
      new LineFields(Set.of("requestId", "traceId"), RequestLineFields::current);

  private RequestLineFields() {}

  private static Map<String, String> current() {
    return RequestScope.current().map(trace -> {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("requestId", trace.requestId());
      fields.put("traceId", trace.traceId());
      return fields;
    }).orElse(Map.of());
  }
}
