package io.mediaedge.bench;

import io.mediaedge.it.MediaSamples;
import io.mediaedge.testing.DemoWorld;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Demo traffic for dev mode: clients all over the {@link DemoWorld} upload, download and delete
 * media through the real media-edge, with a few failures of every kind, so that the history topic
 * and the insights dashboards have a live world to show. Each request claims its client's address
 * in {@code CF-Connecting-IP} and its PoP in {@code CF-Ray}, as Cloudflare would (dev mode believes
 * them from loopback). After {@code --trouble-after}, one network ({@code --trouble}) turns bad:
 * its uploads crawl and a third of them are cut off, so the detection and the steering can be
 * watched. Runs until {@code --duration} or Ctrl-C; prints a line of counts every 10 s.
 */
public final class DemoTraffic {
  private static final String USAGE = """
      bench/demo-traffic.sh [options]   (dev mode must be running: ./mvnw -Pdev compile exec:java)
        --env FILE            dev mode's env file (default target/dev/dev-env.json)
        --rate N              visits per second at most (default 6; a visit is an upload, maybe a download
                              and a delete)
        --clients N           visits in flight at most (default 16)
        --duration D          how long, e.g. 10m; 0 runs until Ctrl-C (default 0)
        --trouble C/ASN       the network that turns bad, or none (default NG/29465, MTN Nigeria)
        --trouble-after D     healthy for this long first (default 6m: a baseline for detection)
        --trouble-share P     percent of all visits from that network, before and after (default 12)
        --seed N              random seed (default 1)""";

  private final JsonObject env;
  private final HttpClient http;
  /**
   * The troubled network's own client: its throttled bodies are read from a blocking stream, and
   * on a shared client that read can hold the threads that pump everyone else's bodies, which
   * slowed every network's uploads in a demo run (the edge's memory budget was idle meanwhile).
   */
  private final HttpClient throttledHttp;
  private final URI base;
  /** At about 256 KiB/s, a troubled upload of at most this size takes 4 s. */
  static final int TROUBLED_MAX_BYTES = 1 << 20;

  private final DemoWorld.Network trouble;
  private final int troubleShare;
  private final long troubleAtNanos;
  private final AtomicLong uploads = new AtomicLong();
  private final AtomicLong downloads = new AtomicLong();
  private final AtomicLong deletes = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong cut = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();

  private DemoTraffic(JsonObject env, DemoWorld.Network trouble, int troubleShare, Duration troubleAfter) {
    this.env = env;
    String plain = env.getString("plainBaseUrl");
    if (plain == null) {
      throw new IllegalArgumentException("dev mode runs without its plain HTTP listener; the generator needs it");
    }
    this.base = URI.create(plain);
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
        .build();
    this.throttledHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newCachedThreadPool(runnable -> {
          Thread thread = new Thread(runnable, "demo-throttled-upload");
          thread.setDaemon(true);
          return thread;
        })).build();
    this.trouble = trouble;
    this.troubleShare = troubleShare;
    this.troubleAtNanos = System.nanoTime() + troubleAfter.toNanos();
  }

  public static void main(String[] args) throws Exception {
    Path envFile = Path.of("target/dev/dev-env.json");
    int rate = 6;
    int clients = 16;
    Duration duration = Duration.ZERO;
    String troubleKey = "NG/29465";
    Duration troubleAfter = Duration.ofMinutes(6);
    int troubleShare = 12;
    long seed = 1;
    BenchArgs in = new BenchArgs(args);
    while (in.hasNext()) {
      String option = in.next();
      switch (option) {
        case "--env" -> envFile = Path.of(in.value(option));
        case "--rate" -> rate = in.wholeNumber(option);
        case "--clients" -> clients = in.wholeNumber(option);
        case "--duration" -> duration = in.duration(option);
        case "--trouble" -> troubleKey = in.value(option);
        case "--trouble-after" -> troubleAfter = in.duration(option);
        case "--trouble-share" -> troubleShare = Math.min(100, in.wholeNumber(option));
        case "--seed" -> seed = in.wholeNumber(option);
        case "--help" -> {
          System.out.println(USAGE);
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
      }
    }
    if (!Files.isRegularFile(envFile)) {
      System.err.println(envFile + " not found: start dev mode first (./mvnw -Pdev compile exec:java)");
      System.exit(2);
    }
    JsonObject env = new JsonObject(Files.readString(envFile));
    DemoWorld.Network trouble = troubleKey.equals("none") ? null : DemoWorld.network(troubleKey);
    new DemoTraffic(env, trouble, troubleShare, troubleAfter).run(rate, clients, duration, seed);
  }

  private void run(int rate, int clients, Duration duration, long seed) throws InterruptedException {
    System.out.printf("demo traffic: up to %d visits/s from %d networks in %d countries through %s%s%n", rate,
        DemoWorld.NETWORKS.size(), DemoWorld.NETWORKS.stream().map(DemoWorld.Network::country).distinct().count(),
        base, trouble == null ? "" : "; " + trouble.key() + " (" + trouble.isp() + ") turns bad later");
    var workers = Executors.newFixedThreadPool(clients);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    Random seeds = new Random(seed);
    long periodMicros = 1_000_000L / Math.max(1, rate);
    AtomicLong inFlight = new AtomicLong();
    ticker.scheduleAtFixedRate(() -> {
      if (inFlight.get() >= clients) {
        return; // the edge is slower than the rate asked: skip this tick rather than pile up
      }
      long requestSeed = seeds.nextLong();
      inFlight.incrementAndGet();
      workers.execute(() -> {
        try {
          oneVisit(new Random(requestSeed));
        } catch (Exception e) {
          errors.incrementAndGet();
        } finally {
          inFlight.decrementAndGet();
        }
      });
    }, 0, periodMicros, TimeUnit.MICROSECONDS);
    ticker.scheduleAtFixedRate(this::report, 10, 10, TimeUnit.SECONDS);
    if (duration.isZero()) {
      Thread.currentThread().join();
    }
    Thread.sleep(duration.toMillis());
    ticker.shutdownNow();
    workers.shutdown();
    workers.awaitTermination(30, TimeUnit.SECONDS);
    report();
  }

  private void report() {
    boolean troubled = trouble != null && System.nanoTime() > troubleAtNanos;
    System.out.printf("uploads %d, downloads %d, deletes %d, refused %d, cut off %d, client errors %d%s%n",
        uploads.get(), downloads.get(), deletes.get(), refused.get(), cut.get(), errors.get(),
        troubled ? "; " + trouble.key() + " is in trouble" : "");
  }

  /** One client's visit: an upload, then perhaps a download and a delete of it. */
  private void oneVisit(Random random) throws Exception {
    // The network that turns bad is one of the busiest, before and after: detection judges only
    // networks with enough requests in its window, and the demo's windows are short.
    DemoWorld.Network network = trouble != null && random.nextInt(100) < troubleShare ? trouble
        : DemoWorld.pick(random);
    String address = network.randomAddress(random);
    String ray = HexFormat.of().formatHex(new byte[] {(byte) random.nextInt(), (byte) random.nextInt(),
        (byte) random.nextInt(), (byte) random.nextInt()}) + "-" + network.pop();
    boolean troubled = network == trouble && System.nanoTime() > troubleAtNanos;
    if (random.nextInt(100) < 4) {
      refusedUpload(random, address, ray);
      return;
    }
    // A troubled network's uploads are kept small (its users send less on a crawling network), so
    // they still finish within seconds and the network keeps enough requests in the window to judge.
    Sample sample = Sample.pick(random, troubled ? TROUBLED_MAX_BYTES : Integer.MAX_VALUE);
    if (troubled && random.nextInt(3) == 0) {
      cutOffUpload(sample, address, ray);
      return;
    }
    HttpRequest.BodyPublisher body = troubled
        ? HttpRequest.BodyPublishers.ofInputStream(() -> throttled(sample.bytes))
        : HttpRequest.BodyPublishers.ofByteArray(sample.bytes);
    HttpResponse<String> created = (troubled ? throttledHttp : http).send(request("/v1/media", address, ray)
        .header("Content-Type", sample.type).POST(body).build(), HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201) {
      refused.incrementAndGet();
      return;
    }
    uploads.incrementAndGet();
    String id = new JsonObject(created.body()).getString("id");
    if (random.nextInt(100) < 60) {
      HttpRequest.Builder get = request("/v1/media/" + id, address, ray).GET();
      if (random.nextBoolean()) {
        get.header("Range", "bytes=0-" + (sample.bytes.length / 2));
      }
      http.send(get.build(), HttpResponse.BodyHandlers.discarding());
      downloads.incrementAndGet();
    }
    if (random.nextInt(100) < 50) {
      http.send(request("/v1/media/" + id, address, ray).DELETE().build(), HttpResponse.BodyHandlers.discarding());
      deletes.incrementAndGet();
    }
  }

  /** A type the edge refuses, or a body that is not what it claims: an UPLOAD_FAILED event. */
  private void refusedUpload(Random random, String address, String ray) throws Exception {
    boolean wrongType = random.nextBoolean();
    byte[] bytes = MediaSamples.jpeg(2_000 + random.nextInt(20_000));
    http.send(request("/v1/media", address, ray).header("Content-Type", wrongType ? "application/zip" : "video/mp4")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.discarding());
    refused.incrementAndGet();
  }

  /** Half the declared body, then the connection drops: what a failing mobile network does. */
  private void cutOffUpload(Sample sample, String address, String ray) throws IOException {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = socket.getOutputStream();
      String head = "POST /v1/media HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthorization: Bearer "
          + env.getString("token") + "\r\nContent-Type: " + sample.type + "\r\nContent-Length: "
          + sample.bytes.length + "\r\nCF-Connecting-IP: " + address + "\r\nCF-Ray: " + ray + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(sample.bytes, 0, sample.bytes.length / 2);
      out.flush();
      sleepQuietly(300);
    }
    cut.incrementAndGet();
  }

  private HttpRequest.Builder request(String path, String address, String ray) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(2))
        .header("Authorization", "Bearer " + env.getString("token"))
        .header("CF-Connecting-IP", address)
        .header("CF-Ray", ray);
  }

  /** What a visit uploads: photos most, then videos, voice clips and screenshots, over a wide range of sizes. */
  private record Sample(String type, byte[] bytes) {
    static Sample pick(Random random, int maxBytes) {
      int roll = random.nextInt(100);
      // log-uniform sizes: many small, a few large
      int size = (int) Math.round(Math.exp(Math.log(4_000) + random.nextDouble() * Math.log(2_000)));
      size = Math.min(size, roll >= 70 && roll < 85 ? maxBytes / 4 : maxBytes);
      if (roll < 55) {
        return new Sample("image/jpeg", MediaSamples.jpeg(Math.min(size, 3_000_000)));
      } else if (roll < 70) {
        return new Sample("image/png", MediaSamples.withHead(MediaSamples.PNG_HEAD, Math.min(size, 2_000_000), size));
      } else if (roll < 85) {
        return new Sample("video/mp4", MediaSamples.mp4(Math.min(size * 4, 8_000_000)));
      }
      byte[] id3 = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0};
      return new Sample("audio/mpeg", MediaSamples.withHead(id3, Math.min(size, 1_500_000), size));
    }
  }

  /** Hands out bytes at about 256 KiB/s (32 KiB every 125 ms): a congested network. */
  private static java.io.InputStream throttled(byte[] bytes) {
    return new java.io.FilterInputStream(MediaSamples.trickle(bytes, 32 * 1024)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        sleepQuietly(125);
        return super.read(b, off, len);
      }
    };
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
