package io.mediaedge.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.cassandra.CassandraClient;
import io.vertx.cassandra.CassandraClientOptions;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cassandra and Kafka launchers against the real servers, through the same Vert.x clients
 * media-edge uses. Self-contained: its own servers and data under {@code target/it-devstack},
 * wiped first, so every run measures a first start.
 */
class DevstackServersIT {

  private static final Logger LOG = LoggerFactory.getLogger(DevstackServersIT.class);
  private static final Path WORK = Path.of("target/it-devstack");
  private static final long TIMEOUT_S = 30;

  private static CassandraServer cassandra;
  private static KafkaServer kafka;
  private static Vertx vertx;

  @BeforeAll
  static void startBothInParallel() throws Exception {
    deleteRecursively(WORK);
    cassandra = CassandraServer.fromDevstackDir(WORK.resolve("cassandra"));
    kafka = KafkaServer.fromDevstackDir(WORK.resolve("kafka"));
    long t0 = System.nanoTime();
    CompletableFuture<CassandraServer> cassandraStarted = cassandra.startAsync();
    CompletableFuture<KafkaServer> kafkaStarted = kafka.startAsync();
    CompletableFuture.allOf(cassandraStarted, kafkaStarted).get(3, TimeUnit.MINUTES);
    LOG.info("Cassandra and Kafka started in parallel in {} ms (Cassandra {} ms, RSS {} MB; "
            + "Kafka {} ms, RSS {} MB)",
        Duration.ofNanos(System.nanoTime() - t0).toMillis(),
        cassandra.lastStartTime().toMillis(), rssMegabytes(cassandra.pid()),
        kafka.lastStartTime().toMillis(), rssMegabytes(kafka.pid()));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (vertx != null) {
      vertx.close().await(TIMEOUT_S, TimeUnit.SECONDS);
    }
    // Both drain for a few seconds on SIGTERM: stop them side by side too.
    CompletableFuture<Void> stopKafka = kafka == null ? CompletableFuture.completedFuture(null)
        : CompletableFuture.runAsync(kafka::stop, runnable -> new Thread(runnable, "stop-kafka").start());
    if (cassandra != null) {
      cassandra.stop();
    }
    stopKafka.get(1, TimeUnit.MINUTES);
  }

  @Test
  void cassandraRunsCql() throws Exception {
    assertTrue(cassandra.releaseVersion().startsWith("5.0."), cassandra.releaseVersion());
    CassandraClientOptions options = new CassandraClientOptions()
        .addContactPoint(cassandra.contactPoint());
    // The driver waits for schema agreement after each DDL and debounces the schema refresh
    // that follows it for 1 s by default; on a single node there is nothing to wait for.
    options.dataStaxClusterBuilder()
        .withLocalDatacenter(cassandra.localDatacenter())
        .withConfigLoader(DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(10))
            .build());
    CassandraClient client = CassandraClient.create(vertx, options);
    try {
      long t0 = System.nanoTime();
      client.execute("SELECT release_version FROM system.local").await(TIMEOUT_S, TimeUnit.SECONDS);
      long connected = System.nanoTime();
      client.execute("CREATE KEYSPACE IF NOT EXISTS devstack_it WITH replication = "
          + "{'class': 'SimpleStrategy', 'replication_factor': 1}").await(TIMEOUT_S, TimeUnit.SECONDS);
      client.execute("CREATE TABLE IF NOT EXISTS devstack_it.kv (k text PRIMARY KEY, v text)")
          .await(TIMEOUT_S, TimeUnit.SECONDS);
      LOG.info("Cassandra: the client connected in {} ms; CREATE KEYSPACE + CREATE TABLE took {} ms",
          Duration.ofNanos(connected - t0).toMillis(), Duration.ofNanos(System.nanoTime() - connected).toMillis());
      client.execute("INSERT INTO devstack_it.kv (k, v) VALUES ('hello', 'world')")
          .await(TIMEOUT_S, TimeUnit.SECONDS);
      List<Row> rows = client.executeWithFullFetch("SELECT v FROM devstack_it.kv WHERE k = 'hello'")
          .await(TIMEOUT_S, TimeUnit.SECONDS);
      assertEquals(1, rows.size());
      assertEquals("world", rows.get(0).getString("v"));
    } finally {
      client.close().await(TIMEOUT_S, TimeUnit.SECONDS);
    }
  }

  @Test
  void kafkaKeepsRecordsAndOffsetsAcrossARestartOnTheSamePort() throws Exception {
    String topic = "devstack-it";
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(TIMEOUT_S, TimeUnit.SECONDS);
      assertTrue(admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS).contains(topic));
    }

    produce(topic, "user-1", "event-1");
    assertEquals(List.of("event-1"), consume(topic, "group-a", 1));

    int port = kafka.port();
    kafka.stop();
    assertFalse(kafka.isRunning());
    kafka.start();
    assertEquals(port, kafka.port(), "a restarted broker keeps its port");
    LOG.info("Kafka restarted on port {} in {} ms", port, kafka.lastStartTime().toMillis());

    // The record survived (a new group reads from the beginning) ...
    assertEquals(List.of("event-1"), consume(topic, "group-b", 1));
    // ... and so did group-a's committed offset: it only sees what came after.
    produce(topic, "user-1", "event-2");
    assertEquals(List.of("event-2"), consume(topic, "group-a", 1));
  }

  private static void produce(String topic, String key, String value) throws Exception {
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx, Map.of(
        "bootstrap.servers", kafka.bootstrapServers(),
        "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "value.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "acks", "all",
        "enable.idempotence", "true"));
    try {
      producer.send(KafkaProducerRecord.create(topic, key, value)).await(TIMEOUT_S, TimeUnit.SECONDS);
    } finally {
      producer.close().await(TIMEOUT_S, TimeUnit.SECONDS);
    }
  }

  /** Polls until {@code count} values arrived, commits them for {@code group}, returns them. */
  private static List<String> consume(String topic, String group, int count) throws Exception {
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, Map.of(
        "bootstrap.servers", kafka.bootstrapServers(),
        "group.id", group,
        "auto.offset.reset", "earliest",
        "enable.auto.commit", "false",
        "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));
    try {
      consumer.subscribe(topic).await(TIMEOUT_S, TimeUnit.SECONDS);
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
      while (values.size() < count && System.nanoTime() < deadline) {
        KafkaConsumerRecords<String, String> records =
            consumer.poll(Duration.ofMillis(500)).await(TIMEOUT_S, TimeUnit.SECONDS);
        for (int i = 0; i < records.size(); i++) {
          values.add(records.recordAt(i).value());
        }
      }
      consumer.commit().await(TIMEOUT_S, TimeUnit.SECONDS);
      return values;
    } finally {
      consumer.close().await(TIMEOUT_S, TimeUnit.SECONDS);
    }
  }

  /** Resident memory of a process in MB from /proc (Linux), or -1 elsewhere. */
  private static long rssMegabytes(long pid) {
    try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
      return lines.filter(line -> line.startsWith("VmRSS:"))
          .map(line -> Long.parseLong(line.replaceAll("\\D", "")) / 1024)
          .findFirst().orElse(-1L);
    } catch (IOException | RuntimeException notLinux) {
      return -1;
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
