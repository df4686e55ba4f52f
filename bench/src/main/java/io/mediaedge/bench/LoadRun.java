package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load generator: {@code clients} virtual clients, each sending its next request
 * as soon as its previous one is answered, over one JDK {@link HttpClient}. Latency is from
 * {@code sendAsync} to the last byte of the response body, in an HdrHistogram (microseconds,
 * 3 significant digits). Either timed (a warm-up, then a measured window: the requests answered
 * within the window count; those still running at its end do not) or a fixed number of requests.
 */
final class LoadRun {
  /** One request and the bytes its body sends (0 for a GET). */
  record Call(HttpRequest request, long bodyBytes) {}

  /** Makes client {@code client}'s {@code seq}-th request. */
  interface Calls {
    Call next(int client, long seq);
  }

  /** Told of every successful answer, warm-up included, before the client's next request. */
  interface Answered {
    void ok(int client, long seq, HttpResponse<?> response);
  }

  private final HttpClient http;
  private final Executor executor;
  private final Calls calls;
  private final IntPredicate ok;
  private final Recorder recorder = new Recorder(3);
  private final AtomicLong counted = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong sentBytes = new AtomicLong();
  private final AtomicLong receivedBytes = new AtomicLong();
  private final AtomicLong issued = new AtomicLong();
  private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
  private final List<String> errorSamples = new CopyOnWriteArrayList<>();
  private volatile long measureFrom;
  private volatile long measureUntil = Long.MAX_VALUE;
  private long maxRequests = Long.MAX_VALUE;
  private CountDownLatch done;
  private Answered answered = (client, seq, response) -> { };

  LoadRun(HttpClient http, Executor executor, Calls calls, IntPredicate ok) {
    this.http = http;
    this.executor = executor;
    this.calls = calls;
    this.ok = ok;
  }

  /** Sets what hears of each successful answer. */
  LoadRun onSuccess(Answered listener) {
    this.answered = listener;
    return this;
  }

  /** Runs {@code warmup} uncounted, then counts for {@code measure}. */
  JsonObject timed(int clients, Duration warmup, Duration measure) throws InterruptedException {
    long now = System.nanoTime();
    measureFrom = now + warmup.toNanos();
    measureUntil = measureFrom + measure.toNanos();
    return go(clients, (measureUntil - now) / 1e6 + 120_000, measure.toNanos() / 1e9);
  }

  /** Runs exactly {@code requests} requests, all counted. */
  JsonObject fixed(int clients, long requests) throws InterruptedException {
    maxRequests = requests;
    measureFrom = System.nanoTime();
    long t0 = System.nanoTime();
    JsonObject out = go(clients, TimeUnit.MINUTES.toMillis(30), -1);
    double seconds = (System.nanoTime() - t0) / 1e9;
    return rates(out, seconds);
  }

  private JsonObject go(int clients, double waitMillis, double windowSeconds) throws InterruptedException {
    done = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      int client = c;
      executor.execute(() -> next(client, 0));
    }
    if (!done.await((long) waitMillis, TimeUnit.MILLISECONDS)) {
      errorSamples.add("some clients were still waiting for an answer when the run was given up");
    }
    JsonObject out = summary(clients);
    return windowSeconds > 0 ? rates(out, windowSeconds) : out;
  }

  private void next(int client, long seq) {
    long now = System.nanoTime();
    if (now >= measureUntil || issued.incrementAndGet() > maxRequests) {
      done.countDown();
      return;
    }
    Call call;
    try {
      call = calls.next(client, seq);
    } catch (RuntimeException e) {
      record("client error", e.toString());
      done.countDown();
      return;
    }
    long start = System.nanoTime();
    http.sendAsync(call.request(), info -> BodySubscribers.fromSubscriber(new Counting(), Counting::bytes))
        .whenCompleteAsync((response, failure) -> {
          long end = System.nanoTime();
          if (failure == null && ok.test(response.statusCode())) {
            answered.ok(client, seq, response);
          }
          // Counted by completion: a request answered within the window counts, however long ago it
          // was sent, so a slow system's throughput is not cut down to the requests that fit whole.
          boolean inWindow = end >= measureFrom && end <= measureUntil;
          if (inWindow) {
            counted.incrementAndGet();
            if (failure != null) {
              errors.incrementAndGet();
              record(failure.getClass().getSimpleName(), failure.toString());
            } else {
              recorder.recordValue(Math.max(1, (end - start) / 1000));
              sentBytes.addAndGet(call.bodyBytes());
              receivedBytes.addAndGet(response.body());
              boolean good = ok.test(response.statusCode());
              outcomes.computeIfAbsent(String.valueOf(response.statusCode()), k -> new AtomicLong()).incrementAndGet();
              if (!good) {
                errors.incrementAndGet();
                if (errorSamples.size() < 5) {
                  errorSamples.add("HTTP " + response.statusCode());
                }
              }
            }
          }
          next(client, seq + 1);
        }, executor);
  }

  private void record(String kind, String message) {
    outcomes.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    if (errorSamples.size() < 5) {
      errorSamples.add(message);
    }
  }

  private JsonObject summary(int clients) {
    Histogram h = recorder.getIntervalHistogram();
    JsonObject statuses = new JsonObject();
    new TreeMap<>(outcomes).forEach((k, v) -> statuses.put(k, v.get()));
    return new JsonObject()
        .put("clients", clients)
        .put("requests", counted.get())
        .put("errors", errors.get())
        .put("outcomes", statuses)
        .put("errorSamples", new JsonArray(List.copyOf(errorSamples)))
        .put("sentBytes", sentBytes.get())
        .put("receivedBytes", receivedBytes.get())
        .put("latencyMs", latency(h));
  }

  private static JsonObject rates(JsonObject out, double seconds) {
    long bytes = out.getLong("sentBytes") + out.getLong("receivedBytes");
    return out.put("seconds", round(seconds, 2))
        .put("requestsPerSecond", round(out.getLong("requests") / seconds, 1))
        .put("MBps", round(bytes / 1e6 / seconds, 1));
  }

  static JsonObject latency(Histogram h) {
    if (h.getTotalCount() == 0) {
      return new JsonObject().put("count", 0);
    }
    return new JsonObject()
        .put("count", h.getTotalCount())
        .put("mean", round(h.getMean() / 1000, 2))
        .put("p50", ms(h.getValueAtPercentile(50)))
        .put("p90", ms(h.getValueAtPercentile(90)))
        .put("p99", ms(h.getValueAtPercentile(99)))
        .put("p99_9", ms(h.getValueAtPercentile(99.9)))
        .put("max", ms(h.getMaxValue()));
  }

  private static double ms(long micros) {
    return round(micros / 1000.0, 2);
  }

  /** Reads a response body to its end, counting bytes, keeping none. */
  private static final class Counting implements Flow.Subscriber<List<ByteBuffer>> {
    private long bytes;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer b : buffers) {
        bytes += b.remaining();
      }
    }

    @Override
    public void onError(Throwable throwable) {
      // the send's future fails with it
    }

    @Override
    public void onComplete() {
      // bytes() is read after completion
    }

    long bytes() {
      return bytes;
    }
  }
}
