package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static io.mediaedge.it.HistoryFlowsIT.client;
import static io.mediaedge.it.HistoryFlowsIT.freshUser;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.LINKOPING_IP;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.LONDON_IP;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.MANCHESTER_IP;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.NUREMBERG_IP;
import static io.mediaedge.testing.mmdb.TestGeoDatabases.SEOUL_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.mediaedge.config.SteeringConfig;
import io.mediaedge.devstack.KafkaServer;
import io.mediaedge.eventschema.Advisory;
import io.mediaedge.eventschema.Advisory.Signal;
import io.mediaedge.eventschema.AdvisoryJson;
import io.mediaedge.eventschema.SteeringReport;
import io.mediaedge.eventschema.SteeringReportJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Following ISP advisories end to end: advisories published to the real Kafka topic change
 * {@code GET /v1/edge} of a media-edge that follows them, for clients of that (country, ASN) only,
 * until they lapse or are cleared; the routes file's own entry for an ASN wins, and the kill
 * switch file turns every override off. Clients of a given network are made with
 * {@code CF-Connecting-IP} from a trusted (loopback) proxy and the test GeoIP databases.
 */
class SteeringIT {
  private static final String TOPIC = SteeringConfig.DEFAULT_TOPIC;
  private static final String ALTERNATIVE = "upload-direct-eu.example.com";
  /** Well past how long a followed advisory takes to show; an assertion below says how long it took. */
  private static final Duration SECONDS = Duration.ofSeconds(10);

  private static TestStack stack;
  private static Path work;
  private static Path killSwitch;
  private static KafkaProducer<String, String> producer;
  private static EdgeServer following;
  private static EdgeClient client;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    work = Files.createDirectories(Path.of("target/it/steering"));
    killSwitch = work.resolve("steering-off");
    Files.deleteIfExists(killSwitch);
    Path routes = work.resolve("routes.yaml");
    Files.writeString(routes, """
        defaults: {host: upload-eu.example.com, proxied: true, ttlSeconds: 300}
        rules:
          - {name: kr-skb-direct, countries: [KR], asns: [AS9318], host: upload-direct-ap.example.com, proxied: false}
          - {name: britain, countries: [GB], host: upload-uk.example.com}
        """);
    createTopic(TOPIC);
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.dev().kafka().bootstrapServers(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    // Raised before the server starts: a (re)started instance reads the last ttl of the topic back.
    publish(raised("DE", "24940", Instant.now()));
    following = stack.startServer(settings(routes, "2m"));
    client = client(following, HttpClient.Version.HTTP_2);
    token = stack.token(freshUser("steering"));
    HistoryFlowsIT.poll(() -> metrics(client), m -> m.contains("media_edge_steering_following 1.0"), SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServer(following);
    producer.close();
    Files.deleteIfExists(killSwitch);
  }

  private static JsonObject settings(Path routes, String ttl) {
    return new JsonObject()
        .put("edge", new JsonObject()
            .put("trustedProxies", new JsonArray().add("127.0.0.1/32").add("::1/128"))
            .put("routesFile", routes.toString())
            .put("reloadCheckInterval", "200ms"))
        .put("steering", new JsonObject()
            .put("enabled", true)
            .put("alternativeHost", ALTERNATIVE)
            .put("ttl", ttl)
            .put("killSwitchFile", killSwitch.toString()));
  }

  private static void createTopic(String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        stack.dev().kafka().bootstrapServers()))) {
      // Three partitions: the follower must assign itself every one of them.
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  static Advisory advisory(Advisory.State state, String country, String asn, Instant issuedAt) {
    return new Advisory(UUID.randomUUID().toString(), issuedAt, state, country, asn, "ISP " + asn,
        state == Advisory.State.RAISED ? List.of(Signal.ERROR_RATE, Signal.P95_LATENCY) : List.of(), 300,
        new Advisory.Evidence(4200, 0.31, 0.01, 0.012, 2400, 350, 380, -1, -1, -1));
  }

  static Advisory raised(String country, String asn, Instant issuedAt) {
    return advisory(Advisory.State.RAISED, country, asn, issuedAt);
  }

  private static void publish(Advisory advisory) throws Exception {
    publish(advisory.key(), AdvisoryJson.encode(advisory));
  }

  private static void publish(String key, String value) throws Exception {
    producer.send(new ProducerRecord<>(TOPIC, key, value)).get();
  }

  private static void publish(String topic, Advisory advisory) throws Exception {
    producer.send(new ProducerRecord<>(topic, advisory.key(), AdvisoryJson.encode(advisory))).get();
  }

  private static JsonObject route(EdgeClient edge, String clientIp) {
    return json(edge.get("/v1/edge", token, "CF-Connecting-IP", clientIp)).getJsonObject("route");
  }

  private static String metrics(EdgeClient edge) {
    return new String(edge.get("/metrics", null).body(), StandardCharsets.UTF_8);
  }

  /** Polls until the client's route has that reason; returns it and asserts it came within {@link #SECONDS}. */
  private static JsonObject awaitReason(EdgeClient edge, String clientIp, String reason) throws Exception {
    return HistoryFlowsIT.poll(() -> route(edge, clientIp), r -> reason.equals(r.getString("reason")), SECONDS);
  }

  @Test
  void aRaisedAdvisorySteersThatNetworkWithinSecondsAndNoOtherUntilItIsCleared() throws Exception {
    JsonObject before = route(client, LONDON_IP);
    assertEquals("rule", before.getString("reason"));
    assertEquals("britain", before.getString("rule"));

    Advisory raised = raised("GB", "20712", Instant.now());
    long sent = System.nanoTime();
    publish(raised);
    JsonObject steered = awaitReason(client, LONDON_IP, "advisory");
    Duration took = Duration.ofNanos(System.nanoTime() - sent);
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "followed within seconds, took " + took);
    assertEquals(ALTERNATIVE, steered.getString("host"));
    assertEquals("advisory", steered.getString("rule"));
    assertEquals(false, steered.getBoolean("proxied"));
    assertEquals("https://" + ALTERNATIVE + "/v1/media", steered.getString("uploadUrl"));
    assertTrue(steered.getLong("ttlSeconds") <= 120, "never kept past the override: " + steered);
    JsonObject why = steered.getJsonObject("advisory");
    assertEquals(raised.advisoryId(), why.getString("id"));
    assertEquals(new JsonArray().add("ERROR_RATE").add("P95_LATENCY"), why.getJsonArray("signals"));
    assertEquals("britain", why.getString("instead"), "a country-only rule yields to an advisory");

    JsonObject neighbour = route(client, MANCHESTER_IP);
    assertEquals("rule", neighbour.getString("reason"), "another ISP of the same country is not steered");
    assertEquals("upload-uk.example.com", neighbour.getString("host"));

    publish(advisory(Advisory.State.CLEARED, "GB", "20712", Instant.now()));
    JsonObject cleared = awaitReason(client, LONDON_IP, "rule");
    assertEquals("upload-uk.example.com", cleared.getString("host"));
    String metrics = metrics(client);
    assertTrue(metrics.contains("media_edge_steering_overrides_total{country=\"GB\",outcome=\"applied\"} 1.0"), metrics);
    assertTrue(metrics.contains("media_edge_steering_overrides_total{country=\"GB\",outcome=\"cleared\"} 1.0"), metrics);
    assertTrue(metrics.contains("media_edge_route_hints_total{host=\"" + ALTERNATIVE + "\",rule=\"advisory\"}"),
        metrics);
  }

  @Test
  void anAdvisoryRaisedBeforeTheStartIsFollowedFromTheTopicsLastTtl() throws Exception {
    JsonObject steered = awaitReason(client, NUREMBERG_IP, "advisory");
    assertEquals(ALTERNATIVE, steered.getString("host"));
    assertEquals("default", steered.getJsonObject("advisory").getString("instead"));
  }

  @Test
  void theInstanceReportsWhatItSteersToTheReportTopic() {
    SteeringReport report = awaitReport(r -> steers(r, "DE/24940"));
    assertEquals(following.config().server().region(), report.region());
    assertEquals(ALTERNATIVE, report.alternativeHost());
    assertEquals(SteeringConfig.DEFAULT_MAX_STEERED_NETWORKS, report.maxSteeredNetworks());
    SteeringReport.Steered de = report.steered().stream().filter(s -> s.networkKey().equals("DE/24940")).findFirst()
        .orElseThrow();
    assertEquals("ISP 24940", de.isp());
    assertTrue(de.until().isAfter(report.reportedAt()) && !de.until().isAfter(de.since().plus(Duration.ofMinutes(2))),
        "the override lasts at most the ttl (2m) from when it was issued: " + de);
  }

  private static boolean steers(SteeringReport report, String network) {
    return report.steered().stream().anyMatch(s -> s.networkKey().equals(network));
  }

  /** Reads the report topic from its start until a report of the steering server matches; fails after a while. */
  private static SteeringReport awaitReport(Predicate<SteeringReport> wanted) {
    try (KafkaConsumer<String, String> reports = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.dev().kafka().bootstrapServers(),
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
      long deadline = System.nanoTime() + SECONDS.toNanos();
      List<TopicPartition> partitions = List.of();
      while (partitions.isEmpty() && System.nanoTime() < deadline) {
        partitions = reports.partitionsFor(SteeringConfig.DEFAULT_REPORT_TOPIC, Duration.ofSeconds(2)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      }
      reports.assign(partitions);
      reports.seekToBeginning(partitions);
      SteeringReport last = null;
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : reports.poll(Duration.ofMillis(200))) {
          SteeringReport report = SteeringReportJson.decode(record.value());
          assertEquals(report.key(), record.key(), "reports are keyed region/instance");
          if (wanted.test(report)) {
            return report;
          }
          last = report;
        }
      }
      throw new AssertionError("no matching steering report within " + SECONDS + "; the last one: " + last);
    }
  }

  @Test
  void aFileRuleNamingTheAsnWinsOverAnAdvisory() throws Exception {
    publish(raised("KR", "9318", Instant.now()));
    HistoryFlowsIT.poll(() -> metrics(client),
        m -> m.contains("media_edge_steering_overrides_total{country=\"KR\",outcome=\"applied\"} 1.0"), SECONDS);
    JsonObject route = route(client, SEOUL_IP);
    assertEquals("rule", route.getString("reason"));
    assertEquals("kr-skb-direct", route.getString("rule"));
    assertEquals("upload-direct-ap.example.com", route.getString("host"));
    assertNull(route.getJsonObject("advisory"));
  }

  @Test
  void theKillSwitchFileTurnsEveryOverrideOffAndRemovingItTurnsThemBackOn() throws Exception {
    publish(raised("SE", "29518", Instant.now()));
    awaitReason(client, LINKOPING_IP, "advisory");

    Path next = Files.writeString(work.resolve("steering-off.next"), "incident 4711: steering off\n");
    Files.move(next, killSwitch, StandardCopyOption.ATOMIC_MOVE);
    long touched = System.nanoTime();
    JsonObject held = awaitReason(client, LINKOPING_IP, "default");
    Duration took = Duration.ofNanos(System.nanoTime() - touched);
    assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "the switch holds within a second or so, took " + took);
    assertEquals("upload-eu.example.com", held.getString("host"));
    String metrics = metrics(client);
    assertTrue(metrics.contains("media_edge_steering_kill_switch 1.0"), metrics);
    assertTrue(metrics.contains("media_edge_steering_kill_switch_suppressed_total{country=\"SE\"}"), metrics);
    SteeringReport reported = awaitReport(SteeringReport::killSwitch);
    assertTrue(steers(reported, "SE/29518"), "the switch is reported at once, with what it holds back: " + reported);

    Files.delete(killSwitch);
    assertEquals(ALTERNATIVE, awaitReason(client, LINKOPING_IP, "advisory").getString("host"),
        "the override was held back, not forgotten");
    assertTrue(metrics(client).contains("media_edge_steering_kill_switch 0.0"));
  }

  @Test
  void aRecordThatIsNotAnAdvisoryIsCountedAndSkipped() throws Exception {
    publish("FR/3215", "this is not an advisory");
    publish("FR/3215", "{\"schemaVersion\": 99, \"advisoryId\": \"from-the-future\"}");
    publish(raised("FR", "3215", Instant.now()));
    String metrics = HistoryFlowsIT.poll(() -> metrics(client),
        m -> m.contains("media_edge_steering_overrides_total{country=\"FR\",outcome=\"applied\"} 1.0"), SECONDS);
    assertTrue(metrics.contains("media_edge_steering_advisories_undecodable_total 2.0"), metrics);
  }

  @Test
  void everyInstanceFollowsEveryAdvisoryAndAnOverrideLapsesAfterItsTtl() throws Exception {
    EdgeServer shortLived = stack.startServer(settings(work.resolve("routes.yaml"), "3s"));
    try {
      EdgeClient edge = client(shortLived, HttpClient.Version.HTTP_2);
      HistoryFlowsIT.poll(() -> metrics(edge), m -> m.contains("media_edge_steering_following 1.0"), SECONDS);
      // The test's own loopback address is this client: NZ, AS64500 in the test databases.
      Instant issued = Instant.now();
      publish(raised("NZ", "64500", issued));
      assertEquals(ALTERNATIVE, awaitReason(edge, "127.0.0.1", "advisory").getString("host"));
      assertEquals("advisory", awaitReason(client, "127.0.0.1", "advisory").getString("rule"),
          "the other instance follows the same advisory: no consumer group shares it out");

      JsonObject lapsed = awaitReason(edge, "127.0.0.1", "default");
      Duration after = Duration.between(issued, Instant.now());
      assertTrue(after.compareTo(Duration.ofMillis(2900)) >= 0, "not before its 3 s ttl: " + after);
      assertEquals("upload-eu.example.com", lapsed.getString("host"));
      HistoryFlowsIT.poll(() -> metrics(edge),
          m -> m.contains("media_edge_steering_overrides_total{country=\"NZ\",outcome=\"expired\"} 1.0"), SECONDS);
      assertTrue(metrics(edge).contains("media_edge_steering_overrides_active 0.0"));
      assertEquals("advisory", route(client, "127.0.0.1").getString("reason"), "its 2 min ttl is still running");
    } finally {
      stack.stopServer(shortLived);
    }
  }

  @Test
  void kafkaDownAtTheStartFailsNothingAndTheTopicIsFollowedOnceItIsThere() throws Exception {
    // A topic of its own, so what this test publishes reaches no other test's server.
    String topic = "media.advisories.outage-" + UUID.randomUUID().toString().substring(0, 8);
    KafkaServer kafka = stack.dev().kafka();
    EdgeServer late = null;
    kafka.stop();
    try {
      JsonObject settings = settings(work.resolve("routes.yaml"), "2m");
      settings.getJsonObject("steering").put("topic", topic);
      late = stack.startServer(settings);
      EdgeClient edge = client(late, HttpClient.Version.HTTP_2);
      assertEquals("britain", route(edge, LONDON_IP).getString("rule"), "the file answers while Kafka is away");
      assertTrue(metrics(edge).contains("media_edge_steering_following 0.0"));
      kafka.start();
      Thread.sleep(3_000); // the follower now finds Kafka but no topic, and keeps trying
      assertTrue(metrics(edge).contains("media_edge_steering_following 0.0"));
      createTopic(topic);
      HistoryFlowsIT.poll(() -> metrics(edge), m -> m.contains("media_edge_steering_following 1.0"),
          Duration.ofSeconds(30));
      publish(topic, raised("GB", "20712", Instant.now()));
      assertEquals(ALTERNATIVE, awaitReason(edge, LONDON_IP, "advisory").getString("host"));
    } finally {
      kafka.start();
      if (late != null) {
        stack.stopServer(late);
      }
    }
  }
}
