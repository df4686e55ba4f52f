package io.mediaedge.insights.it;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.HistoryEventJson;
import io.mediaedge.eventschema.ThumbnailResult;
import io.mediaedge.eventschema.ThumbnailResultJson;
import io.mediaedge.devstack.KafkaServer;
import io.mediaedge.insights.InsightsApp;
import io.mediaedge.insights.config.InsightsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one real Kafka broker every insights integration test of the run shares (they run in one
 * JVM), started once; each test class works on topics and a consumer group of its own, so their
 * figures never mix. Starts insights instances through the production composition root.
 */
final class InsightsStack {
  private static InsightsStack instance;

  private final KafkaServer kafka;
  private final Vertx vertx = Vertx.vertx();
  private final KafkaProducer<String, String> producer;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<InsightsApp> running = new CopyOnWriteArrayList<>();

  private InsightsStack() throws IOException {
    Path work = Path.of("target/insights-it");
    deleteTree(work);
    kafka = KafkaServer.fromDevstackDir(work.resolve("kafka")).start();
    producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "insights-stack-shutdown"));
  }

  static synchronized InsightsStack get() {
    if (instance == null) {
      try {
        instance = new InsightsStack();
      } catch (IOException e) {
        throw new IllegalStateException("the insights test stack did not start", e);
      }
    }
    return instance;
  }

  /**
   * A new history topic of the test's own, with {@code partitions} partitions: named after
   * {@code prefix} and a random suffix, so a rerun of a failed test starts from nothing.
   */
  String createTopic(String prefix, int partitions) throws Exception {
    return createNamedTopic(prefix + "." + UUID.randomUUID().toString().substring(0, 8), partitions);
  }

  /** A topic of exactly this name (one the test made unique already). */
  String createNamedTopic(String topic, int partitions) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    return topic;
  }

  /** Waits until {@code members} consumers of {@code group} hold partitions (a rebalance is over). */
  void awaitGroupMembers(String group, int members) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (Admin admin = admin()) {
      while (System.nanoTime() < deadline) {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups()
            .get(group).get(10, TimeUnit.SECONDS);
        long holding = description.members().stream()
            .filter(member -> !member.assignment().topicPartitions().isEmpty()).count();
        if (description.state() == ConsumerGroupState.STABLE && holding == members) {
          return;
        }
        Thread.sleep(100);
      }
    }
    throw new AssertionError("the group " + group + " did not settle with " + members + " members");
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  /** The configuration of an instance over the test's topics and group, publishing every 200 ms. */
  InsightsConfig config(String name, String historyTopic, String group) {
    return config(name, historyTopic, group, Map.of());
  }

  /**
   * The same with detection options ({@code detection.*} names without the prefix); advisories go
   * to the test's own topic, {@code historyTopic.advisories}, and steering reports are read from
   * {@code historyTopic.steering}.
   */
  InsightsConfig config(String name, String historyTopic, String group, Map<String, Object> detection) {
    return InsightsConfig.fromTree(Map.of(
        "kafka", Map.of("bootstrapServers", List.of(kafka.bootstrapServers()), "groupId", group,
            "historyTopic", historyTopic, "partialsTopic", historyTopic + ".partials", "partialsPartitions", 2,
            "advisoriesTopic", historyTopic + ".advisories", "steeringTopic", historyTopic + ".steering",
            "thumbnailsTopic", historyTopic + ".thumbnails"),
        "http", Map.of("host", "127.0.0.1", "port", 0),
        "slots", Map.of("publishInterval", "200ms"),
        "dedup", Map.of("window", 10_000),
        "instance", Map.of("name", name),
        "detection", detection), Map.of(), "test");
  }

  /** A consumer of every partition of an existing {@code topic}, from its start (no group). */
  KafkaConsumer<String, String> readFromStart(String topic) {
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(info -> new TopicPartition(topic, info.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  InsightsApp start(InsightsConfig config) throws Exception {
    InsightsApp app = InsightsApp.start(vertx, config).await(60, TimeUnit.SECONDS);
    running.add(app);
    return app;
  }

  void stop(InsightsApp app) throws Exception {
    running.remove(app);
    app.stop().await(60, TimeUnit.SECONDS);
  }

  /** Sends an event as the edge's relay does: key = user id, header eventId, JSON value. */
  void send(String topic, HistoryEvent event) {
    sendRaw(topic, event.userId(), event.eventId(), HistoryEventJson.encode(event));
  }

  /**
   * Sends a thumbnails worker's result to the thumbnails topic of {@code historyTopic} (as
   * {@link #config} names it), as the worker does: key = media id, JSON value.
   */
  void sendThumbnail(String historyTopic, ThumbnailResult result) {
    sendRaw(historyTopic + ".thumbnails", result.mediaId(), null, ThumbnailResultJson.encode(result));
  }

  void sendRaw(String topic, String key, String eventId, String value) {
    ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
    if (eventId != null) {
      record.headers().add("eventId", eventId.getBytes(StandardCharsets.UTF_8));
    }
    producer.send(record);
  }

  void flush() {
    producer.flush();
  }

  /** GET {@code path} of an instance: the status and the body as JSON (or text under "text"). */
  Answer get(InsightsApp app, String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + app.httpPort() + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    String body = response.body();
    JsonObject json = body.startsWith("{") ? new JsonObject(body) : new JsonObject().put("text", body);
    return new Answer(response.statusCode(), json);
  }

  /** GETs until {@code enough} holds or 45 s pass; the last answer either way. */
  Answer await(InsightsApp app, String path, Predicate<JsonObject> enough) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
    Answer answer = get(app, path);
    while (!enough.test(answer.json()) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      answer = get(app, path);
    }
    return answer;
  }

  record Answer(int status, JsonObject json) {}

  private synchronized void close() {
    for (InsightsApp app : running) {
      try {
        app.stop().await(20, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the JVM is exiting; the broker is stopped below regardless
      }
    }
    producer.close(Duration.ofSeconds(5));
    vertx.close();
    kafka.stop();
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
