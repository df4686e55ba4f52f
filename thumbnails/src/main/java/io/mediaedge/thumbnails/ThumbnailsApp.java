package io.mediaedge.thumbnails;

import io.mediaedge.thumbnails.cassandra.CassandraRecords;
import io.mediaedge.thumbnails.config.ThumbnailsConfig;
import io.mediaedge.thumbnails.kafka.UploadEvents;
import io.mediaedge.thumbnails.kafka.WorkerTopics;
import io.mediaedge.thumbnails.storage.S3Originals;
import io.mediaedge.thumbnails.work.JobRunner;
import io.mediaedge.thumbnails.work.ThumbnailJob;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root, which the tests and dev mode reuse: builds the adapters, the job and its
 * runner, and the consumer; {@link #close} drains the batch in hand and closes everything. A start
 * that fails half way closes what it had opened.
 */
public final class ThumbnailsApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ThumbnailsApp.class);

  private final JobRunner runner;
  private final UploadEvents events;
  /** What was opened, in order; closed the other way round. */
  private final Deque<AutoCloseable> opened;

  private ThumbnailsApp(JobRunner runner, UploadEvents events, Deque<AutoCloseable> opened) {
    this.runner = runner;
    this.events = events;
    this.opened = opened;
  }

  /** Connects to Cassandra (the keyspace and its thumbnails table must exist), then starts consuming. */
  public static ThumbnailsApp start(ThumbnailsConfig config) {
    ThumbnailsConfig.WorkSection work = config.work();
    Deque<AutoCloseable> opened = new ArrayDeque<>();
    try {
      CassandraRecords records = opening(opened, new CassandraRecords(config.cassandra()));
      S3Originals originals = opening(opened, new S3Originals(config.storage(), work.decodesAtOnce() * 2));
      WorkerTopics topics = opening(opened, new WorkerTopics(config.kafka().bootstrapServers(),
          config.kafka().deadLetterTopic(), config.kafka().resultsTopic()));
      JobRunner runner = opening(opened, new JobRunner(new ThumbnailJob(originals, records, work.sizes()), topics,
          topics, work.sizes(), work.decodesAtOnce(), work.jobTimeout(), work.attempts(), work.retryPause(),
          work.maxPixels(), work.maxSourceBytes(), work.quality()));
      UploadEvents events = opening(opened, new UploadEvents(config.kafka(), runner));
      events.start();
      log.info("thumbnails worker consuming {} as group {}: sizes {}, {} decodes at once, at most {} megapixels",
          config.kafka().topic(), config.kafka().groupId(), work.sizes(), work.decodesAtOnce(),
          work.maxPixels() / 1_000_000);
      return new ThumbnailsApp(runner, events, opened);
    } catch (RuntimeException e) {
      closeAll(opened);
      throw e;
    }
  }

  private static <T extends AutoCloseable> T opening(Deque<AutoCloseable> opened, T part) {
    opened.push(part);
    return part;
  }

  /** Whether the consumer group assigned this worker its partitions within {@code timeout}. */
  public boolean awaitAssignment(Duration timeout) throws InterruptedException {
    return events.awaitAssignment(timeout);
  }

  /** Jobs by outcome since start. */
  public Map<String, Long> counts() {
    return runner.counts();
  }

  /** The consumer first (it finishes the batch in hand and commits it), then what it used. */
  @Override
  public void close() {
    closeAll(opened);
    log.info("thumbnails worker stopped: {}", runner.counts());
  }

  private static void closeAll(Deque<AutoCloseable> opened) {
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception e) {
        log.warn("Closing a part of the thumbnails worker failed: {}", e.toString());
      }
    }
  }
}
