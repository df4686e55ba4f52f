package io.mediaedge.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.mediaedge.devstack.ForkedJvm;
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
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The one way the benchmarks start media-edge: in a JVM of its own, through its production entry
 * point ({@code io.mediaedge.Main --config FILE}) on its runtime class path only, with the heap a
 * benchmark asks for, a GC log and a heap dump on OutOfMemoryError in {@code logs}, so its heap and
 * RSS can be measured from outside. Ready once {@code /healthz} answers 200. The benchmarks build
 * the configuration tree; this class writes it as YAML.
 */
final class EdgeFork implements AutoCloseable {
  private final ForkedJvm jvm;
  private final List<String> jvmArgs;
  private final Path gcLog;
  private final URI base;
  private long startNanos;
  private double startSeconds;

  private EdgeFork(ForkedJvm jvm, List<String> jvmArgs, Path gcLog, URI base) {
    this.jvm = jvm;
    this.jvmArgs = jvmArgs;
    this.gcLog = gcLog;
    this.base = base;
  }

  /**
   * Writes {@code config} to {@code configFile} and forks media-edge with {@code -Xmx xmx}, the GC
   * log and heap-dump flags, then {@code extraJvmArgs}. Call {@link #start} to run it. {@code name}
   * names the process and its files in {@code logs}: {@code NAME.log}, {@code NAME-gc.log}.
   */
  static EdgeFork prepare(String name, JsonObject config, Path configFile, Path logs, String xmx,
      List<String> extraJvmArgs, Path runtimeClasspathFile, Map<String, String> env) throws IOException {
    Files.createDirectories(logs);
    writeYaml(configFile, config);
    Path gcLog = logs.resolve(name + "-gc.log");
    List<String> jvmArgs = new ArrayList<>();
    jvmArgs.add("-Xmx" + xmx);
    jvmArgs.add("-Xlog:gc:file=" + gcLog + ":uptime");
    jvmArgs.add("-XX:+HeapDumpOnOutOfMemoryError");
    jvmArgs.add("-XX:HeapDumpPath=" + logs);
    // As bin/media-edge: resumable uploads hash on the JDK's SHA-256 engine (tus.IntrinsicSha256).
    jvmArgs.add("--add-opens");
    jvmArgs.add("java.base/sun.security.provider=ALL-UNNAMED");
    jvmArgs.addAll(extraJvmArgs);
    List<String> command = new ArrayList<>(jvmArgs);
    command.add("-cp");
    command.add(runtimeClasspath(runtimeClasspathFile));
    command.add("io.mediaedge.Main");
    command.add("--config");
    command.add(configFile.toString());
    ForkedJvm.Builder builder = ForkedJvm.builder(name)
        // The repository root: the committed config names files relative to it (conf/...).
        .workDir(Path.of("").toAbsolutePath())
        .logFile(logs.resolve(name + ".log"))
        .args(command);
    env.forEach(builder::env);
    JsonObject https = config.getJsonObject("server").getJsonObject("https");
    URI base = URI.create("https://localhost:" + https.getValue("port"));
    return new EdgeFork(builder.build(), List.copyOf(jvmArgs), gcLog, base);
  }

  /** Starts the JVM and waits until {@code /healthz} answers 200 over {@code client}. */
  EdgeFork start(HttpClient client, Duration timeout) {
    startNanos = System.nanoTime();
    jvm.start();
    jvm.waitUntil(() -> healthy(client), timeout);
    startSeconds = (System.nanoTime() - startNanos) / 1e9;
    return this;
  }

  long pid() {
    return jvm.pid();
  }

  boolean isAlive() {
    return jvm.isAlive();
  }

  URI base() {
    return base;
  }

  Path gcLog() {
    return gcLog;
  }

  Path logFile() {
    return jvm.logFile();
  }

  List<String> jvmArgs() {
    return jvmArgs;
  }

  /** {@link System#nanoTime()} when the JVM was started: GC-log uptimes count from about here. */
  long startNanos() {
    return startNanos;
  }

  /** The JVM's uptime (as the GC log counts it) at {@code nanoTime}, in seconds. */
  double uptimeAt(long nanoTime) {
    return (nanoTime - startNanos) / 1e9;
  }

  /** The JVM's uptime now, in seconds: the time base of the GC log's uptime stamps. */
  double uptimeSeconds() {
    return uptimeAt(System.nanoTime());
  }

  /** Seconds from the fork to the first healthy answer. */
  double startSeconds() {
    return startSeconds;
  }

  String logTail(int lines) {
    return jvm.logTail(lines);
  }

  /** Start-up facts for the result: pid, seconds to healthy, RSS, TLS engine, the JVM's flags. */
  JsonObject facts() {
    long pid = pid();
    return new JsonObject()
        .put("pid", pid)
        .put("startSeconds", BenchFigures.round(startSeconds, 2))
        .put("rssAfterStartMiB", BenchFigures.mib(Proc.statusKiB(pid, "VmRSS")))
        .put("jvmArgs", new JsonArray(new ArrayList<>(jvmArgs)))
        .put("tlsEngine", BenchFigures.grep(jvm.logFile(), "TLS engine: (.*)"))
        .put("listening", BenchFigures.grep(jvm.logFile(), "media-edge listening: (.*)"))
        .put("vmFlags", Proc.jcmd(pid, "VM.flags").lines()
            .filter(l -> l.startsWith("-")).findFirst().orElse(""))
        .put("openFileLimit", Proc.limit(pid, "Max open files"));
  }

  void stop() {
    jvm.stop();
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Stops media-edge and puts into {@code out} what its end says: OOM (a heap dump or the error in
   * its log), the log's tail when it had exited, its warnings and errors. False when it had exited.
   */
  boolean stopAndReport(JsonObject out) {
    List<String> dumps = BenchFigures.heapDumps(gcLog.getParent());
    List<String> oom = BenchFigures.grepAll(jvm.logFile(), "java.lang.OutOfMemoryError");
    out.put("outOfMemory", !dumps.isEmpty() || !oom.isEmpty()).put("heapDumps", new JsonArray(dumps));
    boolean alive = jvm.isAlive();
    if (!alive) {
      out.put("logTail", jvm.logTail(60));
    }
    jvm.stop();
    List<String> problems = BenchFigures.grepAll(jvm.logFile(), BenchFigures.LOG_PROBLEMS);
    out.put("logErrorsAndWarningsCount", problems.size())
        .put("logErrorsAndWarnings", new JsonArray(problems.stream().limit(30).toList()))
        .put("logFile", jvm.logFile().toString());
    return alive;
  }

  private boolean healthy(HttpClient client) {
    try {
      return client.send(HttpRequest.newBuilder(base.resolve("/healthz"))
          .timeout(Duration.ofSeconds(2)).GET().build(), BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Writes a configuration tree as YAML, with a header saying where it comes from. */
  private static void writeYaml(Path file, JsonObject tree) throws IOException {
    DumperOptions dump = new DumperOptions();
    dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    dump.setIndent(2);
    Object plain = new Yaml().load(tree.encode()); // JSON is YAML: this gives plain maps and lists
    Files.writeString(file, "# Written by a media-edge benchmark (io.mediaedge.bench) from conf/media-edge.yaml\n"
        + "# plus the benchmark's endpoints, files and overrides. Regenerated on every run.\n"
        + new Yaml(dump).dump(plain), StandardCharsets.UTF_8);
  }

  /**
   * media-edge's own classes (system property {@code bench.edgeClasses}, default target/classes)
   * and the runtime-scope jars listed in {@code file}.
   */
  private static String runtimeClasspath(Path file) throws IOException {
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

  /** Applies {@code --set PATH=VALUE} overrides to a configuration tree (creating missing objects). */
  static void applyOverrides(JsonObject tree, Map<String, String> overrides) {
    overrides.forEach((path, value) -> {
      String[] keys = path.split("\\.");
      JsonObject node = tree;
      for (int i = 0; i < keys.length - 1; i++) {
        JsonObject child = node.getJsonObject(keys[i]);
        if (child == null) {
          child = new JsonObject();
          node.put(keys[i], child);
        }
        node = child;
      }
      node.put(keys[keys.length - 1], scalar(value));
    });
  }

  private static Object scalar(String value) {
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    if (value.matches("-?\\d{1,18}")) {
      return Long.parseLong(value);
    }
    return value;
  }
}
