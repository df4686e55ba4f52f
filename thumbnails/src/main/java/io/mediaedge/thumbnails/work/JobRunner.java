package io.mediaedge.thumbnails.work;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.ThumbnailResult;
import java.time.Instant;
import io.mediaedge.thumbnails.images.ThumbnailMaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs of one batch of events: at most {@code decodesAtOnce} at a time (each decode holds
 * up to a few sizes' worth of pixels), each decode aborted after {@code jobTimeout}, a job that
 * fails for a reason outside the image (S3, Cassandra) tried {@code attempts} times, then parked
 * in the dead-letter topic with its reason. Never a crash loop: a batch always ends, so the
 * consumer commits it and moves on.
 */
public final class JobRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  /** Where events that failed every attempt go, with why; read by people, replayed by hand. */
  public interface DeadLetters {
    void park(HistoryEvent event, String reason) throws Exception;
  }

  /**
   * Where each settled media is told (made, with its sizes, or refused, with the reason), for the
   * dashboards' lag and failures. Best effort: a result that cannot be sent is logged, not retried.
   */
  public interface Results {
    void settled(ThumbnailResult result);
  }

  private final ThumbnailJob job;
  private final DeadLetters deadLetters;
  private final Results results;
  private final java.util.List<Integer> sizes;
  private final Duration jobTimeout;
  private final int attempts;
  private final Duration retryPause;
  private final ExecutorService decoders;
  private final ScheduledExecutorService timer;
  private final ThreadLocal<ThumbnailMaker> makers;
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

  public JobRunner(ThumbnailJob job, DeadLetters deadLetters, Results results, List<Integer> sizes, int decodesAtOnce,
      Duration jobTimeout, int attempts, Duration retryPause, long maxPixels, long maxSourceBytes, float quality) {
    this.job = job;
    this.deadLetters = deadLetters;
    this.results = results;
    this.sizes = List.copyOf(sizes);
    this.jobTimeout = jobTimeout;
    this.attempts = attempts;
    this.retryPause = retryPause;
    AtomicInteger n = new AtomicInteger();
    this.decoders = Executors.newFixedThreadPool(decodesAtOnce, r -> {
      Thread t = new Thread(r, "thumbnails-decode-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "thumbnails-deadlines");
      t.setDaemon(true);
      return t;
    });
    this.makers = ThreadLocal.withInitial(() -> new ThumbnailMaker(maxPixels, maxSourceBytes, quality));
  }

  /** Runs every event's job; returns once all have ended, one way or another. */
  public void runAll(List<HistoryEvent> events) throws InterruptedException {
    List<Future<?>> running = new ArrayList<>();
    for (HistoryEvent event : events) {
      running.add(decoders.submit(() -> runOne(event)));
    }
    for (Future<?> one : running) {
      try {
        one.get();
      } catch (ExecutionException e) {
        // runOne catches everything; an Error here (say an OutOfMemoryError outside a decode) is logged
        log.error("A thumbnail job failed outside its own handling", e.getCause());
        count("error");
      }
    }
  }

  private void runOne(HistoryEvent event) {
    for (int attempt = 1; ; attempt++) {
      ThumbnailMaker maker = makers.get();
      ScheduledFuture<?> deadline = timer.schedule(maker::abort, jobTimeout.toMillis(), TimeUnit.MILLISECONDS);
      try {
        ThumbnailJob.Outcome outcome = job.run(event, maker);
        count(outcome.name().toLowerCase(java.util.Locale.ROOT));
        log.debug("Media {}: {}", event.mediaId(), outcome);
        if (outcome == ThumbnailJob.Outcome.MADE) {
          tell(event, ThumbnailResult.Outcome.MADE, "", sizes);
        }
        return;
      } catch (ThumbnailJob.Refused refused) {
        count("refused");
        count("refused." + refused.reason().name());
        tell(event, ThumbnailResult.Outcome.REFUSED, refused.reason().name(), List.of());
        log.info("No thumbnail for media {} ({}): {}", event.mediaId(), event.contentType(), refused.getMessage());
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        if (attempt >= attempts) {
          park(event, e);
          return;
        }
        log.warn("Thumbnails of media {} failed (attempt {} of {}), trying again: {}", event.mediaId(), attempt,
            attempts, e.toString());
        if (!pause(attempt)) {
          return;
        }
      } finally {
        deadline.cancel(false);
      }
    }
  }

  private void tell(HistoryEvent event, ThumbnailResult.Outcome outcome, String reason, List<Integer> made) {
    try {
      results.settled(new ThumbnailResult(event.mediaId(), event.userId(), event.contentType(), event.occurredAt(),
          Instant.now(), outcome, reason, made, event.origin().region()));
    } catch (RuntimeException e) {
      log.warn("Result of media {} not sent: {}", event.mediaId(), e.toString());
    }
  }

  private void park(HistoryEvent event, Exception failure) {
    String reason = failure.getClass().getSimpleName() + ": " + failure.getMessage();
    try {
      deadLetters.park(event, reason);
      count("parked");
      // the dashboards count it as a failure by the kind of the last failure (a class name: a bounded set)
      tell(event, ThumbnailResult.Outcome.PARKED, failure.getClass().getSimpleName(), List.of());
      log.warn("Thumbnails of media {} failed {} times; parked in the dead-letter topic: {}", event.mediaId(),
          attempts, reason);
    } catch (Exception e) {
      count("lost");
      log.error("Thumbnails of media {} failed {} times and could not be parked ({}); left: {}", event.mediaId(),
          attempts, e.toString(), reason);
    }
  }

  private boolean pause(int attempt) {
    try {
      Thread.sleep(retryPause.toMillis() * attempt);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void count(String what) {
    counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
  }

  /** Jobs by outcome since start (made, refused, refused.REASON, already_done, skipped, parked, lost). */
  public Map<String, Long> counts() {
    Map<String, Long> out = new java.util.TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public void close() {
    decoders.shutdownNow();
    timer.shutdownNow();
  }
}
