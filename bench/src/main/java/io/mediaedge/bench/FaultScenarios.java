package io.mediaedge.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.devstack.ForkedServer;
import io.mediaedge.it.MediaSamples;
import io.mediaedge.testing.S3FaultProxy;
import io.mediaedge.tls.TlsClients;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The faults themselves, on the real processes: SIGSTOP/SIGCONT (a paused server keeps its
 * connections open and answers nothing, the nastiest outage), SIGKILL and a restart on the same
 * ports and data, and clients that cut their uploads at a random byte with a FIN or an RST.
 */
final class FaultScenarios {
  /** The hostile clients come from 127.0.0.2 to 127.0.0.9. */
  private static final int HOSTILE_SOURCES = 8;
  private final DevStack dev;
  private final List<EdgeFork> edges;
  private final HttpClient client;
  private final Consumer<String> say;
  private final S3FaultProxy s3Proxy;

  FaultScenarios(DevStack dev, List<EdgeFork> edges, HttpClient client, S3FaultProxy s3Proxy, Consumer<String> say) {
    this.s3Proxy = s3Proxy;
    this.dev = dev;
    this.edges = edges;
    this.client = client;
    this.say = say;
  }

  /** Injects the scenario's fault while the load runs; what was done, with its timings. */
  JsonObject run(String name, int pause, int kills, int cuts) throws Exception {
    return switch (name) {
      case "baseline" -> {
        Thread.sleep(10_000);
        yield new JsonObject().put("what", "none: the load alone for 10 s");
      }
      case "kafka-pause" -> pause(dev.kafka(), "Kafka", pause);
      case "cassandra-pause" -> pause(dev.cassandra(), "Cassandra", Math.max(5, pause / 2));
      case "s3-pause" -> pause(dev.s3(), "S3Mock", Math.max(5, pause / 3));
      case "kafka-kill" -> killAndRestart(dev.kafka(), "Kafka");
      case "cassandra-kill" -> killCassandra();
      case "s3-refuse" -> s3Mode(S3FaultProxy.Mode.REFUSE, Math.max(5, pause / 3), "S3 refusing connections");
      case "s3-errors" -> s3Errors(Math.max(6, pause / 3));
      case "hostile-clients" -> hostile(cuts * 3, Math.max(10, pause / 2));
      case "edge-kill" -> killEdges(kills);
      case "client-cuts" -> cut(cuts);
      default -> throw new IllegalArgumentException("no scenario named " + name);
    };
  }

  private JsonObject pause(ForkedServer<?> server, String what, int seconds) throws Exception {
    say.accept("SIGSTOP " + what + " (pid " + server.pid() + ") for " + seconds + " s");
    signal("STOP", server.pid());
    try {
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    } finally {
      signal("CONT", server.pid());
    }
    say.accept("SIGCONT " + what);
    return new JsonObject().put("what", what + " paused (SIGSTOP) for " + seconds + " s").put("seconds", seconds);
  }

  private JsonObject s3Mode(S3FaultProxy.Mode mode, int seconds, String what) throws InterruptedException {
    say.accept(what + " for " + seconds + " s");
    s3Proxy.mode(mode);
    try {
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    } finally {
      s3Proxy.mode(S3FaultProxy.Mode.PASS);
    }
    return new JsonObject().put("what", what + " for " + seconds + " s (a proxy in front of S3Mock)")
        .put("seconds", seconds).put("connectionsRefused", s3Proxy.refused());
  }

  /** Half the time 503 SlowDown, half 500 InternalError, to every S3 request. */
  private JsonObject s3Errors(int seconds) throws InterruptedException {
    long before = s3Proxy.errorsAnswered();
    s3Mode(S3FaultProxy.Mode.SLOW_DOWN_503, seconds / 2, "S3 answering 503 SlowDown");
    s3Mode(S3FaultProxy.Mode.INTERNAL_ERROR_500, seconds - seconds / 2, "S3 answering 500 InternalError");
    return new JsonObject().put("what", "S3 answering 503 SlowDown for " + seconds / 2 + " s, then 500 InternalError for "
        + (seconds - seconds / 2) + " s (a proxy in front of S3Mock)").put("seconds", seconds)
        .put("errorsAnswered", s3Proxy.errorsAnswered() - before);
  }

  /**
   * The hostile clients of {@code bench/slow-clients.sh} (slowloris headers, a body at 100 B/s,
   * idle after the handshake, idle kept-alive, idle without a handshake) against the second
   * instance, while the load runs against both.
   */
  private JsonObject hostile(int connections, int seconds) throws Exception {
    HostileConnections hostile = new HostileConnections(edges.get(1).base().getPort(),
        dev.token("fault-hostile", Duration.ofHours(3)), 2_000, true, HOSTILE_SOURCES);
    say.accept(connections + " hostile connections against edge-b for " + seconds + " s");
    hostile.start(connections, List.of(HostileConnections.Kind.values()), 5_000);
    try {
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    } finally {
      hostile.stop();
    }
    JsonObject report = hostile.report();
    hostile.close();
    return new JsonObject().put("what", connections + " hostile connections (held, reopened when closed) from "
        + HOSTILE_SOURCES + " source addresses against edge-b for " + seconds + " s").put("hostile", report);
  }

  private JsonObject killAndRestart(ForkedServer<?> server, String what) throws Exception {
    say.accept("SIGKILL " + what + " (pid " + server.pid() + "), restart after 5 s");
    long start = System.nanoTime();
    ProcessHandle.of(server.pid()).ifPresent(ProcessHandle::destroyForcibly);
    Thread.sleep(5_000);
    server.restart();
    double down = (System.nanoTime() - start) / 1e9;
    say.accept(String.format(java.util.Locale.ROOT, "%s back after %.1f s", what, down));
    return new JsonObject().put("what", what + " killed (SIGKILL) and restarted on its data")
        .put("downSeconds", BenchFigures.round(down, 1));
  }

  /**
   * The dev node writes its schema tables without fsync (cassandra.unsafesystem, for a fast
   * start), so a SIGKILL soon after the keyspace was made loses the keyspace itself, as no
   * production node would. A clean restart first (SIGTERM: Cassandra flushes everything) puts the
   * schema on disk; the SIGKILL under load that follows then tests what it should: the writes
   * since, replayed from the commit log.
   */
  private JsonObject killCassandra() throws Exception {
    say.accept("restarting Cassandra cleanly first (SIGTERM: the dev node's schema goes to disk)");
    dev.cassandra().restart();
    Thread.sleep(10_000);
    return killAndRestart(dev.cassandra(), "Cassandra").put("cleanRestartFirst", true);
  }

  /** Kills the first instance mid-flight {@code kills} times, restarting it each time. */
  private JsonObject killEdges(int kills) throws Exception {
    EdgeFork victim = edges.get(0);
    SplittableRandom random = new SplittableRandom(18);
    double restartSeconds = 0;
    for (int i = 1; i <= kills; i++) {
      Thread.sleep(1_000 + random.nextInt(3_000));
      say.accept("SIGKILL " + "edge-a (pid " + victim.pid() + "), " + i + " of " + kills);
      ProcessHandle.of(victim.pid()).ifPresent(ProcessHandle::destroyForcibly);
      while (victim.isAlive()) {
        Thread.sleep(20);
      }
      long start = System.nanoTime();
      victim.start(client, Duration.ofSeconds(120));
      restartSeconds += (System.nanoTime() - start) / 1e9;
    }
    return new JsonObject().put("what", "edge-a killed (SIGKILL) mid-flight and restarted, " + kills + " times")
        .put("kills", kills).put("meanRestartSeconds", BenchFigures.round(restartSeconds / kills, 1));
  }

  /**
   * Clients that announce a 64 KiB to 2 MiB upload and stop at a random byte: half close (FIN after
   * TLS close_notify), half reset (RST). Four at a time, both instances in turn.
   */
  private JsonObject cut(int cuts) throws Exception {
    SSLContext tls = TlsClients.context(TlsClients.trusting(dev.tls().caCert()));
    AtomicLong fin = new AtomicLong();
    AtomicLong rst = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong tus = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    String token = dev.token("fault-cutter", Duration.ofHours(3));
    for (int i = 0; i < cuts; i++) {
      int index = i;
      pool.execute(() -> {
        SplittableRandom random = new SplittableRandom(index);
        URI base = edges.get(index % edges.size()).base();
        long length = random.nextLong(64 << 10, (2 << 20) + 1);
        long cutAt = random.nextLong(1, length);
        boolean reset = random.nextBoolean();
        try {
          String path = "/v1/media";
          String extra = "";
          if (index % 4 == 3) {
            // every fourth is a resumable upload's PATCH, cut the same way
            path = createResumable(base, token, length);
            extra = "Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n";
            tus.incrementAndGet();
          }
          cutOne(tls, base, extra.isEmpty() ? "POST" : "PATCH", path, extra, token, length, cutAt, reset,
              random.nextLong());
          (reset ? rst : fin).incrementAndGet();
        } catch (IOException | InterruptedException e) {
          failed.incrementAndGet();
        }
      });
    }
    pool.shutdown();
    pool.awaitTermination(30, TimeUnit.MINUTES);
    say.accept(cuts + " uploads cut: " + fin.get() + " FIN, " + rst.get() + " RST (" + tus.get() + " of them resumable"
        + " PATCHes), " + failed.get() + " could not start");
    return new JsonObject().put("what", cuts + " uploads cut at a random byte (a quarter of them resumable PATCHes)")
        .put("fin", fin.get()).put("rst", rst.get()).put("resumablePatches", tus.get())
        .put("couldNotStart", failed.get());
  }

  /** A resumable upload of {@code length} bytes; its path. */
  private String createResumable(URI base, String token, long length) throws IOException, InterruptedException {
    java.net.http.HttpResponse<String> created = client.send(java.net.http.HttpRequest.newBuilder(
        base.resolve("/v1/uploads/")).header("Authorization", "Bearer " + token).header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", String.valueOf(length))
        .header("Upload-Metadata", "filetype " + java.util.Base64.getEncoder().encodeToString(
            "image/jpeg".getBytes(StandardCharsets.US_ASCII)))
        .timeout(Duration.ofSeconds(30)).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201) {
      throw new IOException("creating a resumable upload answered " + created.statusCode());
    }
    return URI.create(created.headers().firstValue("Location").orElseThrow()).getPath();
  }

  private static void cutOne(SSLContext tls, URI base, String method, String path, String extraHeaders, String token,
      long length, long cutAt, boolean reset, long seed) throws IOException {
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(30_000);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      String type = "PATCH".equals(method) ? "application/offset+octet-stream" : "image/jpeg";
      out.write((method + " " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthorization: Bearer " + token
          + "\r\n" + extraHeaders + "Content-Type: " + type + "\r\nContent-Length: " + length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      GeneratedBody body = new GeneratedBody(length, seed, MediaSamples.JPEG_HEAD);
      byte[] buffer = new byte[16 << 10];
      long sent = 0;
      while (sent < cutAt) {
        int n = body.read(buffer, 0, (int) Math.min(buffer.length, cutAt - sent));
        out.write(buffer, 0, n);
        sent += n;
      }
      out.flush();
      if (reset) {
        socket.setSoLinger(true, 0);
      }
    }
  }

  /**
   * After a scenario, with the load stopped: waits until the outbox is empty and no deletion is
   * pending (at most two minutes), then past the reconciler's grace and two of its rounds, so the
   * audit judges what the clean-ups left.
   */
  JsonObject settle(EdgeConfig config, Duration grace) throws Exception {
    long start = System.nanoTime();
    String keyspace = config.history().keyspace();
    long outbox;
    long pending;
    try (CqlSession cql = CqlSession.builder().addContactPoint(dev.cassandra().contactPoint())
        .withLocalDatacenter(dev.cassandra().localDatacenter()).build()) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      do {
        outbox = cql.execute("SELECT count(*) FROM " + keyspace + ".outbox").one().getLong(0);
        pending = cql.execute("SELECT count(*) FROM " + keyspace + ".pending_deletions").one().getLong(0);
        if (outbox == 0 && pending == 0) {
          break;
        }
        Thread.sleep(500);
      } while (System.nanoTime() < deadline);
    }
    double drained = (System.nanoTime() - start) / 1e9;
    Thread.sleep(grace.plusSeconds(5).toMillis());
    return new JsonObject().put("outboxDrainedSeconds", BenchFigures.round(drained, 1)).put("outboxLeft", outbox)
        .put("pendingDeletionsLeft", pending);
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + pid + " failed");
    }
  }
}
