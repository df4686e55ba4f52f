package io.mediaedge.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.mediaedge.config.EdgeConfig.HistoryConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the keyspace when missing and applies the versioned scripts of {@code src/main/resources/cql}
 * that {@code schema_versions} does not list yet, in order. Scripts hold only idempotent DDL, so a run
 * cut off half-way is repaired by the next one.
 *
 * <p>Two instances migrating the same new version at the same moment can race on table creation in
 * Cassandra before 5.1; roll out a schema change with one instance first.
 */
public final class SchemaMigrator {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

  /** In order; a script is never edited once released (a new version is added instead). */
  static final List<String> SCRIPTS = List.of("V001__media_history.cql", "V002__upload_intents.cql",
      "V003__edge_origin.cql", "V004__resumable_uploads.cql", "V005__resumable_storage_state.cql",
      "V006__quota_charges.cql", "V007__thumbnails.cql");

  /** DDL waits for schema agreement across the cluster, far longer than a normal request may take. */
  static final java.time.Duration DDL_TIMEOUT = java.time.Duration.ofSeconds(30);

  private final CqlSession session;
  private final HistoryConfig config;
  private final Context context;

  public SchemaMigrator(CqlSession session, HistoryConfig config, Context context) {
    this.session = session;
    this.config = config;
    this.context = context;
  }

  /** The keyspace DDL with the configured replication; usable from a session bound to no keyspace. */
  static String createKeyspace(HistoryConfig config) {
    String replication;
    if (config.simpleStrategy()) {
      replication = "'class': 'SimpleStrategy', 'replication_factor': " + config.replication().get("replication_factor");
    } else {
      replication = "'class': 'NetworkTopologyStrategy', " + config.replication().entrySet().stream()
          .map(e -> "'" + e.getKey().replace("'", "''") + "': " + e.getValue())
          .collect(Collectors.joining(", "));
    }
    return "CREATE KEYSPACE IF NOT EXISTS " + config.keyspace() + " WITH replication = {" + replication + "}";
  }

  /** Applies what is missing; a second run is a no-op. The session must be bound to the keyspace. */
  public Future<Void> migrate() {
    return run(createKeyspace(config))
        .compose(v -> run("CREATE TABLE IF NOT EXISTS schema_versions (version text PRIMARY KEY,"
            + " checksum text, applied_at timestamp)"))
        .compose(v -> applied())
        .compose(applied -> {
          Future<Void> chain = Future.succeededFuture();
          for (String script : SCRIPTS) {
            chain = chain.compose(v -> applyIfMissing(script, applied));
          }
          return chain;
        });
  }

  private Future<Void> applyIfMissing(String script, Map<String, String> applied) {
    String text = read(script);
    String checksum = sha256(text);
    String version = script.substring(0, script.indexOf("__"));
    if (applied.containsKey(version)) {
      if (!checksum.equals(applied.get(version))) {
        LOG.warn("Schema script {} changed after it was applied; add a new version instead of editing it", script);
      }
      return Future.succeededFuture();
    }
    Future<Void> chain = Future.succeededFuture();
    for (String statement : statements(text)) {
      chain = chain.compose(v -> run(statement));
    }
    return chain
        .compose(v -> DriverFailures.onContext(session.executeAsync(SimpleStatement.newInstance(
            "INSERT INTO schema_versions (version, checksum, applied_at) VALUES (?, ?, ?)",
            version, checksum, Instant.now())), context))
        .onSuccess(v -> LOG.info("Applied schema {} to keyspace {}", script, config.keyspace()))
        .mapEmpty();
  }

  private Future<Map<String, String>> applied() {
    return DriverFailures.onContext(session.executeAsync("SELECT version, checksum FROM schema_versions"), context)
        .map(rs -> {
          // one small page: a handful of versions
          Map<String, String> out = new HashMap<>();
          for (Row row : rs.currentPage()) {
            out.put(row.getString("version"), row.getString("checksum"));
          }
          return out;
        });
  }

  private Future<Void> run(String cql) {
    SimpleStatement ddl = SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT);
    return DriverFailures.<AsyncResultSet>onContext(session.executeAsync(ddl), context).mapEmpty();
  }

  /** Statements split on ';' once full-line comments are gone (our scripts keep ';' out of comments and strings). */
  static List<String> statements(String script) {
    String code = script.lines().filter(line -> !line.strip().startsWith("--")).collect(Collectors.joining("\n"));
    List<String> out = new ArrayList<>();
    for (String part : code.split(";")) {
      if (!part.isBlank()) {
        out.add(part.strip());
      }
    }
    return out;
  }

  private static String read(String script) {
    try (InputStream in = SchemaMigrator.class.getResourceAsStream("/cql/" + script)) {
      if (in == null) {
        throw new IllegalStateException("schema script cql/" + script + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
