package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;

import com.datastax.oss.driver.api.core.session.Session;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.devstack.DevStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The facts a history-latency result records beside its figures: the machine, the settings, the
 * versions of what runs, and the settings of media-edge's history and of the dev Cassandra that
 * bear on the latency.
 */
final class HistoryLatencyFacts {
  private HistoryLatencyFacts() {}

  /** The machine, as {@link MachineFacts} describes it. */
  static JsonObject machine() {
    long memKiB = Proc.memTotalKiB();
    // This result has always written the total memory as a decimal (e.g. 7936.0): kept so.
    return MachineFacts.describe().put("memTotalMiB", memKiB < 0 ? null : round(memKiB / 1024.0, 0));
  }

  /** The benchmark's settings, with {@code work}, the work directory. */
  static JsonObject settings(HistoryLatencyOptions options, Path work) {
    return new JsonObject()
        .put("warmupRounds", options.warmup())
        .put("sequentialRounds", options.iterations())
        .put("concurrency", options.concurrency())
        .put("concurrentRounds", options.concurrentIterations())
        .put("owners", options.users())
        .put("bytesPerUpload", options.uploadSize())
        .put("uploadWarmup", options.uploadWarmup())
        .put("uploads", options.uploads())
        .put("workDir", work.toString())
        .put("histogram", "HdrHistogram, nanoseconds, 3 significant digits; reported in ms");
  }

  /** The versions of Cassandra, Kafka, Vert.x, the Cassandra driver and HdrHistogram. */
  static JsonObject versions(DevStack dev) {
    return new JsonObject()
        .put("cassandra", dev.cassandra().releaseVersion())
        .put("kafka", jarVersion(dev.kafka().pid(), "kafka_"))
        .put("vertx", jarVersion("vertx-core-"))
        .put("cassandraDriver", Session.OSS_DRIVER_COORDINATES.getVersion().toString())
        .put("hdrHistogram", jarVersion("HdrHistogram-"))
        .put("s3mock", "target/devstack/s3mock.jar");
  }

  /** What bears on the latency: media-edge's history settings and how the dev Cassandra runs. */
  static JsonObject serverSettings(EdgeConfig config, DevStack dev) {
    EdgeConfig.HistoryConfig history = config.history();
    JsonObject cassandra = new JsonObject()
        .put("jvmFlags", jvmFlags(dev.cassandra().pid()));
    try {
      List<String> yaml = Files.readAllLines(dev.cassandra().dataDir().resolve("cassandra.yaml"));
      cassandra.put("yaml", new JsonArray(yaml.stream()
          .filter(line -> line.startsWith("commitlog_sync") || line.startsWith("concurrent_")
              || line.startsWith("paxos_"))
          .toList()));
    } catch (IOException | RuntimeException e) {
      cassandra.put("yaml", "unreadable: " + e);
    }
    return new JsonObject()
        .put("consistency", history.consistency())
        .put("serialConsistency", history.serialConsistency())
        .put("keyspace", history.keyspace())
        .put("replication", (history.simpleStrategy() ? "SimpleStrategy " : "NetworkTopologyStrategy ")
            + history.replication() + " (one node)")
        .put("requestTimeout", history.requestTimeout().toString())
        .put("outboxBuckets", history.outboxBuckets())
        .put("eventLoops", config.server().eventLoopsOrCores())
        .put("cassandra", cassandra)
        .put("kafkaJvmFlags", jvmFlags(dev.kafka().pid()));
  }

  private static JsonArray jvmFlags(long pid) {
    List<String> args = commandLine(pid);
    return new JsonArray(args.stream()
        .filter(a -> a.startsWith("-Xm") || a.startsWith("-XX:") || a.startsWith("-Xss"))
        .toList());
  }

  /**
   * A process's command line from {@code /proc/PID/cmdline} (ProcessHandle.Info gives nothing for
   * the servers' long class paths), or an empty list.
   */
  private static List<String> commandLine(long pid) {
    try {
      String raw = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
      return List.of(raw.split("\0"));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** The version in a jar's file name on this JVM's class path, e.g. vertx-core-5.0.8.jar. */
  private static String jarVersion(String prefix) {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).getFileName().toString())
        .filter(name -> name.startsWith(prefix) && name.endsWith(".jar"))
        .map(name -> name.substring(prefix.length(), name.length() - 4))
        .findFirst().orElse("(unknown)");
  }

  /** As above, from another process's {@code -cp}. */
  private static String jarVersion(long pid, String prefix) {
    List<String> args = commandLine(pid);
    int cp = args.indexOf("-cp");
    if (cp < 0 || cp + 1 >= args.size()) {
      return "(unknown)";
    }
    return Arrays.stream(args.get(cp + 1).split(File.pathSeparator))
        .map(entry -> Path.of(entry).getFileName().toString())
        .filter(name -> name.startsWith(prefix) && name.endsWith(".jar"))
        .map(name -> name.substring(0, name.length() - 4))
        .findFirst().orElse("(unknown)");
  }
}
