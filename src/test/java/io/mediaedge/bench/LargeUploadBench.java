package io.mediaedge.bench;

import io.mediaedge.config.EdgeConfig;
import io.mediaedge.devstack.DevCertificates;
import io.mediaedge.devstack.DevJwtKeys;
import io.mediaedge.devstack.ForkedJvm;
import io.mediaedge.devstack.FreePorts;
import io.mediaedge.devstack.S3Server;
import io.mediaedge.it.MediaSamples;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * The large-upload benchmark: a generated body of 1.6 GB (by default) goes through a media-edge
 * JVM started with {@code -Xmx64m} into a real S3-compatible server, and comes back.
 *
 * <p>Everything runs on loopback in separate JVMs: S3Mock (as in dev mode and the integration
 * tests), media-edge through its production entry point {@code io.mediaedge.Main} with a YAML file
 * written here, and this client. The body is made on the fly from a seeded generator and hashed
 * while it is sent, so neither side of the benchmark ever holds it. While it runs, the media-edge
 * JVM is sampled from outside (jstat for the heap, /proc for resident memory) and its GC log is
 * kept; the result (success, SHA-256 match both ways, throughput, peak heap, peak RSS, GC, CPU) is
 * printed as a table and written as JSON to {@code bench/results/large-upload-<UTC time>.json}.
 *
 * <p>Run it with {@code bench/large-upload.sh}; see {@code bench/README.md}.
 */
public final class LargeUploadBench {
  private static final String ISSUER = "media-edge-bench";
  private static final String AUDIENCE = "media-edge";
  private static final String USER = "bench-user";
  private static final String BUCKET = "media";
  private static final double MIB = 1024.0 * 1024.0;
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final BenchOptions options;
  private final long t0 = System.nanoTime();
  private final JsonObject result = new JsonObject();
  private final List<String> failures = new ArrayList<>();
  private final AtomicReference<GeneratedBody> currentBody = new AtomicReference<>();
  private final AtomicInteger bodyOpens = new AtomicInteger();
  private Path work;
  private Path logs;
  private S3Server s3;
  private ForkedJvm edge;
  private long edgePid = -1;
  private long s3Pid = -1;
  private long edgeStartNanos;
  private ServerSampler sampler;
  private SSLContext trust;
  private String token;
  private URI edgeBase;
  private long lifetimePeakRssKiB = -1;
  private boolean hwmResettable = true;

  private LargeUploadBench(BenchOptions options) {
    this.options = options;
  }

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.UsageException help) {
      System.out.print(BenchOptions.USAGE);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("large-upload: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    int code = new LargeUploadBench(options).run(args);
    // ForkedJvm's shutdown hooks stop anything still running.
    System.exit(code);
  }

  private int run(String[] args) {
    if (!WorkDirLock.hold(options.workDir(), "large-upload")) {
      return 2;
    }
    Instant started = Instant.now();
    result.put("benchmark", "large-upload")
        .put("startedAt", started.toString())
        .put("arguments", new JsonArray(List.of((Object[]) args)))
        .put("machine", MachineFacts.describe());
    JsonArray runs = new JsonArray();
    try {
      startStack();
      for (String protocol : options.protocols()) {
        JsonObject run = throughEdge(protocol);
        runs.add(run);
        if (!edge.isAlive()) {
          break;
        }
      }
      if (options.baseline()) {
        result.put("directS3", directS3());
      }
    } catch (Exception | Error e) { // an Error too: a half-built target/classes gives NoClassDefFoundError
      failures.add(e.toString());
      e.printStackTrace();
    } finally {
      result.put("runs", runs);
      finish();
    }
    boolean success = failures.isEmpty() && !runs.isEmpty()
        && runs.stream().allMatch(r -> ((JsonObject) r).getBoolean("success", false));
    result.put("success", success).put("failures", new JsonArray(List.copyOf(failures)));
    result.put("finishedAt", Instant.now().toString())
        .put("totalSeconds", round(seconds(System.nanoTime() - t0), 1));
    result.getJsonObject("machine").put("loadAverageAtEnd", Proc.loadAverage());
    Path file = writeResult(started);
    printTable(file);
    return success ? 0 : 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Stack

  private void startStack() throws Exception {
    work = options.workDir().toAbsolutePath();
    logs = work.resolve("logs");
    Path s3Dir = work.resolve("s3");
    deleteTree(s3Dir); // left over from an interrupted run
    deleteTree(logs);
    Files.createDirectories(logs);
    Path certs = work.resolve("certs");

    say("starting S3 (s3mock) ...");
    s3 = new S3Server(S3Server.devstackJar(), s3Dir, BUCKET, 0).start();
    s3Pid = s3.pid();

    DevCertificates.TlsFiles tls = DevCertificates.ensure(certs);
    DevJwtKeys jwt = DevJwtKeys.es256(certs);
    token = jwt.tokens().mint(USER, ISSUER, AUDIENCE, Duration.ofHours(6));
    trust = ForkedEdge.trusting(tls.caCert());

    int port = FreePorts.pick();
    edgeBase = URI.create("https://localhost:" + port);
    JsonObject config = edgeConfig(port, tls, jwt);
    Path configFile = work.resolve("media-edge.yaml");
    ForkedEdge.writeYaml(configFile, config, "io.mediaedge.bench.LargeUploadBench");
    // Validate in-process first: a config error is clearer here than in the forked JVM's log.
    EdgeConfig.fromTree(config.copy(), Map.of("MEDIA_EDGE_STORAGE_ACCESS_KEY", s3.accessKey(),
        "MEDIA_EDGE_STORAGE_SECRET_KEY", s3.secretKey()), configFile.toString());

    List<String> jvmArgs = new ArrayList<>();
    jvmArgs.add("-Xmx" + options.xmx());
    jvmArgs.add("-Xlog:gc:file=" + logs.resolve("media-edge-gc.log") + ":uptime");
    jvmArgs.add("-XX:+HeapDumpOnOutOfMemoryError");
    jvmArgs.add("-XX:HeapDumpPath=" + logs);
    if (options.nmt()) {
      jvmArgs.add("-XX:NativeMemoryTracking=summary");
    }
    jvmArgs.addAll(options.jvmArgs());
    List<String> command = new ArrayList<>(jvmArgs);
    command.add("-cp");
    command.add(runtimeClasspath());
    command.add("io.mediaedge.Main");
    command.add("--config");
    command.add(configFile.toString());

    JsonObject upload = config.getJsonObject("upload", new JsonObject());
    JsonObject storage = config.getJsonObject("storage", new JsonObject());
    JsonObject server = config.getJsonObject("server", new JsonObject());
    result.put("setup", new JsonObject()
        .put("sizeBytes", options.size())
        .put("seed", options.seed())
        .put("xmx", options.xmx())
        .put("protocols", new JsonArray(options.protocols().stream().map(p -> "HTTP/" + p).toList()))
        .put("edgeJvmArgs", new JsonArray(new ArrayList<>(jvmArgs)))
        .put("configFile", configFile.toString())
        .put("configOverrides", new JsonObject(new LinkedHashMap<>(options.configOverrides())))
        .put("edgeConfig", new JsonObject()
            .put("server.eventLoops", server.getValue("eventLoops"))
            .put("server.https.openssl", server.getJsonObject("https").getValue("openssl"))
            .put("server.https.http2", server.getJsonObject("https").getValue("http2"))
            .put("upload.memoryBudget", upload.getValue("memoryBudget"))
            .put("upload.streamWindow", upload.getValue("streamWindow"))
            .put("storage.singlePutThreshold", storage.getValue("singlePutThreshold"))
            .put("storage.partSize", storage.getValue("partSize")))
        .put("s3", new JsonObject().put("server", "Adobe S3Mock (target/devstack/s3mock.jar)")
            .put("endpoint", s3.endpoint().toString()).put("pid", s3Pid)
            .put("startSeconds", round(s3.lastStartTime().toMillis() / 1000.0, 1))));

    say("starting media-edge with -Xmx" + options.xmx() + " on " + edgeBase + " ...");
    edge = ForkedJvm.builder("media-edge")
        .workDir(work)
        .logFile(logs.resolve("media-edge.log"))
        .env("MEDIA_EDGE_STORAGE_ACCESS_KEY", s3.accessKey())
        .env("MEDIA_EDGE_STORAGE_SECRET_KEY", s3.secretKey())
        .args(command)
        .build();
    edgeStartNanos = System.nanoTime();
    edge.start();
    edgePid = edge.pid();
    HttpClient health = client(HttpClient.Version.HTTP_1_1);
    edge.waitUntil(() -> healthy(health), Duration.ofSeconds(90));
    double startSeconds = seconds(System.nanoTime() - edgeStartNanos);
    lifetimePeakRssKiB = Proc.statusKiB(edgePid, "VmHWM");
    JsonObject edgeInfo = new JsonObject()
        .put("pid", edgePid)
        .put("startSeconds", round(startSeconds, 2))
        .put("rssAfterStartMiB", mib(Proc.statusKiB(edgePid, "VmRSS")))
        .put("tlsEngine", grep(edge.logFile(), "TLS engine: (.*)"))
        .put("listening", grep(edge.logFile(), "media-edge listening: (.*)"))
        .put("vmFlags", Proc.jcmd(edgePid, "VM.flags").lines()
            .filter(l -> l.startsWith("-")).findFirst().orElse(""));
    result.getJsonObject("setup").put("edge", edgeInfo);
    say(String.format(Locale.ROOT, "media-edge up in %.1f s (pid %d, RSS %.0f MiB)", startSeconds,
        edgePid, mib(Proc.statusKiB(edgePid, "VmRSS"))));

    sampler = new ServerSampler(edgePid, options.sampleInterval(), () -> {
      GeneratedBody b = currentBody.get();
      return b == null ? 0 : b.position();
    }).start();
    if (!sampler.awaitFirstReport(Duration.ofSeconds(10))) {
      say("warning: jstat reported nothing (" + sampler.jstatProblem() + "); heap figures will come from the GC log only");
    }
  }

  private JsonObject edgeConfig(int port, DevCertificates.TlsFiles tls, DevJwtKeys jwt) {
    JsonObject tree = EdgeConfig.readYaml(Path.of("conf/media-edge.yaml"));
    JsonObject stack = new JsonObject()
        .put("server", new JsonObject()
            .put("region", "bench")
            .put("host", "127.0.0.1")
            .put("https", new JsonObject().put("enabled", true).put("port", port)
                .put("certFile", tls.serverChain().toAbsolutePath().toString())
                .put("keyFile", tls.serverKey().toAbsolutePath().toString()))
            .put("http", new JsonObject().put("enabled", false)))
        .put("auth", new JsonObject()
            .put("publicKeyFiles", new JsonArray().add(jwt.publicKeyFile().toAbsolutePath().toString()))
            .put("issuer", ISSUER)
            .put("audience", AUDIENCE)
            .put("userClaim", "sub"))
        .put("storage", new JsonObject()
            .put("endpoint", s3.endpoint().toString())
            .put("region", s3.region())
            .put("bucket", BUCKET)
            .put("pathStyle", true));
    // Normalise nested maps to JsonObjects so the overrides below can walk the tree.
    JsonObject merged = new JsonObject(tree.mergeIn(stack, true).encode());
    options.configOverrides().forEach((path, value) -> {
      String[] keys = path.split("\\.");
      JsonObject node = merged;
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
    return merged;
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


  private String runtimeClasspath() throws IOException {
    return ForkedEdge.runtimeClasspath(options.runtimeClasspathFile());
  }

  private boolean healthy(HttpClient client) {
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(edgeBase.resolve("/healthz"))
          .timeout(Duration.ofSeconds(2)).GET().build(), BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Upload and download through media-edge

  private JsonObject throughEdge(String protocol) throws Exception {
    String tag = "http" + protocol;
    HttpClient.Version version = protocol.equals("2") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
    HttpClient client = client(version);
    JsonObject run = new JsonObject().put("protocol", "HTTP/" + protocol).put("success", false);

    // Upload
    String uploadPhase = "upload-" + tag;
    say(String.format(Locale.ROOT, "uploading %,d bytes over HTTP/%s ...", options.size(), protocol));
    PhaseMark mark = begin(uploadPhase);
    bodyOpens.set(0);
    HttpRequest request = HttpRequest.newBuilder(edgeBase.resolve("/v1/media"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "video/mp4")
        .timeout(options.timeout())
        .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(this::openBody), options.size()))
        .build();
    long start = System.nanoTime();
    HttpResponse<String> response;
    JsonObject nmt = null;
    try {
      CompletableFuture<HttpResponse<String>> sent = client.sendAsync(request, BodyHandlers.ofString());
      Waiting waiting = new Waiting(start);
      while (true) {
        try {
          response = sent.get(500, TimeUnit.MILLISECONDS);
          break;
        } catch (TimeoutException notYet) {
          GeneratedBody body = currentBody.get();
          long position = body == null ? 0 : body.position();
          if (options.nmt() && nmt == null && position >= options.size() / 2) {
            nmt = nativeMemory("mid-" + uploadPhase);
          }
          waiting.progress("upload", position);
          checkAlive(sent, "the upload");
          if (System.nanoTime() - start > options.timeout().toNanos()) {
            sent.cancel(true);
            throw new TimeoutException("the upload took longer than " + options.timeout().toSeconds() + " s");
          }
        }
      }
    } catch (ExecutionException | TimeoutException | IllegalStateException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      JsonObject memory = end(mark);
      run.put("upload", new JsonObject().put("error", String.valueOf(cause))
          .put("bytesSent", currentBody.get() == null ? 0 : currentBody.get().position())
          .put("seconds", round(seconds(System.nanoTime() - start), 2)))
          .put("uploadServer", memory);
      failures.add("upload over HTTP/" + protocol + " failed: " + cause);
      addFailureEvidence(run);
      return run;
    }
    long end = System.nanoTime();
    GeneratedBody body = currentBody.get();
    JsonObject serverMemory = end(mark);
    if (nmt != null) {
      serverMemory.put("nativeMemoryMidUpload", nmt);
    }
    double uploadSeconds = seconds(end - start);
    // Sending (first byte read by the HTTP client to last byte) versus the wait after it, which
    // is the server finishing with S3 (last part, CompleteMultipartUpload, tagging).
    double streamSeconds = body.firstReadNanos() == 0 || body.lastByteNanos() == 0 ? -1
        : seconds(body.lastByteNanos() - body.firstReadNanos());
    JsonObject upload = new JsonObject()
        .put("status", response.statusCode())
        .put("httpVersion", response.version() == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1")
        .put("bytes", body.position())
        .put("seconds", round(uploadSeconds, 2))
        .put("MBps", round(options.size() / 1e6 / uploadSeconds, 1))
        .put("MiBps", round(options.size() / MIB / uploadSeconds, 1))
        .put("streamSeconds", streamSeconds < 0 ? null : round(streamSeconds, 2))
        .put("streamMBps", streamSeconds <= 0 ? null : round(options.size() / 1e6 / streamSeconds, 1))
        .put("lastByteToResponseSeconds", body.lastByteNanos() == 0 ? null
            : round(seconds(end - body.lastByteNanos()), 2))
        .put("clientSha256", body.sha256Hex())
        .put("bodyOpenedTimes", bodyOpens.get());
    run.put("upload", upload).put("uploadServer", serverMemory);
    if (response.statusCode() != 201) {
      upload.put("responseBody", truncate(response.body(), 2000));
      failures.add("upload over HTTP/" + protocol + " answered " + response.statusCode() + ": "
          + truncate(response.body(), 300));
      addFailureEvidence(run);
      return run;
    }
    JsonObject media = new JsonObject(response.body());
    String id = media.getString("id");
    boolean shaMatch = body.sha256Hex() != null && body.sha256Hex().equals(media.getString("sha256"));
    boolean sizeMatch = media.getLong("size", -1L) == options.size();
    upload.put("id", id).put("serverSha256", media.getString("sha256"))
        .put("serverSize", media.getLong("size")).put("shaMatch", shaMatch).put("sizeMatch", sizeMatch);
    if (!shaMatch || !sizeMatch) {
      failures.add("upload over HTTP/" + protocol + ": the server's sha256/size " + media.getString("sha256")
          + "/" + media.getLong("size") + " differ from the client's " + body.sha256Hex() + "/" + options.size());
    }
    say(String.format(Locale.ROOT, "upload: %d in %.1f s = %.1f MB/s, sha256 %s", response.statusCode(),
        uploadSeconds, options.size() / 1e6 / uploadSeconds, shaMatch ? "matches" : "DIFFERS"));

    // Download
    String downloadPhase = "download-" + tag;
    say("downloading it back ...");
    PhaseMark dmark = begin(downloadPhase);
    JsonObject download = download(client, id, body.sha256Hex());
    run.put("download", download).put("downloadServer", end(dmark));

    // Clean up
    try {
      HttpResponse<String> deleted = client.send(HttpRequest.newBuilder(edgeBase.resolve("/v1/media/" + id))
          .header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(2)).DELETE().build(),
          BodyHandlers.ofString());
      run.put("deleteStatus", deleted.statusCode());
    } catch (IOException e) {
      run.put("deleteStatus", e.toString());
    }
    boolean ok = shaMatch && sizeMatch && download.getBoolean("shaMatch", false);
    run.put("success", ok);
    return run;
  }

  private InputStream openBody() {
    GeneratedBody body = new GeneratedBody(options.size(), options.seed(), MediaSamples.MP4_HEAD);
    bodyOpens.incrementAndGet();
    currentBody.set(body);
    return body;
  }

  private JsonObject download(HttpClient client, String id, String expectedSha) {
    JsonObject download = new JsonObject();
    long start = System.nanoTime();
    long count = 0;
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(edgeBase.resolve("/v1/media/" + id))
          .header("Authorization", "Bearer " + token).timeout(options.timeout()).GET().build(),
          BodyHandlers.ofInputStream());
      download.put("status", response.statusCode())
          .put("httpVersion", response.version() == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1");
      Waiting waiting = new Waiting(start);
      byte[] buffer = new byte[GeneratedBody.BLOCK];
      try (InputStream in = response.body()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          sha.update(buffer, 0, n);
          count += n;
          waiting.progress("download", count);
        }
      }
      double secs = seconds(System.nanoTime() - start);
      String got = HexFormat.of().formatHex(sha.digest());
      boolean match = response.statusCode() == 200 && count == options.size() && got.equals(expectedSha);
      download.put("bytes", count).put("seconds", round(secs, 2))
          .put("MBps", round(count / 1e6 / secs, 1)).put("MiBps", round(count / MIB / secs, 1))
          .put("sha256", got).put("shaMatch", match);
      say(String.format(Locale.ROOT, "download: %d, %,d bytes in %.1f s = %.1f MB/s, sha256 %s",
          response.statusCode(), count, secs, count / 1e6 / secs, match ? "matches" : "DIFFERS"));
      if (!match) {
        failures.add("download: status " + response.statusCode() + ", " + count + " bytes, sha256 " + got
            + " (expected " + expectedSha + ")");
      }
    } catch (Exception e) {
      download.put("error", e.toString()).put("bytes", count).put("shaMatch", false);
      failures.add("download failed after " + count + " bytes: " + e);
    }
    return download;
  }

  // ---------------------------------------------------------------------------------------------
  // Direct-to-S3 baseline: the same body, plain HTTP/1.1 straight to S3Mock (no TLS, no media-edge)

  private JsonObject directS3() {
    JsonObject out = new JsonObject();
    String key = "bench/baseline-" + System.currentTimeMillis();
    URI object = s3.endpoint().resolve("/" + BUCKET + "/" + key);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    say("baseline: PUT straight to S3 (plain HTTP) ...");
    PhaseMark put = begin("s3-put");
    try {
      long start = System.nanoTime();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(object)
          .header("Content-Type", "video/mp4").timeout(options.timeout())
          .PUT(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(this::openBody), options.size()))
          .build(), BodyHandlers.ofString());
      double secs = seconds(System.nanoTime() - start);
      out.put("put", new JsonObject().put("status", r.statusCode()).put("seconds", round(secs, 2))
          .put("MBps", round(options.size() / 1e6 / secs, 1)).put("MiBps", round(options.size() / MIB / secs, 1)));
      say(String.format(Locale.ROOT, "baseline PUT: %d in %.1f s = %.1f MB/s", r.statusCode(), secs,
          options.size() / 1e6 / secs));
    } catch (Exception e) {
      out.put("put", new JsonObject().put("error", e.toString()));
    }
    out.getJsonObject("put").put("cpuSeconds", end(put).getJsonObject("cpuSeconds"));
    say("baseline: GET straight from S3 ...");
    PhaseMark get = begin("s3-get");
    try {
      long start = System.nanoTime();
      HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(object).timeout(options.timeout()).GET()
          .build(), BodyHandlers.ofInputStream());
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long count = 0;
      byte[] buffer = new byte[GeneratedBody.BLOCK];
      try (InputStream in = r.body()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          sha.update(buffer, 0, n);
          count += n;
        }
      }
      double secs = seconds(System.nanoTime() - start);
      GeneratedBody sent = currentBody.get();
      out.put("get", new JsonObject().put("status", r.statusCode()).put("bytes", count)
          .put("seconds", round(secs, 2)).put("MBps", round(count / 1e6 / secs, 1))
          .put("MiBps", round(count / MIB / secs, 1))
          .put("shaMatch", sent != null && HexFormat.of().formatHex(sha.digest()).equals(sent.sha256Hex())));
      say(String.format(Locale.ROOT, "baseline GET: %d in %.1f s = %.1f MB/s", r.statusCode(), secs,
          count / 1e6 / secs));
    } catch (Exception e) {
      out.put("get", new JsonObject().put("error", e.toString()));
    }
    out.getJsonObject("get").put("cpuSeconds", end(get).getJsonObject("cpuSeconds"));
    try {
      out.put("deleteStatus", client.send(HttpRequest.newBuilder(object).DELETE().build(),
          BodyHandlers.discarding()).statusCode());
    } catch (Exception e) {
      out.put("deleteStatus", e.toString());
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Phases: what the media-edge JVM used while one transfer ran

  private record PhaseMark(String name, long startNanos, Map<String, Double> gc, double edgeCpu,
      double s3Cpu, double clientCpu) {}

  private PhaseMark begin(String name) {
    if (edge != null && edge.isAlive()) {
      lifetimePeakRssKiB = Math.max(lifetimePeakRssKiB, Proc.statusKiB(edgePid, "VmHWM"));
      hwmResettable &= Proc.resetPeakRss(edgePid);
    }
    if (sampler != null) {
      sampler.phase(name);
    }
    return new PhaseMark(name, System.nanoTime(), sampler == null ? Map.of() : sampler.gcCounters(),
        Proc.cpuSeconds(edgePid), Proc.cpuSeconds(s3Pid), Proc.cpuSeconds(ProcessHandle.current().pid()));
  }

  private JsonObject end(PhaseMark mark) {
    long endNanos = System.nanoTime();
    double wall = seconds(endNanos - mark.startNanos());
    // Let the sampler take one more look, so a short phase still has samples.
    sleep(options.sampleInterval().toMillis() + 20);
    if (sampler != null) {
      sampler.phase("idle");
    }
    JsonObject out = new JsonObject();
    List<ServerSampler.Sample> samples = sampler == null ? List.of() : sampler.samples(mark.name());
    long maxHeap = samples.stream().mapToLong(ServerSampler.Sample::heapUsedKiB).max().orElse(-1);
    long maxCommitted = samples.stream().mapToLong(ServerSampler.Sample::heapCommittedKiB).max().orElse(-1);
    long maxRss = samples.stream().mapToLong(ServerSampler.Sample::rssKiB).max().orElse(-1);
    double fromUptime = seconds(mark.startNanos() - edgeStartNanos);
    double toUptime = seconds(endNanos - edgeStartNanos);
    List<GcLog.Event> gcs = GcLog.read(logs.resolve("media-edge-gc.log")).stream()
        .filter(e -> e.uptime() >= fromUptime && e.uptime() <= toUptime).toList();
    long gcMaxBefore = gcs.stream().mapToLong(GcLog.Event::beforeKiB).max().orElse(-1);
    long gcMaxAfter = gcs.stream().mapToLong(GcLog.Event::afterKiB).max().orElse(-1);
    boolean alive = edge != null && edge.isAlive();
    long hwm = alive ? Proc.statusKiB(edgePid, "VmHWM") : -1;
    if (alive) {
      lifetimePeakRssKiB = Math.max(lifetimePeakRssKiB, hwm);
    }
    out.put("wallSeconds", round(wall, 2))
        .put("peakHeapUsedMiB", mib(Math.max(maxHeap, gcMaxBefore)))
        .put("sampledPeakHeapUsedMiB", mib(maxHeap))
        .put("maxHeapBeforeGcMiB", mib(gcMaxBefore))
        .put("maxHeapAfterGcMiB", mib(gcMaxAfter))
        .put("peakHeapCommittedMiB", mib(maxCommitted))
        .put("peakRssMiB", hwmResettable && hwm > 0 ? mib(hwm) : mib(maxRss))
        .put("peakRssSource", hwmResettable && hwm > 0 ? "VmHWM (reset at phase start)" : "max sampled VmRSS")
        .put("sampledPeakRssMiB", mib(maxRss))
        .put("rssAtEndMiB", alive ? rssBreakdown() : null)
        .put("samples", samples.size());
    Map<String, Double> gcEnd = sampler == null ? Map.of() : sampler.gcCounters();
    JsonObject gc = new JsonObject()
        .put("youngGcs", delta(gcEnd, mark.gc(), "youngGcs"))
        .put("fullGcs", delta(gcEnd, mark.gc(), "fullGcs"))
        .put("concurrentGcs", delta(gcEnd, mark.gc(), "concurrentGcs"))
        .put("gcSeconds", gcEnd.getOrDefault("gcSeconds", -1.0) >= 0 && mark.gc().getOrDefault("gcSeconds", -1.0) >= 0
            ? round(gcEnd.get("gcSeconds") - mark.gc().get("gcSeconds"), 3) : null)
        .put("allocatedMiBApprox", allocatedKiB(gcs) < 0 ? null : mib(allocatedKiB(gcs)))
        .put("pausesLogged", gcs.size())
        .put("pauseMsTotal", round(gcs.stream().mapToDouble(GcLog.Event::pauseMs).sum(), 1))
        .put("pauseMsMax", round(gcs.stream().mapToDouble(GcLog.Event::pauseMs).max().orElse(0), 1));
    out.put("gc", gc);
    double edgeCpu = Proc.cpuSeconds(edgePid);
    double s3Cpu = Proc.cpuSeconds(s3Pid);
    double clientCpu = Proc.cpuSeconds(ProcessHandle.current().pid());
    out.put("cpuSeconds", new JsonObject()
        .put("mediaEdge", edgeCpu < 0 ? null : round(edgeCpu - mark.edgeCpu(), 1))
        .put("s3", s3Cpu < 0 ? null : round(s3Cpu - mark.s3Cpu(), 1))
        .put("client", clientCpu < 0 ? null : round(clientCpu - mark.clientCpu(), 1))
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("wallSeconds", round(wall, 2)));
    if (!alive && edge != null) {
      out.put("mediaEdgeExited", true);
    }
    return out;
  }

  /**
   * Heap allocated between the first and the last collection of the phase: what each collection
   * found on top of what the one before it left. A lower bound (it misses the tail after the last
   * collection), good enough to compare with the bytes that went through.
   */
  private static long allocatedKiB(List<GcLog.Event> gcs) {
    long total = 0;
    for (int i = 1; i < gcs.size(); i++) {
      total += Math.max(0, gcs.get(i).beforeKiB() - gcs.get(i - 1).afterKiB());
    }
    return gcs.size() < 2 ? -1 : total;
  }

  private static Long delta(Map<String, Double> end, Map<String, Double> start, String key) {
    Double a = end.get(key);
    Double b = start.get(key);
    return a == null || b == null || a < 0 || b < 0 ? null : Math.round(a - b);
  }

  /** NMT summary of media-edge (only with --nmt): committed MiB per category, biggest first. */
  private JsonObject nativeMemory(String label) {
    String text = Proc.jcmd(edgePid, "VM.native_memory", "summary", "scale=KB");
    try {
      Files.writeString(logs.resolve("nmt-" + label + ".txt"), text);
    } catch (IOException ignored) {
      // the numbers still go into the result
    }
    JsonObject out = new JsonObject().put("file", logs.resolve("nmt-" + label + ".txt").toString());
    Matcher total = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB").matcher(text);
    if (total.find()) {
      out.put("totalCommittedMiB", mib(Long.parseLong(total.group(2))));
    }
    Matcher m = Pattern.compile("(?m)^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)").matcher(text);
    List<Map.Entry<String, Long>> categories = new ArrayList<>();
    while (m.find()) {
      categories.add(Map.entry(m.group(1).trim(), Long.parseLong(m.group(3))));
    }
    categories.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    JsonObject committed = new JsonObject();
    categories.forEach(e -> committed.put(e.getKey(), mib(e.getValue())));
    out.put("committedMiB", committed);
    out.put("rssMiBAtSnapshot", rssBreakdown());
    return out;
  }

  /** Resident memory now, split as Linux counts it: anonymous (heap, malloc, stacks) vs file-backed. */
  private JsonObject rssBreakdown() {
    return new JsonObject()
        .put("total", mib(Proc.statusKiB(edgePid, "VmRSS")))
        .put("anonymous", mib(Proc.statusKiB(edgePid, "RssAnon")))
        .put("file", mib(Proc.statusKiB(edgePid, "RssFile")));
  }

  // ---------------------------------------------------------------------------------------------
  // Failure evidence, shutdown, results

  private void checkAlive(CompletableFuture<?> transfer, String what) {
    if (edge != null && !edge.isAlive()) {
      transfer.cancel(true);
      throw new IllegalStateException("media-edge exited during " + what);
    }
  }

  private void addFailureEvidence(JsonObject run) {
    JsonObject evidence = new JsonObject();
    if (edge != null) {
      evidence.put("mediaEdgeAlive", edge.isAlive())
          .put("logFile", edge.logFile().toString())
          .put("logTail", edge.logTail(60));
      if (edge.isAlive()) {
        evidence.put("heapInfo", Proc.jcmd(edgePid, "GC.heap_info"));
      }
    }
    try (Stream<Path> files = Files.list(logs)) {
      evidence.put("heapDumps", new JsonArray(files.filter(p -> p.toString().endsWith(".hprof"))
          .map(Path::toString).toList()));
    } catch (IOException ignored) {
      // no dumps
    }
    run.put("failureEvidence", evidence);
  }

  private void finish() {
    if (sampler != null) {
      sampler.close();
      String problem = sampler.jstatProblem();
      if (problem != null) {
        result.put("samplerProblem", problem);
      }
      result.put("timeline", timeline(sampler.samples()));
    }
    if (edge != null) {
      JsonObject summary = new JsonObject();
      if (edge.isAlive()) {
        lifetimePeakRssKiB = Math.max(lifetimePeakRssKiB, Proc.statusKiB(edgePid, "VmHWM"));
        summary.put("heapInfoAtEnd", Proc.jcmd(edgePid, "GC.heap_info").trim());
      } else {
        summary.put("exitedEarly", true);
      }
      List<GcLog.Event> gcs = GcLog.read(logs.resolve("media-edge-gc.log"));
      summary.put("collector", GcLog.collector(logs.resolve("media-edge-gc.log")))
          .put("peakRssMiB", mib(lifetimePeakRssKiB))
          .put("peakRssNote", hwmResettable ? "max of VmHWM over all phases (VmHWM is reset per phase)"
              : "VmHWM at the end")
          .put("maxHeapBeforeGcMiB", mib(gcs.stream().mapToLong(GcLog.Event::beforeKiB).max().orElse(-1)))
          .put("maxHeapAfterGcMiB", mib(gcs.stream().mapToLong(GcLog.Event::afterKiB).max().orElse(-1)))
          .put("gcPauses", gcs.size())
          .put("gcPauseMsTotal", round(gcs.stream().mapToDouble(GcLog.Event::pauseMs).sum(), 1))
          .put("logFile", edge.logFile().toString())
          .put("gcLogFile", logs.resolve("media-edge-gc.log").toString());
      result.put("mediaEdge", summary);
      say("stopping media-edge ...");
      edge.stop();
      List<String> errors = grepAll(edge.logFile(), "(?i)(OutOfMemory|Exception|ERROR|WARN)");
      summary.put("logErrorsAndWarnings", new JsonArray(errors.stream().limit(40).toList()))
          .put("logErrorsAndWarningsCount", errors.size());
    }
    if (s3 != null) {
      say("stopping S3 ...");
      s3.stop();
      try {
        if (Files.exists(s3.logFile())) {
          Files.copy(s3.logFile(), logs.resolve("s3mock.log"), StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException ignored) {
        // the log is only for diagnosis
      }
      if (!options.keepData()) {
        deleteTree(s3.dataDir());
      }
      result.put("s3DataDeleted", !options.keepData());
    }
  }

  /** One row per second: the largest heap and RSS seen in that second, and the client's progress. */
  private static JsonArray timeline(List<ServerSampler.Sample> samples) {
    Map<Long, ServerSampler.Sample> perSecond = new LinkedHashMap<>();
    Map<Long, long[]> peaks = new LinkedHashMap<>();
    for (ServerSampler.Sample s : samples) {
      long second = s.atMillis() / 1000;
      perSecond.put(second, s);
      peaks.merge(second, new long[] {s.heapUsedKiB(), s.rssKiB()},
          (a, b) -> new long[] {Math.max(a[0], b[0]), Math.max(a[1], b[1])});
    }
    JsonArray rows = new JsonArray()
        .add(new JsonArray(List.of("second", "phase", "heapUsedMiB", "rssMiB", "clientMB", "youngGcs")));
    perSecond.forEach((second, last) -> {
      long[] p = peaks.get(second);
      rows.add(new JsonArray(Arrays.asList(second, last.phase(), mib(p[0]), mib(p[1]),
          Math.round(last.clientBytes() / 1e6), last.youngGcs())));
    });
    return rows;
  }

  private Path writeResult(Instant started) {
    try {
      Path dir = options.resultsDir().toAbsolutePath();
      Files.createDirectories(dir);
      Path file = dir.resolve("large-upload-" + FILE_TIME.format(started) + ".json");
      result.put("resultFile", file.toString());
      Files.writeString(file, result.encodePrettily() + "\n", StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the result", e);
    }
  }

  private void printTable(Path file) {
    StringBuilder t = new StringBuilder("\n");
    JsonObject setup = result.getJsonObject("setup", new JsonObject());
    JsonObject machine = result.getJsonObject("machine");
    t.append(String.format(Locale.ROOT, "media-edge large upload: %,d bytes, media-edge -Xmx%s, %d cores, Java %s%n",
        options.size(), options.xmx(), machine.getInteger("cores"), machine.getString("javaVersion")));
    t.append(String.format(Locale.ROOT, "TLS: %s; config: %s%n",
        setup.getJsonObject("edge", new JsonObject()).getString("tlsEngine", "?"),
        setup.getJsonObject("edgeConfig", new JsonObject()).encode()));
    String row = "%-26s %-16s %-16s%n";
    for (Object o : result.getJsonArray("runs", new JsonArray())) {
      JsonObject run = (JsonObject) o;
      JsonObject up = run.getJsonObject("upload", new JsonObject());
      JsonObject down = run.getJsonObject("download", new JsonObject());
      JsonObject us = run.getJsonObject("uploadServer", new JsonObject());
      JsonObject ds = run.getJsonObject("downloadServer", new JsonObject());
      t.append(String.format(Locale.ROOT, "%n--- %s: %s%n", run.getString("protocol"),
          run.getBoolean("success") ? "SUCCESS" : "FAILED"));
      t.append(String.format(Locale.ROOT, row, "", "upload", "download"));
      t.append(String.format(Locale.ROOT, row, "HTTP status", up.getValue("status", up.getString("error", "-")),
          down.getValue("status", "-")));
      t.append(String.format(Locale.ROOT, row, "SHA-256 matches", yesNo(up.getBoolean("shaMatch")),
          yesNo(down.getBoolean("shaMatch"))));
      t.append(String.format(Locale.ROOT, row, "seconds", up.getValue("seconds", "-"), down.getValue("seconds", "-")));
      t.append(String.format(Locale.ROOT, row, "MB/s (MiB/s)", up.getValue("MBps", "-") + " (" + up.getValue("MiBps", "-") + ")",
          down.getValue("MBps", "-") + " (" + down.getValue("MiBps", "-") + ")"));
      t.append(String.format(Locale.ROOT, row, "  sending s (MB/s)",
          up.getValue("streamSeconds", "-") + " (" + up.getValue("streamMBps", "-") + ")", ""));
      t.append(String.format(Locale.ROOT, row, "  last byte -> 201 s", up.getValue("lastByteToResponseSeconds", "-"), ""));
      t.append(String.format(Locale.ROOT, row, "edge peak heap used MiB", us.getValue("peakHeapUsedMiB", "-"),
          ds.getValue("peakHeapUsedMiB", "-")));
      t.append(String.format(Locale.ROOT, row, "edge max heap after GC", us.getValue("maxHeapAfterGcMiB", "-"),
          ds.getValue("maxHeapAfterGcMiB", "-")));
      t.append(String.format(Locale.ROOT, row, "edge peak RSS MiB", us.getValue("peakRssMiB", "-"),
          ds.getValue("peakRssMiB", "-")));
      t.append(String.format(Locale.ROOT, row, "edge GCs young/full, s", gcText(us), gcText(ds)));
      t.append(String.format(Locale.ROOT, row, "edge heap allocated MiB", gcValue(us, "allocatedMiBApprox"),
          gcValue(ds, "allocatedMiBApprox")));
      t.append(String.format(Locale.ROOT, row, "CPU s edge/s3/client", cpuText(us), cpuText(ds)));
      JsonObject nmt = us.getJsonObject("nativeMemoryMidUpload");
      if (nmt != null) {
        t.append("  native memory mid-upload (NMT committed MiB): ").append(nmt.getValue("totalCommittedMiB"))
            .append(" total, RSS ").append(nmt.getJsonObject("rssMiBAtSnapshot").encode()).append(' ')
            .append(nmt.getJsonObject("committedMiB").encode()).append('\n');
      }
    }
    JsonObject direct = result.getJsonObject("directS3");
    if (direct != null) {
      JsonObject put = direct.getJsonObject("put", new JsonObject());
      JsonObject get = direct.getJsonObject("get", new JsonObject());
      t.append(String.format(Locale.ROOT, "%ndirect to S3, plain HTTP: PUT %s MB/s, GET %s MB/s%n",
          put.getValue("MBps", put.getString("error")), get.getValue("MBps", get.getString("error"))));
    }
    JsonObject me = result.getJsonObject("mediaEdge", new JsonObject());
    t.append(String.format(Locale.ROOT, "%nmedia-edge overall: peak RSS %s MiB, max heap before/after GC %s/%s MiB, %s%n",
        me.getValue("peakRssMiB", "-"), me.getValue("maxHeapBeforeGcMiB", "-"),
        me.getValue("maxHeapAfterGcMiB", "-"), me.getString("collector", "")));
    t.append(result.getBoolean("success") ? "RESULT: SUCCESS" : "RESULT: FAILED " + result.getJsonArray("failures"));
    t.append("\nwritten to ").append(file).append('\n');
    System.out.print(t);
  }

  private static String gcText(JsonObject phase) {
    JsonObject gc = phase.getJsonObject("gc");
    return gc == null ? "-" : gc.getValue("youngGcs") + "/" + gc.getValue("fullGcs") + ", " + gc.getValue("gcSeconds");
  }

  private static String gcValue(JsonObject phase, String key) {
    JsonObject gc = phase.getJsonObject("gc");
    return gc == null ? "-" : String.valueOf(gc.getValue(key));
  }

  private static String cpuText(JsonObject phase) {
    JsonObject cpu = phase.getJsonObject("cpuSeconds");
    return cpu == null ? "-" : cpu.getValue("mediaEdge") + "/" + cpu.getValue("s3") + "/" + cpu.getValue("client");
  }

  private static String yesNo(Boolean b) {
    return b == null ? "-" : b ? "yes" : "NO";
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers


  private HttpClient client(HttpClient.Version version) {
    return HttpClient.newBuilder().version(version).sslContext(trust)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }


  /** Prints progress every few seconds while a transfer runs. */
  private final class Waiting {
    private final long start;
    private long lastPrint;

    Waiting(long start) {
      this.start = start;
      this.lastPrint = start;
    }

    void progress(String what, long bytes) {
      long now = System.nanoTime();
      if (now - lastPrint < TimeUnit.SECONDS.toNanos(5)) {
        return;
      }
      lastPrint = now;
      if (bytes >= options.size()) {
        say(String.format(Locale.ROOT, "  %s: all bytes sent, waiting for the response (%.0f s so far)", what,
            seconds(now - start)));
        return;
      }
      List<ServerSampler.Sample> samples = sampler == null ? List.of() : sampler.samples();
      ServerSampler.Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
      say(String.format(Locale.ROOT, "  %s %3.0f%%  %,6.0f MB  %5.1f MB/s  edge heap %s MiB  RSS %s MiB", what,
          100.0 * bytes / options.size(), bytes / 1e6, bytes / 1e6 / seconds(now - start),
          last == null ? "?" : mib(last.heapUsedKiB()), last == null ? "?" : mib(last.rssKiB())));
    }
  }

  private void say(String message) {
    System.out.printf(Locale.ROOT, "[bench %6.1fs] %s%n", seconds(System.nanoTime() - t0), message);
  }

  private static String grep(Path file, String regex) {
    List<String> all = grepAll(file, regex);
    if (all.isEmpty()) {
      return "";
    }
    Matcher m = Pattern.compile(regex).matcher(all.get(0));
    return m.find() && m.groupCount() > 0 ? m.group(1).trim() : all.get(0);
  }

  private static List<String> grepAll(Path file, String regex) {
    Pattern p = Pattern.compile(regex);
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.filter(l -> p.matcher(l).find()).toList();
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max) + "...";
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static Double mib(long kib) {
    return kib < 0 ? null : round(kib / 1024.0, 1);
  }

  private static double round(double value, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(value * f) / f;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort; what is left is reported by the next run's cleanup
        }
      });
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }
}
