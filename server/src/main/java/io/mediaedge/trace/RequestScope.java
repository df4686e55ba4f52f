package io.mediaedge.trace;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.ContextLocal;
import java.util.Optional;

/**
 * Where a request's {@link RequestTrace} lives while it is served: in the Vert.x context of that
 * request. Vert.x gives every HTTP request its own duplicated context, and every callback of the
 * request (body chunks, timers, futures, S3 and Cassandra answers brought back to the context)
 * runs on it, so whatever runs for a request finds its trace, and nothing else does. A thread-local
 * (SLF4J's MDC) would not do: an event loop serves thousands of requests in turns.
 *
 * <p>Vert.x sizes each context's local storage when a {@code Vertx} is built, so the key is
 * registered by this service provider (META-INF/services), which Vert.x loads before that.
 */
public final class RequestScope implements VertxServiceProvider {
  private static final ContextLocal<RequestTrace> TRACE = ContextLocal.registerLocal(RequestTrace.class, trace -> trace);

  @Override
  public void init(VertxBootstrap builder) {
    // Loading this class registered the key; there is nothing to configure.
  }

  /**
   * Makes {@code trace} the current one for everything that runs on {@code context}. Only a
   * request's own (duplicated) context takes it: an event loop's base context is shared by every
   * request, so a trace put there would show up in others' log lines.
   */
  public static boolean bind(Context context, RequestTrace trace) {
    if (!(context instanceof ContextInternal internal) || !internal.isDuplicate()) {
      return false;
    }
    context.putLocal(TRACE, trace);
    return true;
  }

  /** The trace of the request being served on this thread right now, if any. */
  public static Optional<RequestTrace> current() {
    Context context = Vertx.currentContext();
    return context == null ? Optional.empty() : Optional.ofNullable(context.getLocal(TRACE));
  }

  /** The current request's id, or null outside a request. */
  public static String currentRequestId() {
    return current().map(RequestTrace::requestId).orElse(null);
  }

  /** What to send as {@code traceparent} on a call made now: the request's, or a new trace outside one. */
  public static String outgoingTraceparent() {
    return current().map(RequestTrace::traceparent).orElseGet(TraceParent::fresh);
  }
}
