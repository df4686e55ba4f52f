package io.mediaedge.thumbnails;

import io.mediaedge.thumbnails.cassandra.CassandraRecords;
import io.mediaedge.thumbnails.config.ThumbnailsConfig;
import io.mediaedge.thumbnails.kafka.DeadLetterTopic;
import io.mediaedge.thumbnails.kafka.ResultTopic;
import io.mediaedge.thumbnails.kafka.UploadEvents;
import io.mediaedge.thumbnails.storage.S3Originals;
import io.mediaedge.thumbnails.work.JobRunner;
import io.mediaedge.thumbnails.work.ThumbnailJob;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root, which the tests and dev mode reuse: builds the adapters, the job and its
 * runner, and the consumer; {@link #close} drains the batch in hand and closes everything.
 */
public final class ThumbnailsApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ThumbnailsApp.class);

  private final S3Originals originals;
  private final CassandraRecords records;
  private final DeadLetterTopic deadLetters;
  private final ResultTopic results;
  private final JobRunner runner;
  private final UploadEvents events;

  private ThumbnailsApp(ThumbnailsConfig config) {
    ThumbnailsConfig.WorkSection work = config.work();
    this.records = new CassandraRecords(config.cassandra());
    this.originals = new S3Originals(config.storage(), work.decodesAtOnce() * 2);
    this.deadLetters = new DeadLetterTopic(config.kafka().bootstrapServers(), config.kafka().deadLetterTopic());
    this.results = new ResultTopic(config.kafka().bootstrapServers(), config.kafka().resultsTopic());
    this.runner = new JobRunner(new ThumbnailJob(originals, records, work.sizes()), deadLetters, results, work.sizes(),
        work.decodesAtOnce(), work.jobTimeout(), work.attempts(), work.retryPause(), work.maxPixels(),
        work.maxSourceBytes(), work.quality());
    this.events = new UploadEvents(config.kafka(), runner);
  }

  /** Connects to Cassandra (the keyspace and its thumbnails table must exist), then starts consuming. */
  public static ThumbnailsApp start(ThumbnailsConfig config) {
    ThumbnailsApp app = new ThumbnailsApp(config);
    app.events.start();
    log.info("thumbnails worker consuming {} as group {}: sizes {}, {} decodes at once, at most {} megapixels",
        config.kafka().topic(), config.kafka().groupId(), config.work().sizes(), config.work().decodesAtOnce(),
        config.work().maxPixels() / 1_000_000);
    return app;
  }

  /** Whether the consumer group assigned this worker its partitions within {@code timeout}. */
  public boolean awaitAssignment(java.time.Duration timeout) throws InterruptedException {
    return events.awaitAssignment(timeout);
  }

  /** Jobs by outcome since start. */
  public Map<String, Long> counts() {
    return runner.counts();
  }

  @Override
  public void close() {
    events.close();
    runner.close();
    deadLetters.close();
    results.close();
    originals.close();
    records.close();
    log.info("thumbnails worker stopped: {}", runner.counts());
  }
}
