package io.mediaedge;

import io.mediaedge.audit.AuditReport;
import io.mediaedge.audit.RegionAudit;
import io.mediaedge.cassandra.CassandraQuotaStore;
import io.mediaedge.cassandra.HistoryModule;
import io.mediaedge.config.ConfigException;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.storage.S3AuditObjects;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/media-edge audit [options]}: the composition root of the region audit. It reads the
 * same configuration as the server (bucket, keyspace, credentials), opens S3 and Cassandra, runs
 * {@link RegionAudit}, prints a summary (or the JSON report) and exits 0 when every invariant holds
 * (after repairs), 1 when violations remain, 2 for bad arguments or configuration, 3 when the audit
 * could not run.
 */
public final class AuditCommand {
  static final String USAGE = """
      usage: media-edge audit [--config FILE] [--repair] [--verify-content] [--json FILE|-]
                              [--grace DURATION] [--outbox-age DURATION] [--deletion-age DURATION]
                              [--shards N] [--concurrency N] [--examples N]
        --repair          delete orphan objects, abort dangling multipart uploads, recount quota usage,
                          drop expired holds (read-only without it)
        --verify-content  read every active object and compare its SHA-256 with its row
        --json FILE|-     write the report as JSON to FILE (- : to standard output, instead of the summary)
        --grace           objects and uploads younger than this are not judged (default: events.orphanGrace)
        --outbox-age      report outbox rows older than this (default 15m)
        --deletion-age    report pending deletions and expired resumable uploads older than this (default 1h)
        --shards          split the objects into N passes (1..256, a power of two; default 1): less memory
        --concurrency     storage and database calls at once (default 8)
        --examples        examples kept per invariant (default 10)
      Durations: 30s, 15m, 24h, 7d.""";

  /** What the command line asked for. */
  public record Options(Path config, boolean repair, boolean verifyContent, String json, Duration grace, Duration outboxAge,
      Duration deletionAge, int shards, int concurrency, int examples) {}

  private AuditCommand() {}

  /** Runs the command; returns the exit code. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Options options;
    EdgeConfig config;
    try {
      options = parse(args, env);
      config = EdgeConfig.load(options.config(), env);
    } catch (IllegalArgumentException | ConfigException e) {
      err.println("media-edge audit: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (!config.historyEnabled()) {
      err.println("media-edge audit: history.enabled is false: without Cassandra there are no rows to audit against");
      return 2;
    }
    AuditReport report;
    try {
      report = audit(config, options, Clock.systemUTC());
    } catch (Exception e) {
      err.println("media-edge audit could not finish: " + e);
      return 3;
    }
    try {
      if (options.json() != null && !options.json().equals("-")) {
        Files.writeString(Path.of(options.json()), report.toJson().encodePrettily() + "\n");
      }
    } catch (IOException e) {
      err.println("media-edge audit: cannot write " + options.json() + ": " + e.getMessage());
      return 3;
    }
    out.print("-".equals(options.json()) ? report.toJson().encodePrettily() + "\n" : report.summary());
    return report.remaining() == 0 ? 0 : 1;
  }

  /**
   * Opens storage and Cassandra as the server does, audits as of {@code clock}'s time (a test
   * audits "later" instead of waiting out the grace), closes them.
   */
  public static AuditReport audit(EdgeConfig config, Options options, Clock clock) throws Exception {
    Duration grace = options.grace() != null ? options.grace() : config.events().orphanGrace();
    RegionAudit.Settings settings = new RegionAudit.Settings(grace, options.outboxAge(), options.deletionAge(),
        CassandraQuotaStore.RESERVATION_TTL, CassandraQuotaStore.leaseMaxAge(), options.shards(),
        options.verifyContent(), options.repair(), options.concurrency(), options.examples());
    Vertx vertx = Vertx.vertx();
    HistoryModule history = null;
    try (S3AuditObjects objects = new S3AuditObjects(config.storage(), options.concurrency() * 2)) {
      history = HistoryModule.start(vertx, config.history(), config.quota(), new SimpleMeterRegistry())
          .await(60, TimeUnit.SECONDS);
      return new RegionAudit(objects, history.auditRows(), settings, clock).run();
    } finally {
      if (history != null) {
        history.close().await(30, TimeUnit.SECONDS);
      }
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  public static Options parse(String[] args, Map<String, String> env) {
    String fromEnv = env.get("MEDIA_EDGE_CONFIG");
    Path config = Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : "conf/media-edge.yaml");
    boolean repair = false;
    boolean verify = false;
    String json = null;
    Duration grace = null;
    Duration outboxAge = Duration.ofMinutes(15);
    Duration deletionAge = Duration.ofHours(1);
    int shards = 1;
    int concurrency = 8;
    int examples = 10;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--repair" -> repair = true;
        case "--verify-content" -> verify = true;
        case "--config" -> config = Path.of(value(args, ++i, arg));
        case "--json" -> json = value(args, ++i, arg);
        case "--grace" -> grace = duration(value(args, ++i, arg), arg);
        case "--outbox-age" -> outboxAge = duration(value(args, ++i, arg), arg);
        case "--deletion-age" -> deletionAge = duration(value(args, ++i, arg), arg);
        case "--shards" -> shards = number(value(args, ++i, arg), arg, 1, 256);
        case "--concurrency" -> concurrency = number(value(args, ++i, arg), arg, 1, 256);
        case "--examples" -> examples = number(value(args, ++i, arg), arg, 0, 10_000);
        default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
    }
    if (Integer.bitCount(shards) != 1) {
      throw new IllegalArgumentException("--shards must be a power of two (got " + shards + ")");
    }
    return new Options(config, repair, verify, json, grace, outboxAge, deletionAge, shards, concurrency, examples);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static Duration duration(String text, String option) {
    return EdgeConfig.parseDuration(text).orElseThrow(() -> new IllegalArgumentException(option
        + " must be a duration such as 30s, 15m, 24h or 7d (got '" + text + "')"));
  }

  private static int number(String text, String option, int min, int max) {
    try {
      int n = Integer.parseInt(text.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException(option + " must be a whole number from " + min + " to " + max + " (got '"
        + text + "')");
  }
}
