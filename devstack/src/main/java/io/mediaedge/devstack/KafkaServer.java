package io.mediaedge.devstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real single-node Apache Kafka 4 broker on loopback, in KRaft mode (broker and controller in
 * one process), in its own JVM: {@code kafka.tools.StorageTool format} once, then
 * {@code kafka.Kafka server.properties}.
 *
 * <p>Its jars come from {@code ${devstack.dir}/kafka.classpath} (see {@link ServerClasspath});
 * the broker's Kafka and Scala libraries never meet the kafka-clients that Vert.x uses on our
 * side. Logs and the generated {@code server.properties} live in {@code dataDir}; topic data in
 * {@code dataDir/data}. All of it is kept when the broker stops, so {@link #restart()} on the same
 * ports serves the same topics, records and committed offsets: tests use that to take Kafka away
 * and give it back.
 */
public final class KafkaServer extends ForkedServer<KafkaServer> {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
  private static final String HOST = "127.0.0.1";

  private final String classpath;
  private int port;
  private int controllerPort;

  /**
   * @param classpath the broker's classpath (see {@link ServerClasspath#of})
   * @param dataDir holds topic data, configuration and {@code kafka.log}; kept across restarts
   * @param port the client (PLAINTEXT) port, or 0 for a free one chosen at the first start and
   *     kept afterwards
   */
  public KafkaServer(String classpath, Path dataDir, int port) {
    super("kafka", "Kafka", dataDir, START_TIMEOUT);
    this.classpath = Objects.requireNonNull(classpath, "classpath");
    this.port = port;
  }

  /** The classpath the build resolved into {@code ${devstack.dir}}, on a free port. */
  public static KafkaServer fromDevstackDir(Path dataDir) {
    return new KafkaServer(ServerClasspath.of("kafka"), dataDir, 0);
  }

  /** {@code 127.0.0.1:PORT} for {@code bootstrap.servers}; known only after the first start. */
  public synchronized String bootstrapServers() {
    return HOST + ":" + port();
  }

  /** The client (PLAINTEXT) port. */
  public synchronized int port() {
    if (port == 0) {
      throw new IllegalStateException("Kafka not started yet: its port is not chosen");
    }
    return port;
  }

  /** The KRaft controller port (clients never need it). */
  public synchronized int controllerPort() {
    return controllerPort;
  }

  /** The cluster id written when the storage was formatted, or null before the first start. */
  public String clusterId() {
    Path meta = logDir().resolve("meta.properties");
    if (!Files.exists(meta)) {
      return null;
    }
    Properties props = new Properties();
    try (var in = Files.newInputStream(meta)) {
      props.load(in);
    } catch (IOException e) {
      return null;
    }
    return props.getProperty("cluster.id");
  }

  @Override
  protected void choosePorts() {
    if (port == 0) {
      int[] ports = FreePorts.pick(2);
      port = ports[0];
      controllerPort = ports[1];
    } else if (controllerPort == 0) {
      controllerPort = FreePorts.pick();
    }
  }

  @Override
  protected List<String> jvmArgs() {
    return jvmArgs("kafka.Kafka", dataDir().resolve("server.properties").toString());
  }

  /** KRaft storage is formatted once, before the very first start. */
  @Override
  protected void beforeLaunch(ForkedJvm jvm) {
    if (!Files.exists(logDir().resolve("meta.properties"))) {
      format(jvm);
    }
  }

  /**
   * Waits for the port before building an admin client: while the broker boots, the client would
   * fill our log with connection warnings. Then waits until it gets real answers.
   */
  @Override
  protected void awaitReady(ForkedJvm jvm, Duration timeout) {
    jvm.waitUntil(this::portOpen, timeout);
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.CLIENT_ID_CONFIG, "devstack-ready-check",
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
        AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100))) {
      jvm.waitUntil(() -> servesClients(admin), timeout);
    }
  }

  @Override
  protected String readyLine() {
    return "Kafka " + version() + " ready at " + bootstrapServers() + " (cluster " + clusterId() + ")";
  }

  @Override
  protected int mainPort() {
    return port;
  }

  private Path logDir() {
    return dataDir().resolve("data");
  }

  /** The broker version, from its jar's name on the classpath (e.g. {@code kafka_2.13-4.4.0}). */
  private String version() {
    return Arrays.stream(classpath.split(File.pathSeparator))
        .map(entry -> Path.of(entry).getFileName().toString())
        .filter(name -> name.startsWith("kafka_"))
        .map(name -> name.replaceFirst("\\.jar$", ""))
        .findFirst().orElse("(unknown version)");
  }

  /**
   * The JVM options: a small heap (the log cleaner's dedupe buffer is lowered to fit it), the
   * serial collector and C1 only (quicker start, fewer threads; a dev broker needs no peak
   * throughput), and SLF4J simple logging into our log file with the config dumps left out (they
   * repeat server.properties over hundreds of lines at every start).
   */
  private List<String> jvmArgs(String mainClass, String... mainArgs) {
    List<String> args = new ArrayList<>(List.of(
        "-Xms32m",
        "-Xmx256m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.common.config.AbstractConfig=warn",
        "-cp", classpath,
        mainClass));
    args.addAll(List.of(mainArgs));
    return args;
  }

  /**
   * KRaft storage must be formatted once before the first start, with the cluster id and the
   * initial controller quorum. {@code --standalone} makes this node the one voter of a dynamic
   * quorum (controller.quorum.bootstrap.servers), so no static voter list has to name node ids.
   * Runs to completion in its own short-lived JVM, logging into the broker's log file.
   */
  private void format(ForkedJvm jvm) {
    Path dataDir = dataDir();
    List<String> command = new ArrayList<>();
    command.add(ForkedJvm.currentJava().toString());
    command.addAll(jvmArgs("kafka.tools.StorageTool", "format", "--standalone",
        "--cluster-id", randomClusterId(),
        "--config", dataDir.resolve("server.properties").toString()));
    try {
      Files.writeString(logFile(), "=== formatting the KRaft storage: " + String.join(" ", command)
          + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      Process process = new ProcessBuilder(command)
          .directory(dataDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
          .start();
      if (!process.waitFor(FORMAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("formatting the Kafka storage did not finish within "
            + FORMAT_TIMEOUT.toSeconds() + " s. Last lines of " + logFile() + ":"
            + System.lineSeparator() + jvm.logTail(30));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("formatting the Kafka storage failed (exit code "
            + process.exitValue() + "). Last lines of " + logFile() + ":" + System.lineSeparator()
            + jvm.logTail(30));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run the Kafka storage tool: " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while formatting the Kafka storage", e);
    }
  }

  /**
   * A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (what
   * {@code kafka-storage random-uuid} prints), never starting with '-' so that no command line
   * mistakes it for an option.
   */
  private static String randomClusterId() {
    SecureRandom random = new SecureRandom();
    byte[] bytes = new byte[16];
    String id;
    do {
      random.nextBytes(bytes);
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (id.startsWith("-"));
    return id;
  }

  /**
   * The broker configuration, rewritten at every start with the ports chosen at the first one.
   * Replication factors of 1 because there is one broker; small internal topics because a
   * single-node dev broker gains nothing from 50 partitions each; no initial rebalance delay so a
   * consumer's first poll does not wait 3 s.
   */
  @Override
  protected void prepare() {
    Path dataDir = dataDir();
    Map<String, String> config = new LinkedHashMap<>();
    config.put("process.roles", "broker,controller");
    config.put("node.id", "1");
    config.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
    config.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    config.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
    config.put("controller.listener.names", "CONTROLLER");
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    config.put("log.dirs", logDir().toString());
    config.put("num.partitions", "1");
    config.put("default.replication.factor", "1");
    config.put("min.insync.replicas", "1");
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "1");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("transaction.state.log.num.partitions", "1");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    config.put("share.coordinator.state.topic.num.partitions", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
    // the default (128 MB) does not fit a 256 MB heap; 8 MB is plenty for dev-sized compacted topics
    config.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    config.put("num.network.threads", "2");
    config.put("num.io.threads", "2");
    config.put("num.recovery.threads.per.data.dir", "1");
    StringBuilder text = new StringBuilder(
        "# Written by io.mediaedge.devstack.KafkaServer at every start: a local single-node KRaft\n"
            + "# broker for dev mode and tests. Edits are overwritten.\n");
    // Properties syntax treats backslashes as escapes: a Windows path needs them doubled
    config.forEach((key, value) -> text.append(key).append('=')
        .append(value.replace("\\", "\\\\")).append('\n'));
    try {
      Files.createDirectories(dataDir);
      Files.writeString(dataDir.resolve("server.properties"), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Kafka configuration into " + dataDir, e);
    }
  }

  private boolean portOpen() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), 500);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /**
   * Ready means a real client gets answers: the cluster lists this broker, and the controller
   * validates a topic creation (validate-only: nothing is created), which needs the broker
   * registered and unfenced.
   */
  private static boolean servesClients(Admin admin) {
    try {
      if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
        return false;
      }
      admin.createTopics(List.of(new NewTopic("devstack-ready-check", 1, (short) 1)),
          new CreateTopicsOptions().validateOnly(true)).all().get(5, TimeUnit.SECONDS);
      admin.listTopics().names().get(5, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException | TimeoutException notYet) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
