package io.mediaedge.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.mediaedge.audit.AuditRows;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The audit's view of the history keyspace: whole-table scans paged by the driver (a page of 1,000
 * rows at a time, so memory does not grow with the table), single-partition reads, and the quota
 * repairs through {@link CassandraQuotaStore}'s compare-and-set. Blocking: the audit calls it from
 * its own threads, never from an event loop.
 */
public final class CassandraAuditRows implements AuditRows {
  private static final int PAGE = 1_000;

  private final CqlSession session;
  private final CassandraQuotaStore quotas;

  CassandraAuditRows(CqlSession session, CassandraQuotaStore quotas) {
    this.session = session;
    this.quotas = quotas;
  }

  @Override
  public void media(Consumer<MediaRow> each) {
    scan("SELECT owner, media_id, status, size, sha256, object_key, created_at FROM media_by_owner",
        row -> each.accept(new MediaRow(row.getString("owner"), row.getString("media_id"), row.getString("status"),
            row.getLong("size"), row.getString("sha256"), row.getString("object_key"), row.getInstant("created_at"))));
  }

  @Override
  public boolean hasMedia(String owner) {
    return session.execute(SimpleStatement.newInstance("SELECT media_id FROM media_by_owner WHERE owner = ? LIMIT 1",
        owner)).one() != null;
  }

  /** {@code usedBytes} and {@code mediaCount} as the row holds them: leases' unfolded charges are not added here. */
  @Override
  public void usage(Consumer<Usage> each) {
    scan("SELECT owner, used_bytes, media_count, reserved_at FROM usage_by_owner", row -> each.accept(new Usage(
        row.getString("owner"), row.getLong("used_bytes"), row.getLong("media_count"),
        orEmpty(row.getMap("reserved_at", String.class, Instant.class)))));
  }

  @Override
  public Optional<Usage> usageOf(String owner) {
    var usage = join(quotas.usage(owner));
    return Optional.of(new Usage(owner, usage.usedBytes(), usage.mediaCount(), Map.of()));
  }

  @Override
  public Optional<Resumable> resumable(String uploadId) {
    Row row = session.execute(SimpleStatement.newInstance(RESUMABLE + " WHERE upload_id = ?", uploadId)).one();
    return Optional.ofNullable(row).map(CassandraAuditRows::resumable);
  }

  @Override
  public void resumables(Consumer<Resumable> each) {
    scan(RESUMABLE, row -> each.accept(resumable(row)));
  }

  private static final String RESUMABLE = "SELECT upload_id, owner, object_key, finished, expires_at"
      + " FROM resumable_uploads";

  private static Resumable resumable(Row row) {
    return new Resumable(row.getString("upload_id"), row.getString("owner"), row.getString("object_key"),
        Boolean.TRUE.equals(row.get("finished", Boolean.class)), row.getInstant("expires_at"));
  }

  @Override
  public void outbox(Consumer<Transient> each) {
    scan("SELECT event_id, created_at FROM outbox", row -> each.accept(new Transient(row.getString("event_id"), null,
        row.getInstant("created_at"))));
  }

  @Override
  public void pendingDeletions(Consumer<Transient> each) {
    scan("SELECT owner, media_id, object_key, requested_at FROM pending_deletions", row -> each.accept(new Transient(
        row.getString("owner") + "/" + row.getString("media_id"), row.getString("object_key"),
        row.getInstant("requested_at"))));
  }

  @Override
  public void intents(Consumer<Transient> each) {
    scan("SELECT owner, media_id, object_key, started_at FROM upload_intents", row -> each.accept(new Transient(
        row.getString("owner") + "/" + row.getString("media_id"), row.getString("object_key"),
        row.getInstant("started_at"))));
  }

  @Override
  public void adjustUsage(String owner, long deltaBytes, long deltaCount) {
    join(quotas.adjustUsage(owner, deltaBytes, deltaCount));
  }

  @Override
  public void pruneHolds(String owner) {
    join(quotas.pruneHolds(owner));
  }

  private void scan(String query, Consumer<Row> each) {
    // iterating the result set fetches the next page when one is used up
    for (Row row : session.execute(SimpleStatement.newInstance(query).setPageSize(PAGE))) {
      each.accept(row);
    }
  }

  private static <T> T join(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().join();
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }
}
