package io.mediaedge.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A real single-node Apache Cassandra 5.0 on loopback, in its own JVM
 * ({@code org.apache.cassandra.service.CassandraDaemon}, no Docker, no tarball).
 *
 * <p>Its jars come from {@code ${devstack.dir}/cassandra.classpath} (see {@link ServerClasspath}),
 * never from our classpath. It needs a Java 11–17 JVM, found by {@link JdkLocator}. Data, the
 * generated {@code cassandra.yaml} and {@code cassandra.log} live under {@code dataDir} and are kept
 * when the server stops, so {@link #restart()} brings back the same keyspaces on the same ports:
 * tests use that to take Cassandra away and give it back.
 *
 * <p>Settings favour a fast start on a small machine over production behaviour (see
 * {@link #jvmArgs()}); about 3 s to CQL-ready on 2 cores, about 3 s to stop (it drains).
 */
public final class CassandraServer extends ForkedServer<CassandraServer> {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final String HOST = "127.0.0.1";
  /** What SimpleSnitch calls the one data centre; drivers must name it as their local DC. */
  private static final String DATACENTER = "datacenter1";
  /** Names the Paxos implementation for a comparison run ({@code v1}); unset, the node runs {@code v2}. */
  public static final String PAXOS_VARIANT_ENV = "MEDIA_EDGE_DEV_PAXOS_VARIANT";

  private final String classpath;
  private final Path java;
  private int nativePort;
  private int storagePort;
  private String releaseVersion;

  /**
   * @param classpath the server's classpath (see {@link ServerClasspath#of})
   * @param java the {@code java} launcher of a JDK 11–17 (see {@link JdkLocator#javaForCassandra})
   * @param dataDir holds data, commit log, configuration and {@code cassandra.log}; kept across restarts
   * @param nativePort the CQL port, or 0 for a free one chosen at the first start and kept afterwards
   */
  public CassandraServer(String classpath, Path java, Path dataDir, int nativePort) {
    super("cassandra", "Cassandra", dataDir, START_TIMEOUT);
    this.classpath = Objects.requireNonNull(classpath, "classpath");
    this.java = Objects.requireNonNull(java, "java");
    this.nativePort = nativePort;
  }

  /**
   * The classpath the build resolved into {@code ${devstack.dir}}, a suitable JDK, a free port.
   * Fails at once, with the fix, when either is missing.
   */
  public static CassandraServer fromDevstackDir(Path dataDir) {
    return new CassandraServer(ServerClasspath.of("cassandra"), JdkLocator.javaForCassandra(), dataDir, 0);
  }

  /** Where clients connect; the port is known only after the first {@link #start()}. */
  public synchronized InetSocketAddress contactPoint() {
    return new InetSocketAddress(HOST, port());
  }

  public String host() {
    return HOST;
  }

  /** The CQL native transport port. */
  public synchronized int port() {
    if (nativePort == 0) {
      throw new IllegalStateException("Cassandra not started yet: its port is not chosen");
    }
    return nativePort;
  }

  /** The local data centre name clients must be configured with (DataStax driver 4.x requires one). */
  public String localDatacenter() {
    return DATACENTER;
  }

  /** The version the server reported at its last start, e.g. {@code 5.0.9}, or null. */
  public synchronized String releaseVersion() {
    return releaseVersion;
  }

  /** The {@code java} launcher Cassandra runs with: a JDK 11–17, not necessarily ours. */
  @Override
  public Path java() {
    return java;
  }

  @Override
  protected void choosePorts() {
    if (nativePort == 0) {
      int[] ports = FreePorts.pick(2);
      nativePort = ports[0];
      storagePort = ports[1];
    } else if (storagePort == 0) {
      storagePort = FreePorts.pick();
    }
  }

  @Override
  protected void awaitReady(ForkedJvm jvm, Duration timeout) {
    jvm.waitUntil(this::answersCql, timeout);
  }

  @Override
  protected String readyLine() {
    return "Cassandra " + releaseVersion + " ready at " + HOST + ":" + nativePort + " (CQL, " + java + ")";
  }

  @Override
  protected int mainPort() {
    return nativePort;
  }

  private boolean answersCql() {
    try {
      String version = CqlProbe.releaseVersion(HOST, nativePort);
      synchronized (this) {
        releaseVersion = version;
      }
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /**
   * The JVM options. From Cassandra's own {@code conf/jvm17-server.options}: the JPMS list (it
   * reaches into JDK internals) and the Netty settings. Ours: a small heap; -Xms well below -Xmx
   * because Cassandra calls mlockall() at start, which pins everything mapped at that moment;
   * the serial collector and C1 only (fewer threads and much less JIT work while it boots; a dev
   * node needs no peak throughput); and the system properties that skip waits meant for clusters.
   */
  @Override
  protected List<String> jvmArgs() {
    Path dataDir = dataDir();
    List<String> args = new ArrayList<>(List.of(
        "-Xms64m",
        "-Xmx256m",
        "-Xss256k",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        // Cassandra's start-up check asks for this: after an OOM a node must not limp on
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.net.preferIPv4Stack=true",
        // from conf/jvm17-server.options (JPMS section and Netty options)
        "-Djdk.attach.allowAttachSelf=true",
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
        "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
        "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
        "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
        "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
        "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-exports", "jdk.attach/sun.tools.attach=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.base/java.io=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens", "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/java.util=ALL-UNNAMED",
        "-Dio.netty.tryReflectionSetAccessible=true",
        "-Dio.netty.allocator.useCacheForAllThreads=true",
        "-Dio.netty.allocator.maxOrder=11",
        // what bin/cassandra would set; foreground keeps stdout (our log file) open
        "-Dcassandra-foreground=yes",
        "-Dcassandra.config=" + dataDir.resolve("cassandra.yaml").toUri(),
        "-Dcassandra.storagedir=" + dataDir,
        "-Dcassandra.logdir=" + dataDir,
        // CQL triggers are loaded from here; without the directory every DDL logs a warning
        "-Dcassandra.triggers_dir=" + dataDir.resolve("triggers"),
        "-Dlogback.configurationFile=" + dataDir.resolve("logback.xml"),
        // no JMX port: neither cassandra.jmx.local.port nor .remote.port is set
        // a single seed that is itself has no gossip to wait for (saves ~5 s per start)
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        // nobody to announce a shutdown to (saves 2 s per stop)
        "-Dcassandra.shutdown_announce_in_ms=0",
        // the memtable overhead estimate allocates 100,000 rows by default (~1.5 s on 2 cores)
        "-Dcassandra.memtable_row_overhead_computation_step=100",
        // skips the fsync'ed flush after each system/schema table write at first start and on
        // DDL; the commit log still has the writes, and a normal stop flushes everything
        "-Dcassandra.unsafesystem=true"));
    args.addAll(List.of("-cp", classpath, "org.apache.cassandra.service.CassandraDaemon"));
    return args;
  }

  /** {@code v2} unless the environment names {@code v1} (for measuring the difference; bench/README.md). */
  static String paxosVariant(String fromEnvironment) {
    if (fromEnvironment == null || fromEnvironment.isBlank()) {
      return "v2";
    }
    String variant = fromEnvironment.trim();
    if (!variant.equals("v1") && !variant.equals("v2")) {
      throw new IllegalArgumentException("environment variable " + PAXOS_VARIANT_ENV + "=" + fromEnvironment
          + " is not a Paxos variant (v1 or v2); unset it for v2");
    }
    return variant;
  }

  /**
   * The Paxos lines. v2: 2 round trips per compare-and-set instead of 4, 1 or 2 per SERIAL read
   * instead of 3; one node holds every replica, so there is no mixed-version window to repair
   * first. Its state expires at compaction and read time a gc_grace after it was written:
   * {@code repaired} needs regular Paxos repairs, which nobody runs on a dev node. v1 is the node
   * as it was before (v1, {@code legacy} TTLs), for comparison runs only: state written under
   * gc_grace carries no TTL, so a data folder taken back to v1 keeps it until v2 purges it again.
   */
  static String paxos(String variant) {
    return variant.equals("v1")
        ? "paxos_variant: v1\npaxos_state_purging: legacy"
        : "paxos_variant: v2\npaxos_state_purging: gc_grace";
  }

  /**
   * A minimal cassandra.yaml (everything else keeps Cassandra's defaults), rewritten at every
   * start so a restart picks up the same ports, plus a logback configuration (without one,
   * logback logs everything at DEBUG, which slows the start and buries what matters).
   */
  @Override
  protected void prepare() {
    Path dataDir = dataDir();
    String yaml = """
        # Written by io.mediaedge.devstack.CassandraServer at every start: a local single-node
        # server for dev mode and tests. Edits are overwritten.
        cluster_name: media-edge-dev
        num_tokens: 1
        initial_token: 0
        partitioner: org.apache.cassandra.dht.Murmur3Partitioner
        endpoint_snitch: SimpleSnitch
        seed_provider:
          - class_name: org.apache.cassandra.locator.SimpleSeedProvider
            parameters:
              - seeds: "%1$s:%3$d"
        listen_address: %1$s
        rpc_address: %1$s
        native_transport_port: %2$d
        storage_port: %3$d
        start_native_transport: true
        auto_bootstrap: false
        commitlog_sync: periodic
        commitlog_sync_period: 10000ms
        concurrent_compactors: 1
        data_file_directories:
          - %4$s
        commitlog_directory: %5$s
        saved_caches_directory: %6$s
        hints_directory: %7$s
        cdc_raw_directory: %8$s
        # Paxos v2 unless MEDIA_EDGE_DEV_PAXOS_VARIANT=v1 (see CassandraServer.paxos)
        %9$s
        """.formatted(HOST, nativePort, storagePort,
        dataDir.resolve("data"), dataDir.resolve("commitlog"), dataDir.resolve("saved_caches"),
        dataDir.resolve("hints"), dataDir.resolve("cdc_raw"), paxos(paxosVariant(System.getenv(PAXOS_VARIANT_ENV))));
    String logback = """
        <configuration>
          <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{25} - %msg%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="STDOUT"/></root>
        </configuration>
        """;
    try {
      Files.createDirectories(dataDir.resolve("triggers"));
      Files.writeString(dataDir.resolve("cassandra.yaml"), yaml, StandardCharsets.UTF_8);
      Files.writeString(dataDir.resolve("logback.xml"), logback, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Cassandra configuration into " + dataDir, e);
    }
  }
}
