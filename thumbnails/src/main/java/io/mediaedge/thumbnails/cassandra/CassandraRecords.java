package io.mediaedge.thumbnails.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.mediaedge.thumbnails.config.ThumbnailsConfig.CassandraSection;
import io.mediaedge.thumbnails.work.Records;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link Records} over the keyspace media-edge made: it reads {@code media_by_owner} and writes
 * {@code thumbnails} (media-edge's migration {@code V007__thumbnails.cql} creates it, so start the
 * worker after media-edge has run once against the keyspace).
 */
public final class CassandraRecords implements Records, AutoCloseable {
  private final CqlSession session;
  private final PreparedStatement original;
  private final PreparedStatement settled;
  private final PreparedStatement insert;

  public CassandraRecords(CassandraSection config) {
    var builder = CqlSession.builder().withLocalDatacenter(config.localDatacenter()).withKeyspace(config.keyspace());
    for (String hostPort : config.contactPoints()) {
      int colon = hostPort.lastIndexOf(':');
      builder.addContactPoint(new InetSocketAddress(hostPort.substring(0, colon),
          Integer.parseInt(hostPort.substring(colon + 1))));
    }
    config.username().ifPresent(user -> builder.withAuthCredentials(user, config.password().orElse("")));
    this.session = builder.build();
    this.original = session.prepare("SELECT status, object_key, content_type FROM media_by_owner"
        + " WHERE owner = ? AND media_id = ?");
    this.settled = session.prepare("SELECT size FROM thumbnails WHERE owner = ? AND media_id = ?");
    this.insert = session.prepare("INSERT INTO thumbnails (owner, media_id, size, status, object_key, width, height,"
        + " bytes, reason, uploaded_at, made_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  }

  @Override
  public Optional<Original> original(String owner, String mediaId) {
    Row row = session.execute(original.bind(owner, mediaId)).one();
    return row == null ? Optional.empty() : Optional.of(new Original(row.getString("object_key"),
        "ACTIVE".equals(row.getString("status")), row.getString("content_type")));
  }

  @Override
  public Set<Integer> settled(String owner, String mediaId) {
    Set<Integer> sizes = new HashSet<>();
    for (Row row : session.execute(settled.bind(owner, mediaId))) {
      sizes.add(row.getInt("size"));
    }
    return sizes;
  }

  @Override
  public void made(String owner, String mediaId, Made thumbnail, Instant uploadedAt) {
    session.execute(insert.bind(owner, mediaId, thumbnail.size(), "READY", thumbnail.objectKey(), thumbnail.width(),
        thumbnail.height(), thumbnail.bytes(), null, uploadedAt, Instant.now()).unset(8));
  }

  @Override
  public void refused(String owner, String mediaId, List<Integer> sizes, String reason, Instant uploadedAt) {
    for (int size : sizes) {
      session.execute(insert.bind(owner, mediaId, size, "NONE", null, null, null, null, reason, uploadedAt,
          Instant.now()).unset(4).unset(5).unset(6).unset(7));
    }
  }

  @Override
  public void close() {
    session.close();
  }
}
