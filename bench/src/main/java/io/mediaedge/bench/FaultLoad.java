package io.mediaedge.bench;

import io.mediaedge.devstack.DevStack;
import io.mediaedge.it.MediaSamples;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The steady mixed load the fault suite runs under each fault: threads that upload (8 KiB, 256 KiB
 * or 2 MiB, checking the answered SHA-256), download one of their own earlier uploads whole or a
 * 4 KiB range of it (checking the length) and delete one now and then, alternating between the two media-edge instances. Every
 * request is counted by scenario, phase and outcome ({@code 201}, {@code 503 HISTORY_UNAVAILABLE},
 * {@code io} for a refused or cut connection); upload latencies go into a histogram per phase;
 * every acknowledged upload is remembered for the event check.
 */
final class FaultLoad implements AutoCloseable {
  static final String DESCRIPTION = "per thread: 60 % uploads (8 KiB, 256 KiB, 2 MiB image/jpeg in turn), 12 %"
      + " downloads of its own earlier uploads, 13 % 4 KiB ranges of them, 15 % deletes; the two instances in turn; 20 ms between requests,"
      + " 200 ms after a refused or cut connection; and one thread of resumable (tus) uploads of 9 MiB in 3 MiB"
      + " PATCHes, each PATCH to the other instance, resumed from the offset a HEAD tells after a failure, read"
      + " back and compared when finished";
  private static final long[] SIZES = {8 << 10, 256 << 10, 2 << 20};
  /** A resumable upload: two 8 MiB parts' worth, sent in 3 MiB PATCHes. */
  private static final int TUS_LENGTH = 9 << 20;
  private static final int TUS_PATCH = 3 << 20;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  /** How often each instance's {@code /healthz} is asked during a scenario, and how long it may take. */
  private static final long PROBE_EVERY_MS = 500;
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
  /** After a refused or cut connection, as a client would back off (a dead instance refuses in microseconds). */
  private static final long IO_BACKOFF_MS = 200;

  /** An upload media-edge answered 201 for: it must be in S3, in Cassandra, and on the topic. */
  record Acknowledged(String scenario, String mediaId, String user) {}

  private final HttpClient client;
  private final DevStack dev;
  private final List<EdgeFork> edges;
  private final int threads;
  private final List<Acknowledged> acknowledged = new CopyOnWriteArrayList<>();
  private final Map<String, Map<String, AtomicLong>> outcomes = new ConcurrentHashMap<>();
  private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
  /** Per instance, when it last answered an upload with 201. */
  private final long[] lastUploadOk;
  /** Per instance, {@code /healthz} probes of this scenario and those not answered 200 in time. */
  private final AtomicLong[] probes;
  private final AtomicLong[] probesFailed;
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running;
  private volatile String scenario = "";
  private volatile String phase = "before";

  FaultLoad(HttpClient client, DevStack dev, List<EdgeFork> edges, int threads) {
    this.client = client;
    this.dev = dev;
    this.edges = edges;
    this.threads = threads;
    this.lastUploadOk = new long[edges.size()];
    this.probes = new AtomicLong[edges.size()];
    this.probesFailed = new AtomicLong[edges.size()];
    for (int i = 0; i < edges.size(); i++) {
      probes[i] = new AtomicLong();
      probesFailed[i] = new AtomicLong();
    }
  }

  /** Starts the threads for a scenario (and one resumable uploader); its counts start empty. */
  void start(String name) {
    scenario = name;
    outcomes.clear();
    latency.clear();
    running = true;
    for (int i = 0; i < threads; i++) {
      int index = i;
      Thread t = new Thread(() -> loop(index), "fault-load-" + i);
      t.setDaemon(true);
      t.start();
      workers.add(t);
    }
    Thread tus = new Thread(this::resumableLoop, "fault-load-tus");
    tus.setDaemon(true);
    tus.start();
    workers.add(tus);
    for (int i = 0; i < edges.size(); i++) {
      probes[i].set(0);
      probesFailed[i].set(0);
    }
    Thread probe = new Thread(this::probeLoop, "fault-load-healthz");
    probe.setDaemon(true);
    probe.start();
    workers.add(probe);
  }

  /**
   * Liveness as an orchestrator sees it: each instance's {@code /healthz} every half second, failed
   * when it does not answer 200 within two seconds. Outside edge-kill (where the killed instance is
   * down by design) every probe must pass, whatever the dependencies do.
   */
  private void probeLoop() {
    while (running) {
      for (int i = 0; i < edges.size(); i++) {
        probes[i].incrementAndGet();
        try {
          HttpResponse<Void> r = client.send(HttpRequest.newBuilder(edges.get(i).base().resolve("/healthz"))
              .timeout(PROBE_TIMEOUT).GET().build(), BodyHandlers.discarding());
          if (r.statusCode() != 200) {
            probesFailed[i].incrementAndGet();
          }
        } catch (java.io.IOException e) {
          probesFailed[i].incrementAndGet();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      pause(PROBE_EVERY_MS);
    }
  }

  void phase(String name) {
    phase = name;
  }

  /**
   * Seconds from {@code sinceNanos} until both instances answered an upload with 201; null when
   * that did not happen within {@code timeout}.
   */
  Double awaitRecovery(long sinceNanos, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long latest = 0;
      boolean all = true;
      synchronized (lastUploadOk) {
        for (long at : lastUploadOk) {
          all &= at > sinceNanos;
          latest = Math.max(latest, at);
        }
      }
      if (all) {
        return (latest - sinceNanos) / 1e9;
      }
      Thread.sleep(50);
    }
    return null;
  }

  /** Stops the threads (each finishes its request) and returns the scenario's figures. */
  JsonObject stop() throws InterruptedException {
    running = false;
    for (Thread t : workers) {
      t.join(TimeUnit.SECONDS.toMillis(90));
    }
    workers.clear();
    JsonObject byPhase = new JsonObject();
    long tried = 0;
    long ok = 0;
    Map<String, Long> errors = new TreeMap<>();
    for (String p : List.of("before", "during", "after")) {
      Map<String, AtomicLong> counts = outcomes.getOrDefault(p, Map.of());
      JsonObject c = new JsonObject();
      new TreeMap<>(counts).forEach((k, v) -> c.put(k, v.get()));
      Histogram h = latency.get(p);
      byPhase.put(p, new JsonObject().put("outcomes", c)
          .put("uploadLatencyMs", h == null ? null : BenchFigures.latencyMs(h)));
      for (Map.Entry<String, AtomicLong> e : counts.entrySet()) {
        tried += e.getValue().get();
        if (e.getKey().matches("[\\w-]+ 2\\d\\d.*")) {
          ok += e.getValue().get();
        } else {
          errors.merge(e.getKey(), e.getValue().get(), Long::sum);
        }
      }
    }
    JsonArray liveness = new JsonArray();
    for (int i = 0; i < edges.size(); i++) {
      liveness.add(new JsonObject().put("instance", i == 0 ? "edge-a" : "edge-b").put("probes", probes[i].get())
          .put("failed", probesFailed[i].get()));
    }
    return new JsonObject().put("tried", tried).put("ok2xx", ok).put("errors", new JsonObject(new LinkedHashMap<>(errors)))
        .put("phases", byPhase).put("healthz", liveness);
  }

  List<Acknowledged> acknowledged() {
    return List.copyOf(acknowledged);
  }

  @Override
  public void close() {
    running = false;
  }

  private void loop(int index) {
    SplittableRandom random = new SplittableRandom(index * 7919L + scenario.hashCode());
    String user = "fault-user-" + index;
    String token = dev.token(user, Duration.ofHours(3));
    List<String> mine = new ArrayList<>();
    Map<String, Long> sizes = new java.util.HashMap<>();
    int turn = index;
    while (running) {
      int instance = turn++ % edges.size();
      URI base = edges.get(instance).base();
      int dice = random.nextInt(100);
      if (dice < 60 || mine.isEmpty()) {
        upload(base, instance, token, user, SIZES[turn % SIZES.length], random.nextLong(), mine, sizes);
      } else if (dice < 72) {
        String id = mine.get(random.nextInt(mine.size()));
        download(base, token, id, sizes.get(id));
      } else if (dice < 85) {
        downloadRange(base, token, mine.get(random.nextInt(mine.size())), random.nextInt(4096));
      } else {
        String id = mine.remove(random.nextInt(mine.size()));
        sizes.remove(id);
        delete(base, token, id);
      }
      pause(20);
    }
  }

  private void upload(URI base, int instance, String token, String user, long size, long seed, List<String> mine,
      Map<String, Long> sizes) {
    String label = phase;
    GeneratedBody body = new GeneratedBody(size, seed, MediaSamples.JPEG_HEAD);
    long start = System.nanoTime();
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/v1/media"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "image/jpeg").timeout(REQUEST_TIMEOUT)
          .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> body), size)).build(),
          BodyHandlers.ofString());
      if (r.statusCode() == 201) {
        JsonObject json = new JsonObject(r.body());
        if (!json.getString("sha256", "").equals(body.sha256Hex())) {
          count(label, "upload WRONG-SHA256");
          return;
        }
        acknowledged.add(new Acknowledged(scenario, json.getString("id"), user));
        mine.add(json.getString("id"));
        sizes.put(json.getString("id"), size);
        synchronized (lastUploadOk) {
          lastUploadOk[instance] = System.nanoTime();
        }
        record(label, System.nanoTime() - start);
      }
      count(label, "upload " + r.statusCode() + code(r.body()));
    } catch (java.io.IOException e) {
      count(label, "upload io");
      pause(IO_BACKOFF_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void download(URI base, String token, String id, long size) {
    String label = phase;
    try {
      HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(base.resolve("/v1/media/" + id))
          .header("Authorization", "Bearer " + token).timeout(REQUEST_TIMEOUT).GET().build(), BodyHandlers.ofByteArray());
      boolean whole = r.statusCode() == 200 && r.body().length == size;
      count(label, whole ? "download 200" : r.statusCode() == 200 ? "download WRONG-LENGTH" : "download "
          + r.statusCode() + code(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.io.IOException e) {
      count(label, "download io");
      pause(IO_BACKOFF_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** 4 KiB from {@code first} (every upload is at least 8 KiB): 206 with exactly those bytes' length. */
  private void downloadRange(URI base, String token, String id, int first) {
    String label = phase;
    try {
      HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(base.resolve("/v1/media/" + id))
          .header("Authorization", "Bearer " + token).header("Range", "bytes=" + first + "-" + (first + 4095))
          .timeout(REQUEST_TIMEOUT).GET().build(), BodyHandlers.ofByteArray());
      boolean whole = r.statusCode() == 206 && r.body().length == 4096;
      count(label, whole ? "range 206" : r.statusCode() == 206 ? "range WRONG-LENGTH" : "range " + r.statusCode()
          + code(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.io.IOException e) {
      count(label, "range io");
      pause(IO_BACKOFF_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void delete(URI base, String token, String id) {
    String label = phase;
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/v1/media/" + id))
          .header("Authorization", "Bearer " + token).timeout(REQUEST_TIMEOUT).DELETE().build(), BodyHandlers.ofString());
      count(label, "delete " + r.statusCode() + code(r.body()));
    } catch (java.io.IOException e) {
      count(label, "delete io");
      pause(IO_BACKOFF_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Resumable uploads of {@link #TUS_LENGTH} bytes in {@link #TUS_PATCH} PATCHes, each PATCH to the
   * other instance than the one before: a PATCH that fails (a killed instance, a refused write) is
   * followed by a HEAD on the other instance and the upload goes on from the offset it tells. A
   * finished upload is read back and its SHA-256 compared.
   */
  private void resumableLoop() {
    SplittableRandom random = new SplittableRandom(scenario.hashCode());
    String user = "fault-tus-user";
    String token = dev.token(user, Duration.ofHours(3));
    int turn = 0;
    while (running) {
      String label = phase;
      byte[] file = new byte[TUS_LENGTH];
      try (GeneratedBody body = new GeneratedBody(TUS_LENGTH, random.nextLong(), MediaSamples.JPEG_HEAD)) {
        body.readNBytes(file, 0, TUS_LENGTH);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      try {
        HttpResponse<String> created = client.send(HttpRequest.newBuilder(edges.get(turn++ % edges.size()).base()
            .resolve("/v1/uploads/")).header("Authorization", "Bearer " + token).header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", String.valueOf(TUS_LENGTH))
            .header("Upload-Metadata", "filetype " + java.util.Base64.getEncoder().encodeToString(
                "image/jpeg".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
            .timeout(REQUEST_TIMEOUT).POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        count(label, "tus-create " + created.statusCode() + code(created.body()));
        if (created.statusCode() != 201) {
          pause(IO_BACKOFF_MS);
          continue;
        }
        String path = URI.create(created.headers().firstValue("Location").orElseThrow()).getPath();
        long offset = 0;
        boolean failedBefore = false;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        // an upload left unfinished when the load stops stays, as a client's would, until its expiry
        while (offset < TUS_LENGTH && running && System.nanoTime() < deadline) {
          URI base = edges.get(turn++ % edges.size()).base();
          if (failedBefore) {
            offset = tusOffset(base, path, token, offset);
          }
          int end = (int) Math.min(TUS_LENGTH, offset + TUS_PATCH);
          try {
            HttpResponse<String> patched = client.send(HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + token).header("Tus-Resumable", "1.0.0")
                .header("Upload-Offset", String.valueOf(offset))
                .header("Content-Type", "application/offset+octet-stream").timeout(REQUEST_TIMEOUT)
                .method("PATCH", BodyPublishers.ofByteArray(file, (int) offset, end - (int) offset)).build(),
                BodyHandlers.ofString());
            count(phase, "tus-patch " + patched.statusCode() + code(patched.body()) + (failedBefore ? " (resumed on"
                + " the other instance)" : ""));
            failedBefore = patched.statusCode() != 204;
            if (!failedBefore) {
              offset = Long.parseLong(patched.headers().firstValue("Upload-Offset").orElse("0"));
            } else {
              pause(IO_BACKOFF_MS);
            }
          } catch (java.io.IOException e) {
            count(phase, "tus-patch io");
            failedBefore = true;
            pause(IO_BACKOFF_MS);
          }
        }
        if (offset == TUS_LENGTH) {
          String id = path.substring(path.lastIndexOf('/') + 1);
          HttpResponse<byte[]> read = client.send(HttpRequest.newBuilder(edges.get(turn % edges.size()).base()
              .resolve("/v1/media/" + id)).header("Authorization", "Bearer " + token).timeout(REQUEST_TIMEOUT).GET()
              .build(), BodyHandlers.ofByteArray());
          boolean same = read.statusCode() == 200 && java.util.Arrays.equals(read.body(), file);
          count(phase, same ? "tus-finished 201" : "tus-finished WRONG-BYTES " + read.statusCode());
          if (same) {
            acknowledged.add(new Acknowledged(scenario, id, user));
          }
        }
      } catch (java.io.IOException e) {
        count(phase, "tus-create io");
        pause(IO_BACKOFF_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The offset the server holds for the upload (HEAD), or {@code fallback} when it does not answer. */
  private long tusOffset(URI base, String path, String token, long fallback) throws InterruptedException {
    try {
      HttpResponse<Void> head = client.send(HttpRequest.newBuilder(base.resolve(path))
          .header("Authorization", "Bearer " + token).header("Tus-Resumable", "1.0.0").timeout(REQUEST_TIMEOUT)
          .method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.discarding());
      return head.statusCode() == 200 ? Long.parseLong(head.headers().firstValue("Upload-Offset").orElse("0"))
          : fallback;
    } catch (java.io.IOException e) {
      return fallback;
    }
  }

  /** " ERROR_CODE" of a JSON error body, or "". */
  private static String code(String body) {
    String error = MediaClient.errorCode(body);
    return error.isEmpty() ? "" : " " + error;
  }

  private void count(String label, String outcome) {
    outcomes.computeIfAbsent(label, l -> new ConcurrentHashMap<>()).computeIfAbsent(outcome, o -> new AtomicLong())
        .incrementAndGet();
  }

  private void record(String label, long nanos) {
    Histogram h = latency.computeIfAbsent(label, l -> new Histogram(TimeUnit.MINUTES.toNanos(10), 3));
    synchronized (h) {
      h.recordValue(Math.min(nanos, TimeUnit.MINUTES.toNanos(10)));
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
