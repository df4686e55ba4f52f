package io.mediaedge.trace;

import java.util.List;

/**
 * Who a request is, for logs and for the systems it calls: its {@code X-Request-Id} and the W3C
 * {@code traceparent} passed on to S3.
 */
public record RequestTrace(String requestId, String traceparent) {

  /** From the request's headers, by the rules of {@link RequestIds} and {@link TraceParent}. */
  public static RequestTrace fromHeaders(List<String> requestIds, String traceparent) {
    return new RequestTrace(RequestIds.keepOrMake(requestIds),
        TraceParent.parse(traceparent).orElseGet(TraceParent::fresh));
  }

  public String traceId() {
    return TraceParent.traceId(traceparent);
  }
}
