package io.mediaedge.insights;

import io.mediaedge.insights.api.InsightsRoutes;
import io.mediaedge.insights.config.DetectionConfig;
import io.mediaedge.insights.config.InsightsConfig;
import io.mediaedge.insights.detect.AdvisoryBoard;
import io.mediaedge.insights.detect.DetectionLoop;
import io.mediaedge.insights.ingest.EventIngest;
import io.mediaedge.insights.kafka.AdvisoryProducer;
import io.mediaedge.insights.kafka.HistoryConsumer;
import io.mediaedge.insights.kafka.PartialsReader;
import io.mediaedge.insights.kafka.PartialsTopic;
import io.mediaedge.insights.kafka.SteeringReportReader;
import io.mediaedge.insights.kafka.ThumbnailsTopic;
import io.mediaedge.insights.metrics.AdvisoryMetrics;
import io.mediaedge.insights.metrics.InsightsMetrics;
import io.mediaedge.insights.metrics.SteeringMetrics;
import io.mediaedge.insights.query.InsightsQueries;
import io.mediaedge.insights.query.NetworkComparisons;
import io.mediaedge.insights.slots.GlobalSlots;
import io.mediaedge.insights.steering.SteeringBoard;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every part of an insights instance from its configuration, starts
 * them in order and stops them gracefully. Tests start instances through it, as {@link Main} does.
 */
public final class InsightsApp {
  private static final Logger log = LoggerFactory.getLogger(InsightsApp.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final InsightsConfig config;
  private final String run;
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics;
  private final InsightsQueries queries;
  private final HistoryConsumer consumer;
  private final PartialsReader reader;
  private final AdvisoryBoard advisories;
  private final SteeringBoard steering;
  private final SteeringReportReader steeringReader;
  /** Null when detection is off. */
  private final DetectionParts detection;
  private HttpServer http;

  /** What ISP-trouble detection is made of: the loop and the producer it publishes through. */
  private record DetectionParts(DetectionLoop loop, AdvisoryProducer producer) {}

  private InsightsApp(Vertx vertx, InsightsConfig config, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    // a fresh name for this run's partials: a restart must never overwrite its former self's counts
    this.run = config.instanceName() + "." + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    this.gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    InsightsMetrics metrics = new InsightsMetrics(registry);
    var kafka = config.kafka();
    var slots = config.slots();
    GlobalSlots global = new GlobalSlots(slots.retentionMinutes(), clock);
    this.queries = new InsightsQueries(global);
    this.reader = new PartialsReader(kafka.bootstrapServers(), kafka.partialsTopic(), global, run);
    EventIngest ingest = new EventIngest(config.dedupWindow(), global, run, metrics, clock);
    this.consumer = new HistoryConsumer(new HistoryConsumer.Settings(kafka.bootstrapServers(), kafka.groupId(),
        kafka.historyTopic(), kafka.thumbnailsTopic(), kafka.partialsTopic(), config.instanceName(), run,
        slots.publishInterval()),
        ingest, metrics);
    this.advisories = new AdvisoryBoard(config.detection());
    this.steering = new SteeringBoard(clock);
    SteeringMetrics steeringMetrics = new SteeringMetrics(registry, steering);
    this.steeringReader = new SteeringReportReader(kafka.bootstrapServers(), kafka.steeringTopic(), report -> {
      steering.accept(report);
      steeringMetrics.regionSeen(report.region());
    }, steeringMetrics::undecodable, clock);
    this.detection = config.detection().enabled() ? detection(clock) : null;
  }

  /** Every instance judges; the owner of the history topic's partition 0 publishes. */
  private DetectionParts detection(Clock clock) {
    DetectionConfig rule = config.detection();
    AdvisoryProducer producer = new AdvisoryProducer(config.kafka().bootstrapServers(),
        config.kafka().advisoriesTopic(), config.instanceName());
    DetectionLoop loop = new DetectionLoop(rule, new NetworkComparisons(queries, rule.baselineRefresh()), advisories,
        producer, consumer::ownsFirstPartition, this::ready, new AdvisoryMetrics(registry), clock);
    return new DetectionParts(loop, producer);
  }

  public static Future<InsightsApp> start(Vertx vertx, InsightsConfig config) {
    return start(vertx, config, Clock.systemUTC());
  }

  /** Starts an instance: topics, partials reader, consumer, then the HTTP listener. */
  public static Future<InsightsApp> start(Vertx vertx, InsightsConfig config, Clock clock) {
    InsightsApp app = new InsightsApp(vertx, config, clock);
    var kafka = config.kafka();
    return vertx.executeBlocking(() -> {
      PartialsTopic.ensure(kafka.bootstrapServers(), kafka.partialsTopic(), kafka.partialsPartitions(),
          kafka.replicationFactor(), config.slots().retention());
      ThumbnailsTopic.ensure(kafka.bootstrapServers(), kafka.thumbnailsTopic(), kafka.replicationFactor());
      app.reader.start();
      app.steeringReader.start();
      app.consumer.start().get();
      if (app.detection != null) {
        AdvisoryProducer.ensureTopic(kafka.bootstrapServers(), kafka.advisoriesTopic(), kafka.replicationFactor());
        app.detection.loop().start();
      }
      return null;
    }, false).compose(v -> vertx.createHttpServer(new HttpServerOptions().setHost(config.http().host()))
        .requestHandler(InsightsRoutes.router(vertx, app.queries, app.registry, app::ready, app.advisories,
            app.steering))
        .listen(config.http().port()))
        .map(server -> {
          app.http = server;
          log.info("insights {} serves http://{}:{}/api/v1/ (run {}, slots of {} minutes)", config.instanceName(),
              config.http().host(), server.actualPort(), app.run, config.slots().retentionMinutes());
          return app;
        })
        .recover(failure -> app.stop().transform(ignored -> Future.failedFuture(failure)));
  }

  /** Answers with global figures: the partials read up to their end at start, and consuming. */
  public boolean ready() {
    return reader.caughtUp() && consumer.healthy();
  }

  /**
   * Graceful stop: no new requests, detection stopped (what it sent, flushed), the last partials
   * published with their offsets, the group left (so the partitions move at once, and with partition
   * 0 the publishing of advisories), the reader stopped.
   */
  public Future<Void> stop() {
    Future<Void> closed = http == null ? Future.succeededFuture() : http.close();
    return closed.compose(v -> vertx.executeBlocking(() -> {
      if (detection != null) {
        detection.loop().stop(STOP_TIMEOUT);
        detection.producer().close();
      }
      consumer.stop(STOP_TIMEOUT);
      reader.stop(STOP_TIMEOUT);
      steeringReader.stop(STOP_TIMEOUT);
      gcMetrics.close();
      return null;
    }, false));
  }

  public int httpPort() {
    return http.actualPort();
  }

  /** What ISP-trouble detection decided: the flags raised now and the recent decisions. */
  public AdvisoryBoard advisories() {
    return advisories;
  }

  /** The figures over windows: what the API serves, for the page and detection to build on. */
  public InsightsQueries queries() {
    return queries;
  }

  /** What the regions that follow advisories report they steer. */
  public SteeringBoard steering() {
    return steering;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public InsightsConfig config() {
    return config;
  }

  /** This run's name on the partials topic ({@code instanceName.random}). */
  public String run() {
    return run;
  }
}
