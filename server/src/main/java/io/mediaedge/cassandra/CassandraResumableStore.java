package io.mediaedge.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.mediaedge.config.EdgeConfig.HistoryConfig;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.eventschema.OriginJson;
import io.mediaedge.history.ResumableStore;
import io.mediaedge.history.ResumableUpload;
import io.mediaedge.storage.S3AssemblyState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** {@link ResumableStore} over {@code resumable_uploads}, {@code resumable_leases} and the bucket index. */
public final class CassandraResumableStore implements ResumableStore {
  private static final String COLUMNS = "upload_id, owner, region, content_type, length, durable_offset, part_size,"
      + " object_key, storage_state, tail_key, tail_length, hash_state, metadata, origin, reserved_bytes,"
      + " created_at, expires_at, finished, version";
  /** Where rows written before schema version 5 keep what {@code storage_state} holds now: read, never written. */
  private static final String LEGACY_COLUMNS = "s3_upload_id, part_etags";

  private final Vertx vertx;
  private final CqlSession session;
  private final int buckets;
  private final ConsistencyLevel serial;
  private final Map<String, PreparedStatement> statements;

  private CassandraResumableStore(Vertx vertx, CqlSession session, HistoryConfig config,
      Map<String, PreparedStatement> statements) {
    this.vertx = vertx;
    this.session = session;
    this.buckets = config.outboxBuckets();
    this.serial = DefaultConsistencyLevel.valueOf(config.serialConsistency());
    this.statements = statements;
  }

  static Future<CassandraResumableStore> prepare(Vertx vertx, CqlSession session, HistoryConfig config) {
    Map<String, String> cql = new LinkedHashMap<>();
    cql.put("insert", "INSERT INTO resumable_uploads (" + COLUMNS + ") VALUES ("
        + String.join(",", java.util.Collections.nCopies(COLUMNS.split(",").length, "?")) + ") IF NOT EXISTS");
    cql.put("index", "INSERT INTO resumable_by_bucket (bucket, upload_id) VALUES (?, ?)");
    cql.put("find", "SELECT " + COLUMNS + ", " + LEGACY_COLUMNS + " FROM resumable_uploads WHERE upload_id = ?");
    cql.put("update", "UPDATE resumable_uploads SET length = ?, durable_offset = ?, storage_state = ?, tail_key = ?,"
        + " tail_length = ?, hash_state = ?, reserved_bytes = ?, expires_at = ?, finished = ?, version = ?"
        + " WHERE upload_id = ? IF version = ?");
    cql.put("remove", "DELETE FROM resumable_uploads WHERE upload_id = ?");
    cql.put("unindex", "DELETE FROM resumable_by_bucket WHERE bucket = ? AND upload_id = ?");
    cql.put("acquire", "INSERT INTO resumable_leases (upload_id, holder) VALUES (?, ?) IF NOT EXISTS USING TTL ?");
    cql.put("renew", "UPDATE resumable_leases USING TTL ? SET holder = ? WHERE upload_id = ? IF holder = ?");
    cql.put("holder", "SELECT holder FROM resumable_leases WHERE upload_id = ?");
    cql.put("release", "DELETE FROM resumable_leases WHERE upload_id = ? IF holder = ?");
    cql.put("bucket", "SELECT upload_id FROM resumable_by_bucket WHERE bucket = ? LIMIT ?");
    Context context = vertx.getOrCreateContext();
    Map<String, Future<PreparedStatement>> pending = new LinkedHashMap<>();
    cql.forEach((name, text) -> pending.put(name, DriverFailures.onContext(session.prepareAsync(text), context)));
    return Future.all(new ArrayList<>(pending.values())).map(all -> {
      Map<String, PreparedStatement> prepared = new LinkedHashMap<>();
      pending.forEach((name, future) -> prepared.put(name, future.result()));
      return new CassandraResumableStore(vertx, session, config, Map.copyOf(prepared));
    });
  }

  @Override
  public Future<Boolean> create(ResumableUpload u) {
    BoundStatement insert = statements.get("insert").bind(u.uploadId(), u.owner(), u.region(), u.contentType(),
        u.length(), u.durableOffset(), u.partSize(), u.objectKey(), u.storageState(), u.tailKey(), u.tailLength(),
        ByteBuffer.wrap(u.hashState()), u.metadata(), originJson(u.origin()), u.reservedBytes(), u.createdAt(),
        u.expiresAt(), u.finished(), u.version());
    return execute(statements.get("index").bind(bucketOf(u.uploadId()), u.uploadId()))
        .compose(indexed -> execute(insert))
        .map(AsyncResultSet::wasApplied);
  }

  @Override
  public Future<Optional<ResumableUpload>> find(String uploadId) {
    return execute(statements.get("find").bind(uploadId)).map(rs -> Optional.ofNullable(rs.one()).map(this::read));
  }

  @Override
  public Future<Boolean> update(ResumableUpload next) {
    BoundStatement update = statements.get("update").bind(next.length(), next.durableOffset(), next.storageState(),
        next.tailKey(), next.tailLength(), ByteBuffer.wrap(next.hashState()), next.reservedBytes(),
        next.expiresAt(), next.finished(), next.version(), next.uploadId(), next.version() - 1);
    return execute(update).map(AsyncResultSet::wasApplied).recover(failure -> {
      if (!DriverFailures.outcomeUnknown(failure)) {
        return Future.failedFuture(failure);
      }
      // A timed-out compare-and-set may or may not have landed: a SERIAL read settles it.
      return execute(statements.get("find").bind(next.uploadId()).setConsistencyLevel(serial))
          .map(rs -> Optional.ofNullable(rs.one()).map(this::read)
              .map(stored -> stored.version() == next.version() && stored.durableOffset() == next.durableOffset()
                  && Objects.equals(stored.tailKey(), next.tailKey()))
              .orElse(false));
    });
  }

  @Override
  public Future<Void> remove(ResumableUpload upload) {
    return execute(statements.get("remove").bind(upload.uploadId()))
        .compose(v -> execute(statements.get("unindex").bind(bucketOf(upload.uploadId()), upload.uploadId())))
        .mapEmpty();
  }

  @Override
  public Future<Boolean> acquireLease(String uploadId, String holder, Duration ttl) {
    return execute(statements.get("acquire").bind(uploadId, holder, ttlSeconds(ttl))).map(AsyncResultSet::wasApplied);
  }

  @Override
  public Future<Boolean> renewLease(String uploadId, String holder, Duration ttl) {
    return execute(statements.get("renew").bind(ttlSeconds(ttl), holder, uploadId, holder))
        .map(AsyncResultSet::wasApplied);
  }

  @Override
  public Future<Boolean> leaseHeld(String uploadId) {
    // SERIAL: a lease taken by a lightweight transaction is read the same way.
    return execute(statements.get("holder").bind(uploadId).setConsistencyLevel(serial)).map(rs -> rs.one() != null);
  }

  @Override
  public Future<Void> releaseLease(String uploadId, String holder) {
    return execute(statements.get("release").bind(uploadId, holder)).mapEmpty();
  }

  @Override
  public Future<List<String>> uploadsInBucket(int bucket, int limit) {
    return execute(statements.get("bucket").bind(bucket, limit)).map(rs -> {
      List<String> ids = new ArrayList<>();
      for (Row row : rs.currentPage()) {
        ids.add(row.getString("upload_id"));
      }
      return ids;
    });
  }

  @Override
  public int buckets() {
    return buckets;
  }

  private int bucketOf(String uploadId) {
    return Math.floorMod(uploadId.hashCode(), buckets);
  }

  private static int ttlSeconds(Duration ttl) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ttl.toSeconds()));
  }

  private ResumableUpload read(Row row) {
    ByteBuffer hash = row.getByteBuffer("hash_state");
    byte[] hashState = new byte[hash == null ? 0 : hash.remaining()];
    if (hash != null) {
      hash.duplicate().get(hashState);
    }
    return new ResumableUpload(row.getString("upload_id"), row.getString("owner"), row.getString("region"),
        row.getString("content_type"), row.getLong("length"), row.getLong("durable_offset"), row.getLong("part_size"),
        row.getString("object_key"), storageState(row), row.getString("tail_key"), row.getLong("tail_length"),
        hashState, row.getString("metadata"), origin(row.getString("origin")), row.getLong("reserved_bytes"),
        row.getInstant("created_at"), row.getInstant("expires_at"), row.getBoolean("finished"), row.getLong("version"));
  }

  /**
   * The row's opaque storage state. A row written before schema version 5 has none, only S3's
   * upload id and part ETags in columns of their own: storage turns those into its state, so an
   * upload begun before an upgrade is continued after it (its first commit writes storage_state).
   */
  private static String storageState(Row row) {
    String state = row.getString("storage_state");
    if (state != null || row.getString("s3_upload_id") == null) {
      return state;
    }
    return S3AssemblyState.fromLegacy(row.getString("object_key"), row.getString("s3_upload_id"),
        row.getList("part_etags", String.class));
  }

  static String originJson(Origin origin) {
    return OriginJson.encode(origin);
  }

  static Origin origin(String json) {
    return json == null || json.isEmpty() ? Origin.regionOnly("") : OriginJson.decode(json);
  }

  private Future<AsyncResultSet> execute(BoundStatement statement) {
    return DriverFailures.onContext(session.executeAsync(statement), vertx.getOrCreateContext());
  }
}
