package io.mediaedge.events;

import io.mediaedge.config.SteeringConfig;
import io.mediaedge.eventschema.SteeringReport;
import io.mediaedge.eventschema.SteeringReportJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the world what this instance steers: sends the whole steering table as one
 * {@link SteeringReport} to {@code steering.reportTopic}, at once (within a second) when it
 * changes and at least every {@code steering.reportInterval}. Whole tables, not deltas: a reader
 * that missed a record is right again with the next one, and an instance whose reports stop is
 * simply forgotten.
 *
 * <p>Best effort by design: a report that fails (Kafka away) is counted and the next round sends
 * the table as it is then. Steering itself never waits for a report.
 */
public final class SteeringReporter {
  private static final Logger log = LoggerFactory.getLogger(SteeringReporter.class);

  /** Makes the report of the table now; {@code SteeringOverrides::report} is one. */
  @FunctionalInterface
  public interface ReportMaker {
    SteeringReport report(String region, String instance, long everySeconds);
  }

  /** How soon a change reaches the topic. */
  static final Duration CHANGE_CHECK = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final KafkaEventPublisher kafka;
  private final String topic;
  private final Duration every;
  private final String region;
  private final ReportMaker table;
  private final LongSupplier changes;
  private final String instance;
  private final Counter sent;
  private final Counter failed;
  private long timer = -1;
  private boolean sending;
  private long sentChanges = -1;
  private long lastSentAt;
  private long retryAt;
  private boolean topicReady;
  private String lastFailure = "";

  /**
   * @param region this instance's {@code server.region}
   * @param changes the table's change count: a new value means news to send
   */
  public SteeringReporter(Vertx vertx, KafkaEventPublisher kafka, SteeringConfig steering, String region,
      ReportMaker table, LongSupplier changes, MeterRegistry metrics) {
    this.vertx = vertx;
    this.kafka = kafka;
    this.topic = steering.reportTopic();
    this.every = steering.reportInterval();
    this.region = region;
    this.table = table;
    this.changes = changes;
    this.instance = instanceName();
    this.sent = Counter.builder("media_edge_steering_reports_sent")
        .description("Steering reports sent to the report topic").register(metrics);
    this.failed = Counter.builder("media_edge_steering_reports_failed")
        .description("Steering reports that did not reach Kafka (the next round sends the table again)")
        .register(metrics);
  }

  /**
   * Unique per run of this process: the container's or machine's name when the environment gives
   * one (so people recognise it), the process id, and a few random characters (a restart, or a
   * second instance on one host, must not take over the first one's key).
   */
  static String instanceName() {
    String host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> h.matches("[A-Za-z0-9._-]{1,63}"))
        .orElse("pid");
    return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 4);
  }

  /** The name this instance reports under ({@code region/instance} is the record key). */
  public String instance() {
    return instance;
  }

  public void start() {
    if (timer < 0) {
      timer = vertx.setPeriodic(1, CHANGE_CHECK.toMillis(), id -> round());
    }
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void round() {
    long now = System.currentTimeMillis();
    long seen = changes.getAsLong();
    if (sending || now < retryAt || (seen == sentChanges && now - lastSentAt < every.toMillis())) {
      return;
    }
    sending = true;
    SteeringReport report = table.report(region, instance, every.toSeconds());
    Future<Void> ready = topicReady ? Future.succeededFuture() : kafka.ensureTopic(topic).onSuccess(v -> topicReady = true);
    ready.compose(v -> kafka.send(topic, report.key(), SteeringReportJson.encode(report)))
        .onComplete(done -> {
          sending = false;
          if (done.succeeded()) {
            sent.increment();
            sentChanges = seen;
            lastSentAt = now;
            if (!lastFailure.isEmpty()) {
              log.info("Steering reports reach {} again", topic);
              lastFailure = "";
            }
          } else {
            failed.increment();
            // Not every second while Kafka is away; said once per kind of trouble.
            retryAt = now + every.toMillis();
            String reason = String.valueOf(done.cause().getMessage());
            if (!reason.equals(lastFailure)) {
              log.warn("A steering report did not reach Kafka topic {} ({}); retrying every {} s", topic, reason,
                  every.toSeconds());
              lastFailure = reason;
            }
          }
        });
  }
}
