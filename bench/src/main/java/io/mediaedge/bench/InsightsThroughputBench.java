package io.mediaedge.bench;

import io.mediaedge.devstack.KafkaServer;
import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.HistoryEventJson;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.insights.InsightsApp;
import io.mediaedge.insights.config.InsightsConfig;
import io.mediaedge.insights.query.Window;
import io.mediaedge.insights.slots.Aggregate;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What one insights instance sustains, and what a day of its slots costs (issue 13: at least
 * 50,000 events/s on this machine). Two phases, one JVM:
 *
 * <ol>
 *   <li><b>Throughput</b>: {@code --events} history events of realistic cardinality (200
 *       countries, {@code --networks} (country, ASN) networks, 200 PoPs, 10 regions, 24 content
 *       types, four actions, four failure codes; skewed like real traffic) are produced onto a
 *       fresh history topic of 6 partitions on the real Kafka, spread over the last 50 minutes.
 *       Then one insights instance starts on it and the clock runs until the API's global view
 *       (what has been consumed, counted, published as partials in a transaction with the offsets,
 *       and read back) holds every event: events / that time is the sustained rate.</li>
 *   <li><b>Memory for 24 h</b>: 1,440 one-minute slots are filled with {@code --per-slot} events
 *       each of the same cardinality (every network seen every minute, as at a high rate) and the
 *       heap they keep alive after GC is measured. A slot's size grows with the distinct keys and
 *       latency buckets it sees, not with its event count, so this is what a day at the measured
 *       rate costs.</li>
 * </ol>
 */
public final class InsightsThroughputBench {
  private static final String USAGE = """
      bench/insights-throughput.sh [--events N] [--networks N] [--per-slot N] [--results DIR] [--quick]
        --events N      events for the throughput phase (default 3,000,000; --quick 500,000)
        --networks N    distinct (country, ASN) networks (default 5,000)
        --per-slot N    events per slot in the 24-hour memory phase (default 60,000; --quick 20,000)
        --results DIR   where the result JSON goes (default bench/results)""";

  public static void main(String[] args) throws Exception {
    int events = 3_000_000;
    int networks = 5_000;
    int perSlot = 60_000;
    Path results = Path.of("bench/results");
    BenchArgs in = new BenchArgs(args);
    while (in.hasNext()) {
      String option = in.next();
      switch (option) {
        case "--events" -> events = in.wholeNumber(option);
        case "--networks" -> networks = in.wholeNumber(option);
        case "--per-slot" -> perSlot = in.wholeNumber(option);
        case "--results" -> results = Path.of(in.value(option));
        case "--quick" -> {
          events = 500_000;
          perSlot = 20_000;
        }
        case "--help" -> {
          System.out.println(USAGE);
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
      }
    }
    BenchRun run = new BenchRun("insights-throughput");
    Traffic traffic = new Traffic(networks, new Random(42));
    JsonObject result = new JsonObject().put("machine", BenchFigures.machine())
        .put("heapMaxMiB", Runtime.getRuntime().maxMemory() >> 20)
        .put("cardinality", new JsonObject().put("countries", Traffic.COUNTRIES).put("networks", networks)
            .put("pops", Traffic.POPS).put("regions", Traffic.REGIONS).put("contentTypes", Traffic.TYPES));
    result.put("throughput", throughput(traffic, events));
    result.put("memory24h", memoryForADay(traffic, perSlot));
    Path file = run.writeResult(results, result);
    System.out.println(result.encodePrettily());
    System.out.println("written to " + file);
  }

  private static JsonObject throughput(Traffic traffic, int events) throws Exception {
    KafkaServer kafka = KafkaServer.fromDevstackDir(Path.of("target/bench-insights/kafka")).start();
    Vertx vertx = Vertx.vertx();
    try {
      String topic = "media.history.bench." + UUID.randomUUID().toString().substring(0, 8);
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      long producedNanos = produce(kafka.bootstrapServers(), topic, traffic, events);
      System.out.printf("produced %,d events in %.1f s%n", events, BenchFigures.seconds(producedNanos));
      InsightsConfig config = InsightsConfig.fromTree(Map.of(
          "kafka", Map.of("bootstrapServers", List.of(kafka.bootstrapServers()), "groupId", "bench-" + topic,
              "historyTopic", topic, "partialsTopic", topic + ".partials"),
          "http", Map.of("host", "127.0.0.1", "port", 0),
          "instance", Map.of("name", "bench")), Map.of(), "bench");
      long started = System.nanoTime();
      long cpuBefore = BenchFigures.processCpuNanos();
      InsightsApp app = InsightsApp.start(vertx, config).await(60, TimeUnit.SECONDS);
      long counted = 0;
      long lastReport = started;
      while (counted < events) {
        Thread.sleep(200);
        counted = app.queries().summary(new Window(60)).events();
        if (System.nanoTime() - lastReport > 5_000_000_000L) {
          lastReport = System.nanoTime();
          System.out.printf("  %,d of %,d counted after %.1f s%n", counted, events,
              BenchFigures.seconds(lastReport - started));
        }
        if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(15)) {
          throw new IllegalStateException("only " + counted + " of " + events + " counted after 15 minutes");
        }
      }
      long tookNanos = System.nanoTime() - started;
      long cpu = BenchFigures.processCpuNanos() - cpuBefore;
      app.stop().await(60, TimeUnit.SECONDS);
      double rate = events / BenchFigures.seconds(tookNanos);
      System.out.printf("insights counted %,d events in %.1f s: %,.0f events/s (JVM CPU %.1f s)%n", events,
          BenchFigures.seconds(tookNanos), rate, BenchFigures.seconds(cpu));
      return new JsonObject().put("events", events).put("produceSeconds", BenchFigures.round(
          BenchFigures.seconds(producedNanos), 2)).put("countSeconds", BenchFigures.round(
          BenchFigures.seconds(tookNanos), 2)).put("eventsPerSecond", Math.round(rate))
          .put("processCpuSeconds", BenchFigures.round(BenchFigures.seconds(cpu), 1))
          .put("note", "from instance start (partials topic read, group joined) until the API's global view held"
              + " every event; the producer had finished before");
    } finally {
      vertx.close().await(20, TimeUnit.SECONDS);
      kafka.close();
    }
  }

  private static long produce(String bootstrap, String topic, Traffic traffic, int events) throws Exception {
    Map<String, Object> settings = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    long started = System.nanoTime();
    Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(50, ChronoUnit.MINUTES);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings)) {
      for (int i = 0; i < events; i++) {
        HistoryEvent event = traffic.next(base.plusMillis((long) i * 50 * 60_000 / events));
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, event.userId(),
            HistoryEventJson.encode(event));
        record.headers().add("eventId", event.eventId().getBytes(StandardCharsets.UTF_8));
        producer.send(record);
      }
      producer.flush();
    }
    return System.nanoTime() - started;
  }

  private static JsonObject memoryForADay(Traffic traffic, int perSlot) {
    long before = usedHeapAfterGc();
    List<Aggregate> day = new ArrayList<>(1_440);
    Instant base = Instant.parse("2026-05-01T00:00:00Z");
    long started = System.nanoTime();
    for (int minute = 0; minute < 1_440; minute++) {
      Aggregate slot = new Aggregate();
      Instant at = base.plus(minute, ChronoUnit.MINUTES);
      for (int i = 0; i < perSlot; i++) {
        slot.add(traffic.next(at));
      }
      slot.trim();
      day.add(slot);
      if (minute % 240 == 239) {
        System.out.printf("  %d slots filled (%.0f s)%n", minute + 1, BenchFigures.seconds(System.nanoTime() - started));
      }
    }
    long used = usedHeapAfterGc() - before;
    long networksPerSlot = day.get(day.size() - 1).networkCount();
    System.out.printf("24 h of slots: %,d MiB on the heap (%,d KiB per slot, %,d networks each)%n", used >> 20,
        (used / 1_440) >> 10, networksPerSlot);
    return new JsonObject().put("slots", day.size()).put("eventsPerSlot", perSlot)
        .put("networksPerSlot", networksPerSlot).put("heapMiB", used >> 20).put("perSlotKiB", (used / 1_440) >> 10)
        .put("note", "heap kept alive by 1,440 filled slots after GC; counts are numbers, so more events per"
            + " minute add only latency and length buckets not yet seen");
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Events of realistic cardinality and skew: a few networks carry most of the traffic. */
  private static final class Traffic {
    static final int COUNTRIES = 200;
    static final int POPS = 200;
    static final int REGIONS = 10;
    static final int TYPES = 24;
    private static final String[] FAILURES = {"UPLOAD_INCOMPLETE", "REQUEST_TIMEOUT", "MEDIA_TOO_LARGE",
        "STORAGE_ERROR"};
    private final Random random;
    private final Origin[] origins;
    private final String[] types = new String[TYPES];
    private long sequence;

    Traffic(int networks, Random random) {
      this.random = random;
      origins = new Origin[networks];
      for (int n = 0; n < networks; n++) {
        int c = n % COUNTRIES;
        String country = "" + (char) ('A' + c / 26) + (char) ('A' + c % 26);
        origins[n] = new Origin("region-" + (n % REGIONS), "P" + (n % POPS), country, "", "" + (10_000 + n),
            "ISP " + n, "", Map.of());
      }
      for (int t = 0; t < TYPES; t++) {
        types[t] = (t % 3 == 0 ? "video/" : t % 3 == 1 ? "image/" : "audio/") + "type" + t;
      }
    }

    HistoryEvent next(Instant at) {
      Origin origin = origins[(int) (Math.pow(random.nextDouble(), 2.5) * origins.length)];
      String type = types[random.nextInt(TYPES)];
      long latency = 20 + (long) (random.nextDouble() * random.nextDouble() * 30_000);
      long bytes = (long) Math.exp(8 + random.nextDouble() * 12);
      int kind = random.nextInt(100);
      String id = Long.toHexString(++sequence) + "-" + Long.toHexString(random.nextLong());
      String user = "user-" + random.nextInt(100_000);
      return kind < 60 ? HistoryEvent.upload(id, at, user, id, type, bytes, "", latency, origin)
          : kind < 85 ? HistoryEvent.download(id, at, user, id, type, bytes, "", kind < 80 ? 200 : 206, latency, origin)
          : kind < 95 ? HistoryEvent.delete(id, at, user, id, type, bytes, "", latency, origin)
          : HistoryEvent.failed(id, at, user, null, type, bytes, FAILURES[kind % 4], latency, origin);
    }
  }
}
