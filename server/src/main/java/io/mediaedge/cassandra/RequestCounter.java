package io.mediaedge.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.tracker.RequestTracker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Counts every request the sessions send, by what it costs Cassandra
 * ({@code media_edge_cassandra_requests_total{kind,outcome}}), so the work behind one upload or
 * download can be read off {@code /metrics} rather than guessed from the code. One count per
 * request the application made (the driver's own retries of it are not counted again); prepares
 * and the driver's metadata queries do not pass through a request tracker.
 */
final class RequestCounter implements RequestTracker {
  static final String METER = "media_edge_cassandra_requests";

  /** What a request costs; the label values are the lower-case names. */
  enum Kind {
    /** A plain read. */
    READ,
    /** A read at SERIAL or LOCAL_SERIAL: a Paxos round that also finishes any half-done one. */
    SERIAL_READ,
    /** A plain insert, update or delete. */
    WRITE,
    /** A conditional statement ({@code IF ...}, {@code IF NOT EXISTS}): a compare-and-set through Paxos. */
    LWT,
    /** A batch without conditions. */
    BATCH,
    /** DDL: keyspace and schema at start-up. */
    SCHEMA,
    /** Anything else (none of ours today). */
    OTHER;

    final String label = name().toLowerCase(Locale.ROOT);
  }

  /**
   * A condition after the WHERE clause (or after the values of an insert). CQL has no other use for
   * {@code IF} in a data-changing statement, and ours bind every value, so no literal can hold one.
   */
  private static final Pattern CONDITION = Pattern.compile("\\bIF\\b", Pattern.CASE_INSENSITIVE);

  private final Map<Kind, Counter> succeeded = new EnumMap<>(Kind.class);
  private final Map<Kind, Counter> failed = new EnumMap<>(Kind.class);
  /** Kinds of prepared queries: as many entries as statements the stores prepare. */
  private final Map<String, Kind> preparedKinds = new ConcurrentHashMap<>();

  RequestCounter(MeterRegistry registry) {
    // Every series exists from the start, so a rate over the first scrape is right.
    for (Kind kind : Kind.values()) {
      succeeded.put(kind, counter(registry, kind, "success"));
      failed.put(kind, counter(registry, kind, "failure"));
    }
  }

  private static Counter counter(MeterRegistry registry, Kind kind, String outcome) {
    return Counter.builder(METER)
        .description("Requests sent to Cassandra by kind (read, serial_read, write, lwt, batch, schema, other)"
            + " and outcome (success: answered, failure: an error or timeout after the driver's retries)")
        .tag("kind", kind.label).tag("outcome", outcome)
        .register(registry);
  }

  @Override
  public void onSuccess(Request request, long latencyNanos, DriverExecutionProfile profile, Node node,
      String requestLogPrefix) {
    succeeded.get(kindOf(request)).increment();
  }

  @Override
  public void onError(Request request, Throwable error, long latencyNanos, DriverExecutionProfile profile, Node node,
      String requestLogPrefix) {
    failed.get(kindOf(request)).increment();
  }

  Kind kindOf(Request request) {
    if (request instanceof BatchStatement batch) {
      for (BatchableStatement<?> statement : batch) {
        if (statementKind(statement) == Kind.LWT) {
          // a conditional batch is one Paxos round over its single partition
          return Kind.LWT;
        }
      }
      return Kind.BATCH;
    }
    Kind kind = statementKind(request);
    if (kind == Kind.READ && request instanceof Statement<?> statement) {
      ConsistencyLevel consistency = statement.getConsistencyLevel();
      return consistency != null && consistency.isSerial() ? Kind.SERIAL_READ : Kind.READ;
    }
    return kind;
  }

  private Kind statementKind(Request request) {
    if (request instanceof BoundStatement bound) {
      return preparedKinds.computeIfAbsent(bound.getPreparedStatement().getQuery(), RequestCounter::queryKind);
    }
    if (request instanceof SimpleStatement simple) {
      return queryKind(simple.getQuery());
    }
    return Kind.OTHER;
  }

  static Kind queryKind(String query) {
    String text = query.strip();
    int space = text.indexOf(' ');
    String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
    return switch (verb) {
      case "SELECT" -> Kind.READ;
      case "INSERT", "UPDATE", "DELETE" -> CONDITION.matcher(text).find() ? Kind.LWT : Kind.WRITE;
      case "BEGIN" -> Kind.BATCH;
      case "CREATE", "ALTER", "DROP", "TRUNCATE", "USE" -> Kind.SCHEMA;
      default -> Kind.OTHER;
    };
  }

  /** The meters stay in the registry after the session closes: their totals are still true. */
  @Override
  public void close() {
  }
}
