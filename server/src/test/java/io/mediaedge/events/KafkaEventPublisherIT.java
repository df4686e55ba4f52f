package io.mediaedge.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mediaedge.config.EdgeConfig.EventsConfig;
import io.mediaedge.devstack.KafkaServer;
import io.mediaedge.history.HistoryStore.OutboxEntry;
import io.mediaedge.it.TestStack;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/** The publisher against the shared stack's real Kafka broker, including the broker going away. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaEventPublisherIT {
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(3);
  private static final int PARTITIONS = 3;

  private static KafkaServer kafka;
  private static EventsConfig config;
  private static Vertx vertx;
  private static KafkaEventPublisher publisher;

  @BeforeAll
  static void start() {
    TestStack stack = TestStack.get();
    kafka = stack.dev().kafka();
    // a fresh topic per run: the broker's data outlives runs, and creating it is under test
    String topic = "it.events.publisher." + UUID.randomUUID().toString().substring(0, 8);
    config = stack.config(new JsonObject().put("events", new JsonObject()
        .put("topic", topic)
        .put("partitions", PARTITIONS)
        .put("deliveryTimeout", DELIVERY_TIMEOUT.toMillis() + "ms"))).events();
    vertx = Vertx.vertx();
    publisher = new KafkaEventPublisher(vertx, config);
  }

  @AfterAll
  static void stop() throws Exception {
    if (publisher != null) {
      publisher.close().await(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(1)
  void ensureTopicCreatesTheTopicAndToleratesConcurrentAndRepeatedCalls() throws Exception {
    KafkaEventPublisher other = new KafkaEventPublisher(vertx, config);
    try {
      // two instances starting together race on the creation; both must succeed
      Future.all(publisher.ensureTopic(), other.ensureTopic()).await(20, TimeUnit.SECONDS);
      publisher.ensureTopic().await(20, TimeUnit.SECONDS);
    } finally {
      other.close().await(10, TimeUnit.SECONDS);
    }
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      TopicDescription description = admin.describeTopics(List.of(config.topic()))
          .allTopicNames().get(10, TimeUnit.SECONDS).get(config.topic());
      assertEquals(PARTITIONS, description.partitions().size());
    }
  }

  @Test
  @Order(2)
  void publishedEventsArriveWithUserKeyJsonValueAndEventIdHeader() throws Exception {
    publisher.ensureTopic().await(20, TimeUnit.SECONDS);
    List<OutboxEntry> sent = List.of(entry("alice"), entry("bob"), entry("alice"));
    for (OutboxEntry e : sent) {
      publisher.publish(e).await(10, TimeUnit.SECONDS);
    }
    Map<String, ConsumerRecord<String, String>> received =
        consume(sent.stream().map(OutboxEntry::eventId).toList());
    for (OutboxEntry e : sent) {
      ConsumerRecord<String, String> record = received.get(e.eventId());
      assertNotNull(record, "event " + e.eventId() + " not consumed");
      assertEquals(e.key(), record.key());
      assertEquals(new JsonObject(e.payload()), new JsonObject(record.value()));
      assertEquals(e.eventId(), header(record, KafkaEventPublisher.EVENT_ID_HEADER));
    }
  }

  @Test
  @Order(3)
  void brokerDownFailsWithinDeliveryTimeoutWithoutBlockingTheEventLoopAndRecovers() throws Exception {
    publisher.ensureTopic().await(20, TimeUnit.SECONDS);
    // a publisher that never saw the topic has no metadata: its sends wait max.block.ms instead
    KafkaEventPublisher cold = new KafkaEventPublisher(vertx, config);
    Context eventLoop = vertx.getOrCreateContext();
    try {
      kafka.stop();
      Promise<Long> worstLag = Promise.promise();
      AtomicLong callMillis = new AtomicLong();
      List<Future<Void>> sends = new ArrayList<>();
      long t0 = System.nanoTime();
      eventLoop.runOnContext(v -> {
        // a 20 ms timer on the same event loop as the sends: a blocked loop shows as lag
        long[] last = {System.nanoTime()};
        long[] worst = {0};
        long timer = vertx.setPeriodic(20, id -> {
          long now = System.nanoTime();
          worst[0] = Math.max(worst[0], TimeUnit.NANOSECONDS.toMillis(now - last[0]) - 20);
          last[0] = now;
        });
        long before = System.nanoTime();
        for (int i = 0; i < 5; i++) {
          sends.add(publisher.publish(entry("alice")));
        }
        sends.add(cold.publish(entry("carol")));
        callMillis.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before));
        Future.join(sends).onComplete(done -> {
          vertx.cancelTimer(timer);
          worstLag.complete(worst[0]);
        });
      });
      long lag = worstLag.future().await(30, TimeUnit.SECONDS);
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      LoggerFactory.getLogger(KafkaEventPublisherIT.class).info(
          "Broker down: sends failed after {} ms, publish() calls took {} ms, worst timer lag {} ms", elapsed,
          callMillis.get(), lag);
      for (Future<Void> send : sends) {
        assertTrue(send.failed(), "a send to a stopped broker must fail");
      }
      assertTrue(elapsed < DELIVERY_TIMEOUT.toMillis() + 3000,
          "sends failed after " + elapsed + " ms, expected about the " + DELIVERY_TIMEOUT.toMillis() + " ms delivery timeout");
      // A send that blocked on metadata would hold the loop for max.block.ms (2 s); the bound is
      // well below that, and well above what a loaded 2-core machine adds to a 20 ms timer.
      assertTrue(callMillis.get() < 1000, "publish() held the event loop for " + callMillis.get() + " ms");
      assertTrue(lag < 1000, "the event loop stalled " + lag + " ms during the failing sends");
    } finally {
      // other test classes share this broker: it comes back whatever happened above
      kafka.start();
      cold.close().await(10, TimeUnit.SECONDS);
    }
    OutboxEntry after = entry("dave");
    publishWithRetry(after, Duration.ofSeconds(30));
    assertEquals(after.key(), consume(List.of(after.eventId())).get(after.eventId()).key());
  }

  /** The producer reconnects on its own; allow it a few sends while it learns the broker is back. */
  private static void publishWithRetry(OutboxEntry entry, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        publisher.publish(entry).await(15, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("publishing did not work again after the broker restarted", e);
        }
      }
    }
  }

  private static OutboxEntry entry(String user) {
    String eventId = UUID.randomUUID().toString();
    JsonObject payload = new JsonObject()
        .put("schemaVersion", 1)
        .put("eventId", eventId)
        .put("occurredAt", Instant.now().toString())
        .put("action", "UPLOAD")
        .put("userId", user)
        .put("mediaId", UUID.randomUUID().toString())
        .put("contentType", "image/jpeg")
        .put("contentLength", 1234);
    return new OutboxEntry(0, eventId, user, payload.encode(), Instant.now());
  }

  /** Reads the topic from the start until every one of {@code eventIds} has been seen. */
  private static Map<String, ConsumerRecord<String, String>> consume(List<String> eventIds) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    Map<String, ConsumerRecord<String, String>> byEventId = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = consumer.partitionsFor(config.topic(), Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          byEventId.put(header(record, KafkaEventPublisher.EVENT_ID_HEADER), record);
        }
        if (byEventId.keySet().containsAll(eventIds)) {
          return byEventId;
        }
      }
    }
    return fail("consumed " + byEventId.keySet() + ", missing some of " + eventIds);
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
