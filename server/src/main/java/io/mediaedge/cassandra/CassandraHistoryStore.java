package io.mediaedge.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.mediaedge.config.EdgeConfig.HistoryConfig;
import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.HistoryEventJson;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.history.HistoryStore;
import io.mediaedge.history.MediaRecord;
import io.mediaedge.history.QuotaCharge;
import io.mediaedge.history.RecordingOutcomeUnknown;
import io.mediaedge.history.ThumbnailRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link HistoryStore} over Cassandra (schema in {@code cql/V001__media_history.cql}). Statements are
 * prepared once by {@link #prepare}; consistency, serial consistency and timeouts come from the
 * session's configuration (see {@link HistoryModule}).
 */
public final class CassandraHistoryStore implements HistoryStore {
  /** Rows a listing may scan past (DELETED/DELETING ones) before it returns a short page. */
  static final int MAX_LISTING_SCAN = 2_000;
  /** Events returned for one media, oldest first; downloads can make the tail long. */
  static final int MAX_EVENTS = 1_000;
  /**
   * Groups of small writes on their way at once. Two: a group is sent as soon as the one before
   * has gone, so a lone write never waits for another's answer, and under load each group carries
   * what arrived while the previous ones were out.
   */
  static final int SMALL_WRITES_IN_FLIGHT = 2;

  private static final String EVENT_COLUMNS = "event_id, occurred_at, action, content_type, content_length,"
      + " sha256, status, latency_ms, region, pop, country, city, asn, isp, client_ip, properties, payload";
  private static final String MEDIA_COLUMNS = "owner, media_id, status, content_type, size, sha256, object_key,"
      + " created_at, deleted_at, region, pop, country, city, asn, isp, client_ip, properties";

  private final Vertx vertx;
  private final CqlSession session;
  private final HistoryConfig config;
  private final Map<String, PreparedStatement> statements;
  /**
   * Upload intents, outbox removals and downloads' event rows of requests close together go to
   * Cassandra as one request.
   */
  private final GroupCommit smallWrites;

  private CassandraHistoryStore(Vertx vertx, CqlSession session, HistoryConfig config,
      Map<String, PreparedStatement> statements) {
    this.vertx = vertx;
    this.session = session;
    this.config = config;
    this.statements = statements;
    this.smallWrites = new GroupCommit(vertx, session::executeAsync,
        statement -> statement.computeSizeInBytes(session.getContext()), SMALL_WRITES_IN_FLIGHT);
  }

  /** Prepares every statement once; the schema must exist (run {@link SchemaMigrator} first). */
  static Future<CassandraHistoryStore> prepare(Vertx vertx, CqlSession session, HistoryConfig config) {
    Map<String, String> cql = Map.ofEntries(
        Map.entry("insertMedia", "INSERT INTO media_by_owner (" + MEDIA_COLUMNS + ") VALUES (" + placeholders(MEDIA_COLUMNS) + ")"),
        Map.entry("insertEventByMedia", "INSERT INTO events_by_media (owner, media_id, " + EVENT_COLUMNS
            + ") VALUES (?,?," + placeholders(EVENT_COLUMNS) + ")"),
        Map.entry("insertEventByDay", "INSERT INTO events_by_user_day (owner, day, media_id, " + EVENT_COLUMNS
            + ") VALUES (?,?,?," + placeholders(EVENT_COLUMNS) + ")"),
        Map.entry("insertOutbox", "INSERT INTO outbox (bucket, event_id, key, payload, created_at) VALUES (?,?,?,?,?)"),
        Map.entry("insertPending", "INSERT INTO pending_deletions (bucket, owner, media_id, object_key, requested_at)"
            + " VALUES (?,?,?,?,?)"),
        Map.entry("findMedia", "SELECT " + MEDIA_COLUMNS + " FROM media_by_owner WHERE owner = ? AND media_id = ?"),
        Map.entry("listFirst", "SELECT " + MEDIA_COLUMNS + " FROM media_by_owner WHERE owner = ?"),
        Map.entry("listAfter", "SELECT " + MEDIA_COLUMNS + " FROM media_by_owner WHERE owner = ? AND media_id < ?"),
        Map.entry("markDeleting", "UPDATE media_by_owner SET status = 'DELETING', deleted_at = ?"
            + " WHERE owner = ? AND media_id = ? IF status = 'ACTIVE'"),
        Map.entry("markDeleted", "UPDATE media_by_owner SET status = 'DELETED'"
            + " WHERE owner = ? AND media_id = ? IF status = 'DELETING'"),
        Map.entry("deletePending", "DELETE FROM pending_deletions WHERE bucket = ? AND owner = ? AND media_id = ?"),
        Map.entry("events", "SELECT payload FROM events_by_media WHERE owner = ? AND media_id = ? LIMIT " + MAX_EVENTS),
        Map.entry("outbox", "SELECT bucket, event_id, key, payload, created_at FROM outbox WHERE bucket = ? LIMIT ?"),
        Map.entry("deleteOutboxRows", "DELETE FROM outbox WHERE bucket = ? AND event_id IN ?"),
        Map.entry("insertIntent", "INSERT INTO upload_intents (bucket, media_id, owner, object_key, started_at)"
            + " VALUES (?,?,?,?,?)"),
        Map.entry("insertCharge", "INSERT INTO quota_charges (owner, lease_id, media_id, bytes) VALUES (?,?,?,?)"),
        Map.entry("deleteIntent", "DELETE FROM upload_intents WHERE bucket = ? AND media_id = ?"),
        Map.entry("deleteMedia", "DELETE FROM media_by_owner WHERE owner = ? AND media_id = ?"),
        Map.entry("deleteEventByMedia", "DELETE FROM events_by_media WHERE owner = ? AND media_id = ? AND event_id = ?"),
        Map.entry("deleteEventByDay", "DELETE FROM events_by_user_day WHERE owner = ? AND day = ? AND event_id = ?"),
        Map.entry("deleteOutboxRow", "DELETE FROM outbox WHERE bucket = ? AND event_id = ?"),
        Map.entry("deleteCharge", "DELETE FROM quota_charges WHERE owner = ? AND lease_id = ? AND media_id = ?"),
        Map.entry("intents", "SELECT bucket, media_id, owner, object_key, started_at FROM upload_intents"
            + " WHERE bucket = ? LIMIT ?"),
        Map.entry("thumbnails", "SELECT media_id, size, status, object_key, width, height, bytes, reason, made_at"
            + " FROM thumbnails WHERE owner = ? AND media_id = ?"),
        Map.entry("thumbnailsOfMany", "SELECT media_id, size, status, object_key, width, height, bytes, reason,"
            + " made_at FROM thumbnails WHERE owner = ? AND media_id IN ?"),
        Map.entry("pending", "SELECT bucket, owner, media_id, object_key, requested_at FROM pending_deletions"
            + " WHERE bucket = ? LIMIT ?"));
    Context context = vertx.getOrCreateContext();
    Map<String, PreparedStatement> prepared = new java.util.concurrent.ConcurrentHashMap<>();
    List<Future<Void>> all = new ArrayList<>();
    cql.forEach((name, text) -> all.add(DriverFailures.onContext(session.prepareAsync(text), context)
        .map(ps -> {
          prepared.put(name, ps);
          return null;
        })));
    return Future.all(all).map(v -> new CassandraHistoryStore(vertx, session, config, Map.copyOf(prepared)));
  }

  @Override
  public Future<Void> migrate() {
    return new SchemaMigrator(session, config, vertx.getOrCreateContext()).migrate();
  }

  @Override
  public Future<Void> recordUpload(MediaRecord media, HistoryEvent event, Optional<QuotaCharge> charge) {
    // Logged batch: the media row, both event rows, the outbox row and the quota charge land
    // together or not at all.
    BatchStatement batch = BatchStatement.newInstance(DefaultBatchType.LOGGED, mediaInsert(media))
        .addAll(eventInserts(event))
        .add(bind("deleteIntent", bucketOf(media.mediaId()), media.mediaId()));
    if (charge.isPresent()) {
      QuotaCharge c = charge.get();
      batch = batch.add(bind("insertCharge", c.owner(), c.leaseId(), c.mediaId(), c.bytes()));
    }
    return Future.fromCompletionStage(session.executeAsync(batch), vertx.getOrCreateContext())
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(DriverFailures.isDriverFailure(e) && !DriverFailures.certainlyNotSent(e)
            ? new RecordingOutcomeUnknown(DriverFailures.toApi(e), e) : DriverFailures.toApi(e)));
  }

  @Override
  public Future<Void> unrecordUpload(MediaRecord media, HistoryEvent event, Optional<QuotaCharge> charge) {
    BatchStatement batch = BatchStatement.newInstance(DefaultBatchType.LOGGED,
        bind("deleteMedia", media.owner(), media.mediaId()),
        bind("deleteEventByMedia", event.userId(), event.mediaId(), event.eventId()),
        bind("deleteEventByDay", event.userId(), event.occurredAt().atZone(ZoneOffset.UTC).toLocalDate(),
            event.eventId()),
        bind("deleteOutboxRow", bucketOf(event.eventId()), event.eventId()));
    if (charge.isPresent()) {
      QuotaCharge c = charge.get();
      batch = batch.add(bind("deleteCharge", c.owner(), c.leaseId(), c.mediaId()));
    }
    // The session's timestamps are this client's clock, increasing: this write's is later than
    // the recording's, whenever either reaches the replicas.
    return execute(batch).mapEmpty();
  }

  @Override
  public Future<Void> recordIntent(UploadIntent intent) {
    return grouped(bind("insertIntent", intent.bucket(), intent.mediaId(), intent.owner(), intent.objectKey(),
        intent.startedAt()));
  }

  @Override
  public Future<List<UploadIntent>> staleIntents(int bucket, Instant olderThan, int limit) {
    return execute(bind("intents", bucket, limit)).map(rs -> {
      List<UploadIntent> out = new ArrayList<>();
      for (Row row : rs.currentPage()) {
        Instant started = row.getInstant("started_at");
        if (started != null && started.isBefore(olderThan)) {
          out.add(new UploadIntent(row.getInt("bucket"), row.getString("media_id"), row.getString("owner"),
              row.getString("object_key"), started));
        }
      }
      return out;
    });
  }

  @Override
  public Future<Void> removeIntent(UploadIntent intent) {
    return execute(bind("deleteIntent", intent.bucket(), intent.mediaId())).mapEmpty();
  }

  @Override
  public Future<Void> recordEvent(HistoryEvent event) {
    return execute(BatchStatement.newInstance(DefaultBatchType.LOGGED).addAll(eventInserts(event))).mapEmpty();
  }

  @Override
  public Future<Void> recordEventRows(HistoryEvent event) {
    // Two partitions in one unlogged batch, with other downloads' rows when they come close
    // together: no batchlog, and one request instead of two or more. Cassandra's cost per request,
    // not per row, dominated on the benchmark's machine (3.8 ms of its CPU per ranged GET with two
    // writes); the rows need no atomicity (the event itself is in Kafka).
    List<BoundStatement> rows = eventRowInserts(event, HistoryEventJson.encode(event));
    return DriverFailures.onContext(smallWrites.write(rows), vertx.getOrCreateContext());
  }

  @Override
  public Future<Void> addOutbox(OutboxEntry entry) {
    return execute(bind("insertOutbox", entry.bucket(), entry.eventId(), entry.key(), entry.payload(),
        entry.createdAt())).mapEmpty();
  }

  @Override
  public Future<Optional<MediaRecord>> find(String owner, String mediaId) {
    return execute(bind("findMedia", owner, mediaId)).map(rs -> Optional.ofNullable(rs.one()).map(MediaRows::media));
  }

  @Override
  public Future<Boolean> markDeleting(MediaRecord media, HistoryEvent event) {
    return execute(pendingInsert(media, event)) // first: a delete stopped after the CAS leaves a trace
        .compose(noted -> execute(bind("markDeleting", event.occurredAt(), media.owner(), media.mediaId())))
        .compose(rs -> rs.wasApplied() ? execute(BatchStatement.newInstance(DefaultBatchType.LOGGED)
            .addAll(eventInserts(event))).map(true) : Future.succeededFuture(false));
  }

  private BoundStatement pendingInsert(MediaRecord m, HistoryEvent e) {
    return bind("insertPending", bucketOf(m.mediaId()), m.owner(), m.mediaId(), m.objectKey(), e.occurredAt());
  }

  @Override
  public Future<Void> forgetDeletion(PendingDeletion deletion) {
    return execute(bind("deletePending", deletion.bucket(), deletion.owner(), deletion.mediaId())).mapEmpty();
  }

  @Override
  public Future<Void> completeDeletion(MediaRecord media, HistoryEvent event) {
    return execute(BatchStatement.newInstance(DefaultBatchType.LOGGED).addAll(eventInserts(event))
        .add(pendingInsert(media, event))).mapEmpty();
  }

  @Override
  public Future<Void> markDeleted(PendingDeletion deletion) {
    // Conditional too, so it never races a plain write against the DELETING compare-and-set.
    return execute(bind("markDeleted", deletion.owner(), deletion.mediaId()))
        .compose(rs -> execute(bind("deletePending", deletion.bucket(), deletion.owner(), deletion.mediaId())))
        .mapEmpty();
  }

  @Override
  public Future<MediaPage> listActive(String owner, Optional<String> afterMediaId, int limit) {
    if (limit < 1) {
      return Future.failedFuture(new IllegalArgumentException("limit must be positive"));
    }
    BoundStatement first = afterMediaId.map(after -> bind("listAfter", owner, after))
        .orElseGet(() -> bind("listFirst", owner))
        .setPageSize(Math.min(limit + 1, 500));
    Promise<MediaPage> page = Promise.promise();
    Context context = vertx.getOrCreateContext();
    List<MediaRecord> items = new ArrayList<>();
    execute(first).onComplete(ar -> collect(ar, items, limit, 0, null, context, page));
    return page.future();
  }

  /**
   * Fills the page from successive driver pages, skipping non-ACTIVE rows, until it is full, the
   * partition ends, or {@link #MAX_LISTING_SCAN} rows were scanned (then the page is short but the
   * cursor still moves on, so a client is never stuck behind many deleted rows).
   */
  private void collect(io.vertx.core.AsyncResult<AsyncResultSet> ar, List<MediaRecord> items, int limit,
      int scanned, String lastScanned, Context context, Promise<MediaPage> page) {
    if (ar.failed()) {
      page.fail(ar.cause());
      return;
    }
    AsyncResultSet rs = ar.result();
    String last = lastScanned;
    int seen = scanned;
    for (Row row : rs.currentPage()) {
      if (items.size() == limit) {
        // a row beyond the page exists: there is a next page
        page.complete(new MediaPage(List.copyOf(items), Optional.of(items.get(limit - 1).mediaId())));
        return;
      }
      seen++;
      last = row.getString("media_id");
      if ("ACTIVE".equals(row.getString("status"))) {
        items.add(MediaRows.media(row));
      }
    }
    if (!rs.hasMorePages()) {
      page.complete(new MediaPage(List.copyOf(items), Optional.empty()));
    } else if (items.size() == limit || seen >= MAX_LISTING_SCAN) {
      String cursor = items.size() == limit ? items.get(limit - 1).mediaId() : last;
      page.complete(new MediaPage(List.copyOf(items), Optional.of(cursor)));
    } else {
      int total = seen;
      String lastId = last;
      DriverFailures.onContext(rs.fetchNextPage(), context)
          .onComplete(next -> collect(next, items, limit, total, lastId, context, page));
    }
  }

  @Override
  public Future<List<HistoryEvent>> events(String owner, String mediaId) {
    return execute(bind("events", owner, mediaId)).map(rs -> {
      List<HistoryEvent> out = new ArrayList<>();
      for (Row row : rs.currentPage()) {
        out.add(HistoryEventJson.decode(row.getString("payload")));
      }
      return out;
    });
  }

  @Override
  public Future<List<ThumbnailRecord>> thumbnails(String owner, String mediaId) {
    return execute(bind("thumbnails", owner, mediaId))
        .map(rs -> thumbnailRows(rs).getOrDefault(mediaId, List.of()));
  }

  @Override
  public Future<Map<String, List<ThumbnailRecord>>> thumbnails(String owner, List<String> mediaIds) {
    if (mediaIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    // One partition per media: an IN over the last partition key column, read by one coordinator.
    // A listing page holds at most MediaApi.MAX_PAGE ids.
    return execute(bind("thumbnailsOfMany", owner, List.copyOf(mediaIds)).setPageSize(5_000))
        .map(this::thumbnailRows);
  }

  private Map<String, List<ThumbnailRecord>> thumbnailRows(AsyncResultSet rs) {
    Map<String, List<ThumbnailRecord>> out = new java.util.HashMap<>();
    for (Row row : rs.currentPage()) {
      out.computeIfAbsent(row.getString("media_id"), id -> new ArrayList<>()).add(new ThumbnailRecord(row.getInt("size"),
          "READY".equals(row.getString("status")), Optional.ofNullable(row.getString("object_key")),
          row.getInt("width"), row.getInt("height"), row.getLong("bytes"), Optional.ofNullable(row.getString("reason")),
          row.getInstant("made_at")));
    }
    return out;
  }

  @Override
  public Future<List<OutboxEntry>> outbox(int bucket, Instant olderThan, int limit) {
    // Ids are time-ordered, so the oldest rows come first; newer ones are left for the next pass.
    return execute(bind("outbox", bucket, limit)).map(rs -> {
      List<OutboxEntry> out = new ArrayList<>();
      for (Row row : rs.currentPage()) {
        Instant created = row.getInstant("created_at");
        if (created != null && created.isBefore(olderThan)) {
          out.add(new OutboxEntry(row.getInt("bucket"), row.getString("event_id"), row.getString("key"),
              row.getString("payload"), created));
        }
      }
      return out;
    });
  }

  /**
   * One statement: the rows share a partition, so it is one mutation of row tombstones, far below
   * batch_size_warn_threshold at {@link #MAX_OUTBOX_REMOVALS} ids. The other buckets' removals of
   * the same flush join it in one request ({@link GroupCommit}).
   */
  @Override
  public Future<Void> removeOutbox(int bucket, List<String> eventIds) {
    if (eventIds.size() > MAX_OUTBOX_REMOVALS) {
      return Future.failedFuture(new IllegalArgumentException(
          "at most " + MAX_OUTBOX_REMOVALS + " outbox rows per removal, got " + eventIds.size()));
    }
    return eventIds.isEmpty() ? Future.succeededFuture()
        : grouped(bind("deleteOutboxRows", bucket, List.copyOf(eventIds)));
  }

  @Override
  public Future<List<PendingDeletion>> pendingDeletions(int bucket, int limit) {
    return execute(bind("pending", bucket, limit)).map(rs -> {
      List<PendingDeletion> out = new ArrayList<>();
      for (Row row : rs.currentPage()) {
        out.add(new PendingDeletion(row.getInt("bucket"), row.getString("owner"), row.getString("media_id"),
            row.getString("object_key"), row.getInstant("requested_at")));
      }
      return out;
    });
  }

  @Override
  public int buckets() {
    return config.outboxBuckets();
  }

  /** The session belongs to {@link HistoryModule}, which closes it. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private BoundStatement mediaInsert(MediaRecord m) {
    Origin o = m.origin();
    return bind("insertMedia", m.owner(), m.mediaId(), m.status().name(), m.contentType(), m.size(), m.sha256(),
        m.objectKey(), m.createdAt(), m.deletedAt(), o.region(), o.pop(), o.country(), o.city(), o.asn(), o.isp(),
        o.clientIp(), o.properties().isEmpty() ? null : o.properties());
  }

  private List<BoundStatement> eventInserts(HistoryEvent e) {
    String payload = HistoryEventJson.encode(e);
    List<BoundStatement> out = eventRowInserts(e, payload);
    out.add(bind("insertOutbox", bucketOf(e.eventId()), e.eventId(), e.userId(), payload, Instant.now()));
    return out;
  }

  private List<BoundStatement> eventRowInserts(HistoryEvent e, String payload) {
    Origin o = e.origin();
    Object[] fields = {e.eventId(), e.occurredAt(), e.action().name(), e.contentType(), e.contentLength(),
        e.sha256(), e.status(), e.latencyMs(), o.region(), o.pop(), o.country(), o.city(), o.asn(), o.isp(),
        o.clientIp(), o.properties().isEmpty() ? null : o.properties(), payload};
    List<Object> byMedia = new ArrayList<>(List.of(e.userId()));
    byMedia.add(e.mediaId());
    List<Object> byDay = new ArrayList<>(List.of(e.userId(), e.occurredAt().atZone(ZoneOffset.UTC).toLocalDate()));
    byDay.add(e.mediaId());
    for (Object field : fields) {
      byMedia.add(field);
      byDay.add(field);
    }
    List<BoundStatement> out = new ArrayList<>();
    // an UPLOAD_FAILED that never got a media id has no per-media history to join
    if (e.mediaId() != null) {
      out.add(bind("insertEventByMedia", byMedia.toArray()));
    }
    out.add(bind("insertEventByDay", byDay.toArray()));
    return out;
  }

  /** "?,?,…" with one marker per column of a comma-separated column list. */
  private static String placeholders(String columns) {
    return String.join(",", java.util.Collections.nCopies(columns.split(",").length, "?"));
  }

  /** Null values are left unset rather than bound, so absent fields write no tombstones. */
  private BoundStatement bind(String name, Object... values) {
    BoundStatement bound = statements.get(name).bind(values);
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        bound = bound.unset(i);
      }
    }
    return bound;
  }

  private Future<Void> grouped(BoundStatement write) {
    return DriverFailures.onContext(smallWrites.write(List.of(write)), vertx.getOrCreateContext());
  }

  private Future<AsyncResultSet> execute(com.datastax.oss.driver.api.core.cql.Statement<?> statement) {
    return DriverFailures.onContext(session.executeAsync(statement), vertx.getOrCreateContext());
  }
}
