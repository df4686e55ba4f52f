package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.deleteTree;
import static io.mediaedge.bench.BenchFigures.round;

import io.mediaedge.testing.DevStackConfig;
import io.mediaedge.EdgeServer;
import io.mediaedge.devstack.DevCertificates;
import io.mediaedge.devstack.DevCertificates.KeyType;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.devstack.FreePorts;
import io.mediaedge.tls.TlsClients;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Full and resumed TLS handshakes per second against media-edge, one new connection per request
 * ({@code GET /healthz}), TLS 1.3 and 1.2, with an ECDSA P-256 and an RSA-2048 certificate.
 *
 * <p>media-edge runs in this JVM, started through {@link EdgeServer#start} over the dev stack's
 * S3, Cassandra and Kafka (each in a JVM of its own) with the OpenSSL engine, so this JVM's CPU
 * time is the server's. The clients are {@code openssl s_time} processes (C, OpenSSL): a new TCP
 * connection and handshake per request, {@code -new} for full handshakes, {@code -reuse} for
 * resumed sessions, several in parallel. The ECDSA and RSA runs use one server: the certificate
 * files are swapped on disk between them and the reloader picks the new pair up, exactly as in
 * production. Results go to {@code bench/results/tls-handshake-<UTC time>.json} and a table.
 *
 * <p>Run it with {@code bench/tls-handshake.sh}; see {@code bench/README.md}.
 */
public final class TlsHandshakeBench {
  private static final Pattern CONNECTIONS = Pattern.compile(
      "(\\d+) connections in ([0-9.]+)s; ([0-9.]+) connections/user sec");
  private static final Pattern PROGRESS = Pattern.compile("[*r]+");
  private static final Pattern REAL = Pattern.compile("(\\d+) connections in (\\d+) real seconds, (\\d+) bytes read");
  static final String USAGE = """
      Usage: bench/tls-handshake.sh [options]
        --seconds N        measured seconds per run (default 10)
        --warmup N         warm-up seconds before each run, one client; the whole server is warmed
                           up for 8 times as long first (default 2; 0 = none)
        --clients N        openssl s_time processes in parallel (default 4)
        --event-loops N    media-edge's server.eventLoops (default: one per core)
        --protocols LIST   TLSv1.3,TLSv1.2 (default both)
        --keys LIST        ecdsa,rsa (default both)
        --modes LIST       full,resumed (default both)
        --work DIR         scratch directory (default target/bench-tls)
        --results DIR      where the JSON result goes (default bench/results)
      """;

  private record Options(int seconds, int warmup, int clients, int eventLoops, List<String> protocols,
      List<String> keys, List<String> modes, Path work, Path results) {}

  private final Options options;
  private final JsonObject result = new JsonObject();
  private final List<String> failures = new ArrayList<>();
  private DevStack dev;
  private Vertx vertx;
  private EdgeServer server;
  private Path active;
  private Path activeKey;

  private TlsHandshakeBench(Options options) {
    this.options = options;
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = parse(args);
    } catch (BenchOptions.UsageException help) {
      System.out.print(USAGE);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("tls-handshake: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    System.exit(new TlsHandshakeBench(options).run(args));
  }

  private int run(String[] args) {
    String openssl = command("openssl", "version");
    if (!openssl.startsWith("OpenSSL")) {
      System.err.println("tls-handshake: the openssl command line is needed for the clients (apt-get install openssl)");
      return 2;
    }
    Path work = options.work().toAbsolutePath();
    if (!WorkDirLock.hold(work, "tls-handshake")) {
      return 2;
    }
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    result.put("benchmark", "tls-handshake")
        .put("startedAt", started.toString())
        .put("arguments", new JsonArray(List.of((Object[]) args)))
        .put("machine", machine(openssl))
        .put("settings", new JsonObject()
            .put("secondsPerRun", options.seconds())
            .put("warmupSeconds", options.warmup())
            .put("initialWarmupSeconds", 8 * options.warmup())
            .put("parallelClients", options.clients())
            .put("client", "openssl s_time -connect 127.0.0.1:PORT -new|-reuse -tls1_3|-tls1_2 -www /healthz"
                + " (a new TCP connection and TLS handshake per request, HTTP/1.0 GET)")
            .put("server", "media-edge in the bench JVM via EdgeServer.start, OpenSSL engine, HTTP/2+HTTP/1.1 ALPN"));
    JsonArray runs = new JsonArray();
    result.put("runs", runs);
    try {
      start(work);
      warmUp();
      for (String key : options.keys()) {
        useCertificate(work, key);
        for (String protocol : options.protocols()) {
          for (String mode : options.modes()) {
            runs.add(measure(key, protocol, mode));
          }
        }
      }
    } catch (Exception | Error e) {
      failures.add(e.toString());
      e.printStackTrace();
    } finally {
      stop(work);
    }
    boolean success = failures.isEmpty() && !runs.isEmpty();
    result.put("success", success).put("failures", new JsonArray(List.copyOf(failures)))
        .put("finishedAt", Instant.now().toString())
        .put("totalSeconds", round((System.nanoTime() - t0) / 1e9, 1));
    result.getJsonObject("machine").put("loadAverageAtEnd", Proc.loadAverage());
    Path file = BenchFigures.resultFile(options.results(), "tls-handshake", started);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, result.encodePrettily() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      System.err.println("tls-handshake: could not write " + file + ": " + e);
    }
    printTable(file);
    return success ? 0 : 1;
  }

  private void start(Path work) throws Exception {
    for (String dir : List.of("s3", "cassandra", "kafka", "certs-bench")) {
      deleteTree(work.resolve(dir));
    }
    say("starting the dev stack (S3, Cassandra, Kafka) under " + work + " ...");
    dev = DevStack.start(work, work.resolve("certs"), 0);
    Path certs = Files.createDirectories(work.resolve("certs-bench"));
    for (KeyType type : KeyType.values()) {
      DevCertificates.issueServer(work.resolve("certs"), certs.resolve(type + ".pem"), certs.resolve(type + "-key.pem"),
          type, List.of("localhost", "127.0.0.1"));
    }
    active = certs.resolve("server.pem");
    activeKey = certs.resolve("server-key.pem");
    copyPair(KeyType.EC_P256);
    JsonObject https = new JsonObject().put("certFile", active.toString()).put("keyFile", activeKey.toString())
        .put("reloadCheckInterval", "200ms");
    JsonObject server = new JsonObject().put("eventLoops", options.eventLoops()).put("https", https);
    vertx = Vertx.vertx();
    this.server = EdgeServer.start(vertx, DevStackConfig.config(dev, FreePorts.pick(), 0, new JsonObject().put("server", server)))
        .await(120, TimeUnit.SECONDS);
    say("media-edge on https://127.0.0.1:" + this.server.httpsPort() + ", event loops "
        + this.server.config().server().eventLoopsOrCores());
    result.put("versions", new JsonObject()
        .put("vertx", "5.0.8")
        .put("tcnative", io.netty.handler.ssl.OpenSsl.versionString())
        .put("openSslServerEngineAvailable", io.netty.handler.ssl.OpenSsl.isAvailable()));
  }

  private void copyPair(KeyType type) throws IOException {
    Path certs = active.getParent();
    // Key first, each by a rename: the reloader ignores a half-swapped pair and looks again.
    Files.copy(certs.resolve(type + "-key.pem"), certs.resolve(".key.tmp"), StandardCopyOption.REPLACE_EXISTING);
    Files.move(certs.resolve(".key.tmp"), activeKey, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    Files.copy(certs.resolve(type + ".pem"), certs.resolve(".cert.tmp"), StandardCopyOption.REPLACE_EXISTING);
    Files.move(certs.resolve(".cert.tmp"), active, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Brings the server's JIT to steady state before anything is recorded: every protocol and mode
   * for a few seconds with all clients, so the first measured run is not the one paying for it.
   */
  private void warmUp() throws Exception {
    if (options.warmup() == 0) {
      return;
    }
    say("warming up for " + 8 * options.warmup() + " s ...");
    String target = "127.0.0.1:" + server.httpsPort();
    for (String flag : List.of("-tls1_3", "-tls1_2")) {
      for (String mode : List.of("-new", "-reuse")) {
        clients(List.of("openssl", "s_time", "-connect", target, mode, flag, "-www", "/healthz"), options.clients(),
            2 * options.warmup());
      }
    }
  }

  /** Swaps the served certificate on disk and waits until new handshakes present it. */
  private void useCertificate(Path work, String key) throws Exception {
    KeyType type = key.equals("rsa") ? KeyType.RSA_2048 : KeyType.EC_P256;
    String algorithm = type == KeyType.RSA_2048 ? "RSA" : "EC";
    copyPair(type);
    SSLContext client = TlsClients.context(TlsClients.trusting(dev.tls().caCert()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (var connection = new TlsClients.Connection(client, server.httpsPort(), "localhost")) {
        if (connection.serverCertificate().getPublicKey().getAlgorithm().equals(algorithm)) {
          String statusLine = httpOneZeroStatus();
          if (connection.get("/healthz").status() != 200 || !statusLine.endsWith(" 200 OK")) {
            throw new IllegalStateException("GET /healthz did not answer 200 (HTTP/1.0: " + statusLine + ")");
          }
          say("serving the " + key + " certificate");
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the " + key + " certificate was not picked up within 30 s");
      }
      Thread.sleep(100);
    }
  }

  /** The status line media-edge answers s_time's request with (HTTP/1.0, no Host header). */
  private String httpOneZeroStatus() throws Exception {
    Process process = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + server.httpsPort(), "-quiet")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    process.getOutputStream().write("GET /healthz HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    process.getOutputStream().close(); // -quiet ignores the end of input and waits for the answer
    String answer = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    process.waitFor(10, TimeUnit.SECONDS);
    return answer.lines().findFirst().orElse("").trim();
  }

  private JsonObject measure(String key, String protocol, String mode) throws Exception {
    String flag = protocol.equals("TLSv1.2") ? "-tls1_2" : "-tls1_3";
    String reuse = mode.equals("resumed") ? "-reuse" : "-new";
    String target = "127.0.0.1:" + server.httpsPort();
    List<String> command = List.of("openssl", "s_time", "-connect", target, reuse, flag, "-www", "/healthz");
    if (options.warmup() > 0) {
      clients(command, 1, options.warmup());
    }
    long pid = ProcessHandle.current().pid();
    double cpuBefore = Proc.cpuSeconds(pid);
    long t = System.nanoTime();
    List<String> outputs = clients(command, options.clients(), options.seconds());
    double wall = (System.nanoTime() - t) / 1e9;
    double serverCpu = Proc.cpuSeconds(pid) - cpuBefore;

    long connections = 0;
    long reused = 0;
    long bytes = 0;
    double clientUserSeconds = 0;
    double clientSeconds = 0;
    for (String out : outputs) {
      Matcher user = CONNECTIONS.matcher(out);
      Matcher real = REAL.matcher(out);
      if (!user.find() || !real.find()) {
        throw new IllegalStateException("openssl s_time printed no summary: " + out.lines().limit(5).toList());
      }
      connections += Long.parseLong(user.group(1));
      clientUserSeconds += Double.parseDouble(user.group(2));
      clientSeconds = Math.max(clientSeconds, Double.parseDouble(real.group(2)));
      bytes = Long.parseLong(real.group(3));
      // s_time prints one character per connection: '*' for a full handshake, 'r' for a resumed one.
      reused += out.lines().filter(line -> PROGRESS.matcher(line).matches()).mapToLong(
          line -> line.chars().filter(c -> c == 'r').count()).sum();
    }
    double perSecond = connections / wall;
    JsonObject run = new JsonObject()
        .put("certificate", key.equals("rsa") ? "RSA 2048" : "ECDSA P-256")
        .put("protocol", protocol)
        .put("mode", mode)
        .put("clients", options.clients())
        .put("connections", connections)
        .put("resumedConnections", reused)
        .put("seconds", round(wall, 2))
        .put("handshakesPerSecond", round(perSecond, 0))
        .put("serverCpuSeconds", round(serverCpu, 2))
        .put("serverCpuMsPerHandshake", connections == 0 ? null : round(serverCpu * 1000 / connections, 3))
        .put("clientUserCpuSeconds", round(clientUserSeconds, 2))
        .put("bytesPerResponse", bytes);
    say(String.format(Locale.ROOT, "%-11s %-7s %-7s %8.0f handshakes/s  server %.3f ms CPU each  (%d connections, %d"
        + " resumed)", run.getString("certificate"), protocol, mode, perSecond,
        run.getDouble("serverCpuMsPerHandshake"), connections, reused));
    return run;
  }

  /** Runs {@code count} s_time processes for {@code seconds} side by side; their outputs. */
  private static List<String> clients(List<String> command, int count, int seconds) throws Exception {
    List<String> timed = new ArrayList<>(command);
    timed.addAll(List.of("-time", String.valueOf(seconds)));
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      processes.add(new ProcessBuilder(timed).redirectErrorStream(true).start());
    }
    List<String> outputs = new ArrayList<>();
    for (Process process : processes) {
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("openssl s_time did not finish");
      }
      outputs.add(out);
    }
    return outputs;
  }

  private void stop(Path work) {
    try {
      if (server != null) {
        server.stop().await(30, TimeUnit.SECONDS);
      }
      if (vertx != null) {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      failures.add("media-edge did not stop cleanly: " + e);
    }
    if (dev != null) {
      dev.close();
    }
    for (String dir : List.of("s3", "cassandra", "kafka")) {
      deleteTree(work.resolve(dir));
    }
  }

  private JsonObject machine(String openssl) {
    return MachineFacts.describe().put("opensslClient", openssl);
  }

  private void printTable(Path file) {
    StringBuilder out = new StringBuilder();
    JsonObject machine = result.getJsonObject("machine");
    out.append(String.format(Locale.ROOT, "%ntls-handshake  %s cores, %s, Java %s, %s, load %s -> %s%n",
        machine.getInteger("cores"), machine.getString("cpu"), machine.getString("javaVersion"),
        machine.getString("opensslClient"), machine.getString("loadAverageAtStart"),
        machine.getString("loadAverageAtEnd")));
    out.append(String.format(Locale.ROOT, "%d openssl s_time clients, %d s per run, new connection per GET /healthz%n%n",
        options.clients(), options.seconds()));
    out.append(String.format(Locale.ROOT, "%-12s %-8s %-8s %12s %14s %12s%n", "certificate", "TLS", "mode",
        "handshakes/s", "server CPU ms", "resumed"));
    for (Object item : result.getJsonArray("runs")) {
      JsonObject run = (JsonObject) item;
      out.append(String.format(Locale.ROOT, "%-12s %-8s %-8s %12.0f %14.3f %11.0f%%%n", run.getString("certificate"),
          run.getString("protocol"), run.getString("mode"), run.getDouble("handshakesPerSecond"),
          run.getDouble("serverCpuMsPerHandshake"),
          100.0 * run.getLong("resumedConnections") / Math.max(1, run.getLong("connections"))));
    }
    if (!failures.isEmpty()) {
      out.append("\nFAILED: ").append(failures).append('\n');
    }
    out.append("\nresult: ").append(file).append('\n');
    System.out.print(out);
  }

  private static Options parse(String[] args) {
    int seconds = 10;
    int warmup = 2;
    int clients = 4;
    int eventLoops = 0;
    List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
    List<String> keys = List.of("ecdsa", "rsa");
    List<String> modes = List.of("full", "resumed");
    Path work = Path.of("target/bench-tls");
    Path results = Path.of("bench/results");
    BenchArgs in = new BenchArgs(args);
    while (in.hasNext()) {
      String option = in.next();
      switch (option) {
        case "--seconds" -> seconds = in.wholeNumber(option);
        case "--warmup" -> warmup = in.wholeNumber(option);
        case "--clients" -> clients = in.wholeNumber(option);
        case "--event-loops" -> eventLoops = in.wholeNumber(option);
        case "--protocols" -> protocols = in.list(option, List.of("TLSv1.3", "TLSv1.2"));
        case "--keys" -> keys = in.list(option, List.of("ecdsa", "rsa"));
        case "--modes" -> modes = in.list(option, List.of("full", "resumed"));
        case "--work" -> work = Path.of(in.value(option));
        case "--results" -> results = Path.of(in.value(option));
        case "-h", "--help" -> throw new BenchOptions.UsageException(null);
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    if (seconds < 1 || clients < 1) {
      throw new IllegalArgumentException("--seconds and --clients must be at least 1");
    }
    return new Options(seconds, warmup, clients, eventLoops, protocols, keys, modes, work, results);
  }

  private static String command(String... command) {
    return Proc.run(List.of(command), 10).trim();
  }

  private static void say(String message) {
    System.out.println("[bench] " + message);
  }
}
