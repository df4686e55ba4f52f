package io.mediaedge.bench;

import io.mediaedge.devstack.ForkedJvm;
import io.mediaedge.tls.TlsClients;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * media-edge forked the way production runs it: {@code io.mediaedge.Main --config FILE} on its
 * runtime class path only, with the heap a benchmark asks for, a GC log, and a heap dump on
 * OutOfMemoryError. Ready once {@code /healthz} answers 200.
 */
final class SuiteEdge implements AutoCloseable {
  private final ForkedJvm jvm;
  private final Path gcLog;
  private final List<String> jvmArgs;
  private final long startNanos;
  private final double startSeconds;

  private SuiteEdge(ForkedJvm jvm, Path gcLog, List<String> jvmArgs, long startNanos, double startSeconds) {
    this.jvm = jvm;
    this.gcLog = gcLog;
    this.jvmArgs = jvmArgs;
    this.startNanos = startNanos;
    this.startSeconds = startSeconds;
  }

  /**
   * Writes {@code config} to {@code logs/NAME.yaml}, forks media-edge with {@code -Xmx<xmx>} plus
   * {@code moreJvmArgs}, and waits until {@code health} answers 200 (trusting {@code trust}).
   */
  static SuiteEdge start(String name, Path logs, JsonObject config, String xmx, List<String> moreJvmArgs,
      Path runtimeClasspathFile, Map<String, String> env, URI health, SSLContext trust) throws IOException {
    Files.createDirectories(logs);
    Path configFile = logs.resolve(name + ".yaml");
    writeYaml(configFile, config, "io.mediaedge.bench");
    Path gcLog = logs.resolve(name + "-gc.log");
    List<String> jvmArgs = new ArrayList<>();
    jvmArgs.add("-Xmx" + xmx);
    jvmArgs.add("-Xlog:gc:file=" + gcLog + ":uptime");
    jvmArgs.add("-XX:+HeapDumpOnOutOfMemoryError");
    jvmArgs.add("-XX:HeapDumpPath=" + logs);
    jvmArgs.addAll(moreJvmArgs);
    List<String> command = new ArrayList<>(jvmArgs);
    command.addAll(List.of("-cp", runtimeClasspath(runtimeClasspathFile), "io.mediaedge.Main", "--config",
        configFile.toString()));
    // The repository root, so the configuration's relative paths (conf/...) resolve as in dev mode.
    ForkedJvm.Builder builder = ForkedJvm.builder(name).workDir(Path.of("").toAbsolutePath())
        .logFile(logs.resolve(name + ".log")).args(command);
    env.forEach(builder::env);
    ForkedJvm jvm = builder.build();
    long t0 = System.nanoTime();
    jvm.start();
    HttpClient client = HttpClient.newBuilder().sslContext(trust).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    jvm.waitUntil(() -> answers(client, health), Duration.ofSeconds(120));
    return new SuiteEdge(jvm, gcLog, jvmArgs, t0, (System.nanoTime() - t0) / 1e9);
  }

  long pid() {
    return jvm.pid();
  }

  boolean isAlive() {
    return jvm.isAlive();
  }

  Path logFile() {
    return jvm.logFile();
  }

  Path gcLog() {
    return gcLog;
  }

  List<String> jvmArgs() {
    return jvmArgs;
  }

  /** Seconds from the fork to the first healthy answer. */
  double startSeconds() {
    return startSeconds;
  }

  /** Seconds since the fork: the time base of the GC log's uptime stamps. */
  double uptimeSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  String logTail(int lines) {
    return jvm.logTail(lines);
  }

  @Override
  public void close() {
    jvm.stop();
  }

  private static boolean answers(HttpClient client, URI health) {
    try {
      return client.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET().build(),
          BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Writes a configuration tree as YAML, with a header naming who wrote it. */
  static void writeYaml(Path file, JsonObject tree, String writer) throws IOException {
    DumperOptions dump = new DumperOptions();
    dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    dump.setIndent(2);
    Object plain = new Yaml().load(tree.encode()); // JSON is YAML: this gives plain maps and lists
    Files.writeString(file, "# Written by " + writer + " from conf/media-edge.yaml\n"
        + "# plus the benchmark's endpoints, files and overrides. Regenerated on every run.\n"
        + new Yaml(dump).dump(plain), StandardCharsets.UTF_8);
  }

  /**
   * media-edge's own classes (system property {@code bench.edgeClasses}, default target/classes)
   * and the runtime-scope jars listed in {@code file}.
   */
  static String runtimeClasspath(Path file) throws IOException {
    String jars = Files.readString(file).trim();
    if (jars.contains("junit") || jars.contains("bcpkix")) {
      throw new IllegalStateException(file + " holds test-scope jars; build it with "
          + "./mvnw dependency:build-classpath -DincludeScope=runtime (not -Dmdep.includeScope)");
    }
    Path classes = Path.of(System.getProperty("bench.edgeClasses", "target/classes")).toAbsolutePath();
    if (!Files.isDirectory(classes)) {
      throw new IllegalStateException(classes + " is missing: build first (./mvnw compile)");
    }
    return classes + (jars.isEmpty() ? "" : File.pathSeparator + jars);
  }

  /** A TLS context that trusts the certificates in {@code caFile} (the dev CA). */
  static SSLContext trusting(Path caFile) throws Exception {
    return TlsClients.context(TlsClients.trusting(caFile));
  }
}
