package io.mediaedge.cassandra;

import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.servererrors.CASWriteUnknownException;
import com.datastax.oss.driver.api.core.servererrors.DefaultWriteType;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings driver results back to the caller's Vert.x context and turns driver failures into
 * catalog errors, so no driver message or node address ever reaches a client.
 */
final class DriverFailures {
  private static final Logger LOG = LoggerFactory.getLogger(DriverFailures.class);
  /** During an outage every request fails the same way: one warning per interval is enough. */
  private static final long WARN_INTERVAL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
  private static final java.util.concurrent.atomic.AtomicLong lastWarn = new java.util.concurrent.atomic.AtomicLong();

  private DriverFailures() {}

  /** The stage's outcome on {@code context}, failures already mapped. */
  static <T> Future<T> onContext(CompletionStage<T> stage, Context context) {
    return Future.fromCompletionStage(stage, context).recover(e -> Future.failedFuture(toApi(e)));
  }

  static ApiException toApi(Throwable e) {
    Throwable cause = unwrap(e);
    if (cause instanceof ApiException api) {
      return api;
    }
    if (cause instanceof QueryValidationException) {
      // our own CQL or schema is wrong: a bug, not an outage
      LOG.error("Cassandra refused a query", cause);
      return ErrorCode.INTERNAL_ERROR.error();
    }
    long now = System.nanoTime();
    long last = lastWarn.get();
    if ((last == 0 || now - last > WARN_INTERVAL_NANOS) && lastWarn.compareAndSet(last, now)) {
      LOG.warn("Cassandra unavailable: {} (further failures within 10 s logged at debug)", withCauses(cause));
    } else {
      LOG.debug("Cassandra unavailable: {}", withCauses(cause));
    }
    return ErrorCode.HISTORY_UNAVAILABLE.error();
  }

  /**
   * Whether a compare-and-set may or may not have been applied: the truth is found by reading
   * again at SERIAL (which also completes any half-finished Paxos round).
   */
  static boolean outcomeUnknown(Throwable e) {
    Throwable cause = unwrap(e);
    return cause instanceof WriteTimeoutException wte && wte.getWriteType() == DefaultWriteType.CAS
        || cause instanceof CASWriteUnknownException
        || cause instanceof ReadTimeoutException;
  }

  /**
   * Whether a write certainly never reached a replica: no node could be asked, or every node
   * refused the connection before the request went out. Anything else (a timeout, a connection
   * lost mid-request, an overloaded coordinator) may have been applied.
   */
  static boolean certainlyNotSent(Throwable e) {
    Throwable cause = unwrap(e);
    if (cause instanceof com.datastax.oss.driver.api.core.NoNodeAvailableException) {
      return true;
    }
    return cause instanceof com.datastax.oss.driver.api.core.AllNodesFailedException all && !all.getAllErrors().isEmpty()
        && all.getAllErrors().values().stream().flatMap(java.util.List::stream)
            .allMatch(error -> error instanceof com.datastax.oss.driver.api.core.connection.ConnectionInitException);
  }

  static boolean isDriverFailure(Throwable e) {
    return unwrap(e) instanceof DriverException;
  }

  /**
   * The failure and what caused it, on one line: the driver's own message ("Unexpected error on
   * channel") does not say what went wrong, its cause does (an operator needs to tell a timeout
   * from an exhausted memory pool).
   */
  static String withCauses(Throwable failure) {
    StringBuilder line = new StringBuilder(failure.toString());
    Throwable cause = failure.getCause();
    for (int depth = 0; cause != null && depth < 4; depth++, cause = cause.getCause()) {
      line.append(" <- ").append(cause);
    }
    return line.toString();
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
