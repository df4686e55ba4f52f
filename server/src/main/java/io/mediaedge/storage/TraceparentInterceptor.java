package io.mediaedge.storage;

import io.mediaedge.trace.RequestScope;
import io.mediaedge.trace.TraceParent;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Sends the W3C {@code traceparent} of the request being served with every S3 call the SDK
 * client makes (a new trace for calls made outside a request: sweeps, expiries). The trace is
 * taken when the call is made, on the caller's Vert.x context, and kept with the call: the
 * HTTP request itself is built later, on the SDK's threads, where no request is current.
 */
final class TraceparentInterceptor implements ExecutionInterceptor {
  private static final ExecutionAttribute<String> TRACEPARENT = new ExecutionAttribute<>("media-edge.traceparent");

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    attributes.putAttribute(TRACEPARENT, RequestScope.outgoingTraceparent());
  }

  @Override
  public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    String traceparent = attributes.getAttribute(TRACEPARENT);
    if (traceparent == null) {
      return context.httpRequest();
    }
    return context.httpRequest().toBuilder().putHeader(TraceParent.HEADER, traceparent).build();
  }
}
