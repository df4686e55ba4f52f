package io.mediaedge.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.mediaedge.config.EdgeConfig.HistoryConfig;
import io.mediaedge.config.EdgeConfig.QuotaConfig;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.QuotaStore;
import io.mediaedge.history.ResumableStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the rest of the server needs from Cassandra, started with one call: opens the
 * session, creates the keyspace and applies the schema, prepares the statements, and hands out
 * the {@link HistoryStore} and {@link QuotaStore}. {@link #close()} closes the session. Every
 * request the sessions send is counted by kind in {@code metrics} ({@link RequestCounter}).
 */
public final class HistoryModule {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryModule.class);
  /** The driver waits this long after a schema change before refreshing metadata (default 1 s per DDL). */
  static final Duration SCHEMA_DEBOUNCE = Duration.ofMillis(10);
  static final Duration RECONNECT_BASE = Duration.ofMillis(500);
  static final Duration RECONNECT_MAX = Duration.ofSeconds(5);
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(20);
  static final int LOCAL_CONNECTIONS = 2;

  private final Vertx vertx;
  private final CqlSession session;
  private final CassandraHistoryStore history;
  private final CassandraQuotaStore quotas;
  private final CassandraResumableStore resumable;

  private HistoryModule(Vertx vertx, CqlSession session, CassandraHistoryStore history, CassandraQuotaStore quotas,
      CassandraResumableStore resumable) {
    this.vertx = vertx;
    this.session = session;
    this.history = history;
    this.quotas = quotas;
    this.resumable = resumable;
  }

  /** Fails with HISTORY_UNAVAILABLE when Cassandra cannot be reached; then nothing is left open. */
  public static Future<HistoryModule> start(Vertx vertx, HistoryConfig history, QuotaConfig quota,
      MeterRegistry metrics) {
    Context context = vertx.getOrCreateContext();
    RequestCounter counter = new RequestCounter(metrics);
    long t0 = System.nanoTime();
    // The keyspace may not exist yet, and a session can only be bound to an existing one: a
    // short-lived session creates it first.
    return DriverFailures.onContext(builder(history, counter).buildAsync(), context)
        .compose(bootstrap -> DriverFailures.onContext(bootstrap.executeAsync(
                SimpleStatement.newInstance(SchemaMigrator.createKeyspace(history)).setTimeout(SchemaMigrator.DDL_TIMEOUT)), context)
            .onComplete(done -> bootstrap.closeAsync()))
        .compose(v -> DriverFailures.onContext(builder(history, counter).withKeyspace(history.keyspace()).buildAsync(), context))
        .compose(session -> new SchemaMigrator(session, history, context).migrate()
            .compose(v -> Future.all(CassandraHistoryStore.prepare(vertx, session, history),
                CassandraQuotaStore.prepare(vertx, session, history, quota),
                CassandraResumableStore.prepare(vertx, session, history)))
            .map(all -> new HistoryModule(vertx, session, all.resultAt(0), all.resultAt(1), all.resultAt(2)))
            .onFailure(e -> session.closeAsync())
            .onSuccess(m -> LOG.info("Media history ready in keyspace {} ({} ms)", history.keyspace(),
                (System.nanoTime() - t0) / 1_000_000)));
  }

  private static CqlSessionBuilder builder(HistoryConfig history, RequestCounter counter) {
    DriverConfigLoader loader = DriverConfigLoader.programmaticBuilder()
        .withString(DefaultDriverOption.PROTOCOL_VERSION, history.protocolVersion())
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, history.consistency())
        .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, history.serialConsistency())
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, history.requestTimeout())
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, SCHEMA_DEBOUNCE)
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, history.requestTimeout())
        // Netty's default 2 s quiet period would make every session close (and shutdown) that much slower
        .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
        .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
        // after an outage, find the nodes again within seconds rather than the default minute
        .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, RECONNECT_BASE)
        .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, RECONNECT_MAX)
        // A CPU-starved machine (10,000 hostile connections on two cores) can take seconds to
        // answer a heartbeat; with the default timeout (the init-query timeout) the driver would
        // close a healthy connection and fail every request on it until it reconnected (the likely
        // cause of uploads failing with no node available in an earlier attack run). Requests keep
        // their own timeout; a heartbeat only needs to notice a dead node.
        .withDuration(DefaultDriverOption.HEARTBEAT_TIMEOUT, HEARTBEAT_TIMEOUT)
        // Two connections per node: when one is closed, requests go on over the other.
        .withInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE, LOCAL_CONNECTIONS)
        .build();
    CqlSessionBuilder builder = CqlSession.builder()
        .withConfigLoader(loader)
        .withRequestTracker(counter)
        .withLocalDatacenter(history.localDatacenter());
    for (String hostPort : history.contactPoints()) {
      int colon = hostPort.lastIndexOf(':');
      String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
      builder.addContactPoint(InetSocketAddress.createUnresolved(host, Integer.parseInt(hostPort.substring(colon + 1))));
    }
    if (history.username().isPresent()) {
      builder.withAuthCredentials(history.username().get(), history.password().orElseThrow());
    }
    return builder;
  }

  public HistoryStore history() {
    return history;
  }

  public QuotaStore quotas() {
    return quotas;
  }

  public ResumableStore resumable() {
    return resumable;
  }

  /** The concrete quota store, for operator actions such as per-user limits. */
  public CassandraQuotaStore quotaAdmin() {
    return quotas;
  }

  /** What the region audit reads and repairs ({@code bin/media-edge audit}). */
  public CassandraAuditRows auditRows() {
    return new CassandraAuditRows(session, quotas);
  }

  /** The session itself, for tests that look at rows no store reads back. */
  CqlSession session() {
    return session;
  }

  /** Gives the quota leases back (a no-op when the server did already) and closes the session. */
  public Future<Void> close() {
    return quotas.close()
        .eventually(() -> Future.fromCompletionStage(session.closeAsync(), vertx.getOrCreateContext()).mapEmpty());
  }
}
