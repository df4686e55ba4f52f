package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import io.mediaedge.config.GeoConfig;
import io.mediaedge.edge.geo.GeoAnswer;
import io.mediaedge.edge.geo.GeoLocator;
import io.mediaedge.edge.geo.MmdbRecord;
import io.mediaedge.testing.mmdb.MmdbWriter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * What one GeoIP lookup costs: nanoseconds per lookup through the MaxMind reader alone, through
 * {@link GeoLocator} without its per-address cache, and through the cache (a hot set of addresses).
 *
 * <p>Databases: a synthetic GeoLite2-City and GeoLite2-ASN pair of realistic size written with
 * {@link MmdbWriter} (by default 300,000 networks each, 30,000 distinct cities with names in eight
 * languages, 40,000 AS organizations), and the real DB-IP Lite country database when dev mode has
 * fetched it ({@code target/geoip/dbip-country.mmdb}). Single thread; lookups are timed in batches
 * (nanoTime around each batch), after warm-up rounds, over several rounds; the figures are the
 * median, p90 and p99 of the per-batch cost per lookup. Result JSON goes to
 * {@code bench/results/geoip-<UTC time>.json}. Run it with {@code bench/geoip.sh}.
 */
public final class GeoLookupBench {
  static final String USAGE = """
      Usage: bench/geoip.sh [options]
        --networks N         networks in each synthetic database (default 300000)
        --cities N           distinct city records in the synthetic City database (default 30000)
        --asns N             distinct AS records in the synthetic ASN database (default 40000)
        --batch N            lookups per timed batch (default 1000)
        --batches N          batches per round (default 200)
        --rounds N           recorded rounds (default 5)
        --warmup N           unrecorded warm-up rounds (default 3)
        --hot-set N          distinct addresses in the cached run (default 10000)
        --seed N             random seed (default 42)
        --dbip FILE          a DB-IP Lite country .mmdb (default target/geoip/dbip-country.mmdb if present)
        --no-dbip            skip the DB-IP scenario
        --work DIR           where the synthetic databases are written (default target/bench-geoip)
        --results DIR        where the JSON result goes (default bench/results)
      """;
  private static final List<String> LANGUAGES = List.of("de", "en", "es", "fr", "ja", "pt-BR", "ru", "zh-CN");
  private static final int ADDRESS_POOL = 1 << 18;

  record Options(int networks, int cities, int asns, int batch, int batches, int rounds, int warmup, int hotSet,
      long seed, Optional<Path> dbip, Path work, Path results) {
    static Options parse(String[] args) {
      Map<String, String> values = new LinkedHashMap<>();
      boolean noDbip = false;
      BenchArgs in = new BenchArgs(args);
      while (in.hasNext()) {
        String a = in.next();
        if (a.equals("-h") || a.equals("--help")) {
          throw new BenchOptions.UsageException(null);
        } else if (a.equals("--no-dbip")) {
          noDbip = true;
        } else if (a.startsWith("--") && in.hasNext()) {
          values.put(a.substring(2), in.next());
        } else {
          throw new IllegalArgumentException("unknown option or missing value: " + a);
        }
      }
      Path defaultDbip = Path.of("target/geoip/dbip-country.mmdb");
      Optional<Path> dbip = noDbip ? Optional.empty()
          : values.containsKey("dbip") ? Optional.of(Path.of(values.remove("dbip")))
          : Files.isRegularFile(defaultDbip) ? Optional.of(defaultDbip) : Optional.empty();
      Options options = new Options(count(values, "networks", 300_000), count(values, "cities", 30_000),
          count(values, "asns", 40_000), count(values, "batch", 1000), count(values, "batches", 200),
          count(values, "rounds", 5), count(values, "warmup", 3), count(values, "hot-set", 10_000),
          Long.parseLong(values.getOrDefault("seed", "42")), dbip,
          Path.of(values.getOrDefault("work", "target/bench-geoip")),
          Path.of(values.getOrDefault("results", "bench/results")));
      values.keySet().removeAll(List.of("networks", "cities", "asns", "batch", "batches", "rounds", "warmup",
          "hot-set", "seed", "work", "results"));
      if (!values.isEmpty()) {
        throw new IllegalArgumentException("unknown option --" + values.keySet().iterator().next());
      }
      if (options.dbip().isPresent() && !Files.isRegularFile(options.dbip().get())) {
        throw new IllegalArgumentException("--dbip " + options.dbip().get() + " is not a file");
      }
      return options;
    }

    private static int count(Map<String, String> values, String name, int fallback) {
      String text = values.getOrDefault(name, String.valueOf(fallback)).replace("_", "").replace(",", "");
      try {
        int value = Integer.parseInt(text);
        if (value < 1) {
          throw new NumberFormatException();
        }
        return value;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + " takes a whole number above 0, got " + text);
      }
    }
  }

  private final Options options;
  private final JsonObject result = new JsonObject();
  private long blackhole;

  private GeoLookupBench(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (BenchOptions.UsageException help) {
      System.out.print(USAGE);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("geoip: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    System.exit(new GeoLookupBench(options).run(args));
  }

  private int run(String[] args) throws Exception {
    Instant started = Instant.now();
    result.put("benchmark", "geoip").put("startedAt", started.toString())
        .put("arguments", new JsonArray(List.of((Object[]) args)))
        .put("machine", MachineFacts.describe())
        .put("settings", new JsonObject().put("batch", options.batch()).put("batchesPerRound", options.batches())
            .put("rounds", options.rounds()).put("warmupRounds", options.warmup()).put("hotSet", options.hotSet())
            .put("seed", options.seed()).put("addressPool", ADDRESS_POOL)
            .put("figures", "nanoseconds per lookup, per timed batch; median, p90, p99 and max over all recorded"
                + " batches"));
    Files.createDirectories(options.work());
    JsonArray scenarios = new JsonArray();
    Vertx vertx = Vertx.vertx();
    try {
      Synthetic synthetic = buildSynthetic();
      scenarios.add(scenario("GeoLite2-City + GeoLite2-ASN shaped (synthetic, MmdbWriter)",
          new GeoConfig(Optional.empty(), Optional.of(synthetic.city()), Optional.of(synthetic.asn()), 0,
              GeoConfig.DEFAULT_RELOAD_CHECK_INTERVAL),
          synthetic.city(), synthetic.addresses(), vertx)
          .put("database", synthetic.facts()));
      if (options.dbip().isPresent()) {
        Path dbip = options.dbip().get();
        scenarios.add(scenario("DB-IP Lite country (real, " + dbip.getFileName() + ")",
            new GeoConfig(Optional.of(dbip), Optional.empty(), Optional.empty(), 0,
                GeoConfig.DEFAULT_RELOAD_CHECK_INTERVAL),
            dbip, publicIpv4Addresses(new SplittableRandom(options.seed())), vertx)
            .put("database", new JsonObject().put("file", dbip.toString()).put("bytes", Files.size(dbip))));
      }
    } finally {
      vertx.close().await();
    }
    result.put("scenarios", scenarios).put("finishedAt", Instant.now().toString())
        .put("blackhole", blackhole);
    result.getJsonObject("machine").put("loadAverageAtEnd", Proc.loadAverage());
    Path file = BenchFigures.resultFile(options.results(), "geoip", started);
    Files.createDirectories(options.results());
    Files.writeString(file, result.encodePrettily() + "\n", StandardCharsets.UTF_8);
    printTable(file);
    return 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Databases

  private record Synthetic(Path city, Path asn, InetAddress[] addresses, JsonObject facts) {}

  /** Random IPv4 networks (/16 to /24, mostly /24), each mapped to a City and an ASN record. */
  private Synthetic buildSynthetic() throws IOException {
    SplittableRandom random = new SplittableRandom(options.seed());
    List<Map<String, Object>> cities = new ArrayList<>();
    for (int i = 0; i < options.cities(); i++) {
      cities.add(cityRecord(i, random));
    }
    List<Map<String, Object>> asns = new ArrayList<>();
    for (int i = 0; i < options.asns(); i++) {
      asns.add(Map.of("autonomous_system_number", 1000 + i,
          "autonomous_system_organization", "Example Network " + i + " Ltd"));
    }
    long t = System.nanoTime();
    MmdbWriter city = new MmdbWriter("GeoLite2-City", 6).languages(LANGUAGES.toArray(String[]::new));
    MmdbWriter asn = new MmdbWriter("GeoLite2-ASN", 6);
    int[] bases = new int[options.networks()];
    int[] prefixes = new int[options.networks()];
    for (int i = 0; i < options.networks(); i++) {
      int roll = random.nextInt(100);
      int prefix = roll < 70 ? 24 : roll < 85 ? 22 : roll < 95 ? 20 : 16;
      int base = (1 + random.nextInt(222)) << 24 | random.nextInt(1 << 24);
      base &= -(1 << (32 - prefix));
      bases[i] = base;
      prefixes[i] = prefix;
      InetAddress network = ipv4(base);
      city.put(network, prefix, cities.get(random.nextInt(cities.size())));
      asn.put(network, prefix, asns.get(random.nextInt(asns.size())));
    }
    Path cityFile = options.work().resolve("GeoLite2-City-synthetic.mmdb");
    Path asnFile = options.work().resolve("GeoLite2-ASN-synthetic.mmdb");
    city.write(cityFile);
    asn.write(asnFile);
    long buildMs = (System.nanoTime() - t) / 1_000_000;
    InetAddress[] addresses = new InetAddress[ADDRESS_POOL];
    for (int i = 0; i < addresses.length; i++) {
      int n = random.nextInt(bases.length);
      addresses[i] = ipv4(bases[n] | random.nextInt(1 << (32 - prefixes[n])));
    }
    say("synthetic databases: %,d networks, %,d cities, %,d ASNs; City %,d bytes, ASN %,d bytes; built in %,d ms",
        options.networks(), options.cities(), options.asns(), Files.size(cityFile), Files.size(asnFile), buildMs);
    JsonObject facts = new JsonObject().put("networks", options.networks()).put("distinctCities", options.cities())
        .put("distinctAsns", options.asns()).put("cityBytes", Files.size(cityFile))
        .put("asnBytes", Files.size(asnFile)).put("buildMs", buildMs)
        .put("addresses", "IPv4, uniformly from the inserted networks (every lookup finds a record)");
    return new Synthetic(cityFile, asnFile, addresses, facts);
  }

  /** A record shaped like GeoLite2-City's: names in eight languages, location, subdivision. */
  private static Map<String, Object> cityRecord(int i, SplittableRandom random) {
    String code = "" + (char) ('A' + i % 26) + (char) ('A' + (i / 26) % 26);
    Map<String, Object> country = Map.of("geoname_id", 100_000 + i % 250, "iso_code", code,
        "names", names("Country " + code));
    return Map.of(
        "city", Map.of("geoname_id", 1_000_000 + i, "names", names("City " + i)),
        "continent", Map.of("code", "EU", "geoname_id", 6_255_148, "names", names("Europe")),
        "country", country,
        "registered_country", country,
        "location", Map.of("accuracy_radius", MmdbWriter.uint16(20 + random.nextInt(500)),
            "latitude", random.nextDouble(-90, 90), "longitude", random.nextDouble(-180, 180),
            "time_zone", "Europe/Zone" + i % 300),
        "postal", Map.of("code", String.valueOf(10_000 + i)),
        "subdivisions", List.of(Map.of("geoname_id", 2_000_000 + i % 5000, "iso_code", "S" + i % 90,
            "names", names("Region " + i % 5000))));
  }

  private static Map<String, Object> names(String name) {
    Map<String, Object> names = new LinkedHashMap<>();
    for (String language : LANGUAGES) {
      names.put(language, language.equals("en") ? name : name + " (" + language + ")");
    }
    return names;
  }

  /** Uniform random IPv4 addresses outside 0/8, 10/8, 127/8 and 224/3. */
  private static InetAddress[] publicIpv4Addresses(SplittableRandom random) {
    InetAddress[] addresses = new InetAddress[ADDRESS_POOL];
    for (int i = 0; i < addresses.length; i++) {
      int first;
      do {
        first = 1 + random.nextInt(223);
      } while (first == 10 || first == 127);
      addresses[i] = ipv4(first << 24 | random.nextInt(1 << 24));
    }
    return addresses;
  }

  private static InetAddress ipv4(int address) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) (address >>> 24), (byte) (address >>> 16),
          (byte) (address >>> 8), (byte) address});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Measurement

  private interface Lookup {
    long run(InetAddress address) throws IOException;
  }

  /** One way of looking addresses up, and the per-batch timings it collects. */
  private static final class Mode {
    final String key;
    final String label;
    final InetAddress[] addresses;
    final Lookup lookup;
    final long[] batches;
    final JsonArray roundMedians = new JsonArray();
    int next;

    Mode(String key, String label, InetAddress[] addresses, Lookup lookup, int recordedBatches) {
      this.key = key;
      this.label = label;
      this.addresses = addresses;
      this.lookup = lookup;
      this.batches = new long[recordedBatches];
    }
  }

  private JsonObject scenario(String name, GeoConfig config, Path readerFile, InetAddress[] addresses, Vertx vertx)
      throws IOException {
    say("%s", name);
    JsonObject out = new JsonObject().put("name", name);
    GeoConfig withCache = new GeoConfig(config.countryDb(), config.cityDb(), config.asnDb(),
        Math.max(GeoConfig.DEFAULT_CACHE_SIZE, options.hotSet()), config.reloadCheckInterval());
    int recorded = options.rounds() * options.batches();
    // The reader exactly as GeoLocator opens it (memory-mapped, decoded-record cache), one database.
    try (Reader reader = new Reader(readerFile.toFile(), Reader.FileMode.MEMORY_MAPPED, new CHMCache());
        GeoLocator uncached = GeoLocator.open(vertx, config);
        GeoLocator cached = GeoLocator.open(vertx, withCache)) {
      long hits = 0;
      for (InetAddress address : addresses) {
        hits += uncached.locate(address).equals(GeoAnswer.UNKNOWN) ? 0 : 1;
      }
      out.put("answeredShare", round(100.0 * hits / addresses.length, 1));
      out.put("example", addresses[0].getHostAddress() + " -> " + uncached.locate(addresses[0]));
      InetAddress[] hot = Arrays.copyOf(addresses, Math.min(options.hotSet(), addresses.length));
      for (InetAddress address : hot) {
        cached.locate(address);
      }
      List<Mode> modes = List.of(
          new Mode("readerOnly", "reader only (" + readerFile.getFileName() + ")", addresses, address -> {
            MmdbRecord record = reader.get(address, MmdbRecord.class);
            return record == null ? 0 : 1;
          }, recorded),
          new Mode("locatorUncached", "GeoLocator.locate, no cache", addresses,
              address -> answerHash(uncached.locate(address)), recorded),
          new Mode("locatorCached", "GeoLocator.locate, cached (hot set of " + hot.length + ")", hot,
              address -> answerHash(cached.locate(address)), recorded));
      measure(modes);
      for (Mode mode : modes) {
        out.put(mode.key, figures(mode));
      }
    }
    return out;
  }

  private static long answerHash(GeoAnswer answer) {
    return answer.asn() + answer.country().length() + answer.city().length();
  }

  /**
   * Warm-up rounds, then recorded rounds; each round runs every mode's batches in turn, so load
   * from elsewhere on a shared machine falls on all of them alike.
   */
  private void measure(List<Mode> modes) throws IOException {
    int batch = options.batch();
    for (int round = -options.warmup(); round < options.rounds(); round++) {
      for (Mode mode : modes) {
        long[] roundBatches = new long[options.batches()];
        for (int b = 0; b < options.batches(); b++) {
          long start = System.nanoTime();
          for (int i = 0; i < batch; i++) {
            blackhole += mode.lookup.run(mode.addresses[mode.next]);
            mode.next = mode.next + 1 == mode.addresses.length ? 0 : mode.next + 1;
          }
          roundBatches[b] = System.nanoTime() - start;
        }
        if (round >= 0) {
          System.arraycopy(roundBatches, 0, mode.batches, round * options.batches(), options.batches());
          Arrays.sort(roundBatches);
          mode.roundMedians.add(round(roundBatches[roundBatches.length / 2] / (double) batch, 1));
        }
      }
    }
  }

  private JsonObject figures(Mode mode) {
    long total = 0;
    for (long nanos : mode.batches) {
      total += nanos;
    }
    long[] sorted = mode.batches.clone();
    Arrays.sort(sorted);
    long lookups = (long) sorted.length * options.batch();
    JsonObject out = new JsonObject()
        .put("lookups", lookups)
        .put("medianNs", nsPerLookup(sorted, 50))
        .put("p90Ns", nsPerLookup(sorted, 90))
        .put("p99Ns", nsPerLookup(sorted, 99))
        .put("maxNs", round(sorted[sorted.length - 1] / (double) options.batch(), 1))
        .put("meanNs", round(total / (double) lookups, 1))
        .put("lookupsPerSecond", Math.round(lookups / (total / 1e9)))
        .put("roundMediansNs", mode.roundMedians);
    say("  %-58s median %8.1f ns  p99 %8.1f ns", mode.label, out.getDouble("medianNs"), out.getDouble("p99Ns"));
    return out;
  }

  private double nsPerLookup(long[] sortedBatches, double percentile) {
    int index = (int) Math.min(sortedBatches.length - 1, Math.ceil(percentile / 100 * sortedBatches.length) - 1);
    return round(sortedBatches[Math.max(0, index)] / (double) options.batch(), 1);
  }

  // ---------------------------------------------------------------------------------------------
  // Output


  private void printTable(Path file) {
    JsonObject machine = result.getJsonObject("machine");
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "%ngeoip  %s cores, %s, Java %s, load %s -> %s; ns per lookup, single thread, batches of %d%n",
        machine.getInteger("cores"), machine.getString("cpu"), machine.getString("javaVersion"),
        machine.getString("loadAverageAtStart"), machine.getString("loadAverageAtEnd"), options.batch()));
    for (Object item : result.getJsonArray("scenarios")) {
      JsonObject scenario = (JsonObject) item;
      out.append(String.format(Locale.ROOT, "%n%s (%.1f%% of addresses answered)%n", scenario.getString("name"),
          scenario.getDouble("answeredShare")));
      out.append(String.format(Locale.ROOT, "  %-34s %10s %10s %10s %14s%n", "", "median", "p90", "p99",
          "lookups/s"));
      row(out, "reader only (one database)", scenario.getJsonObject("readerOnly"));
      row(out, "GeoLocator, uncached", scenario.getJsonObject("locatorUncached"));
      row(out, "GeoLocator, cached (hot set)", scenario.getJsonObject("locatorCached"));
    }
    out.append("\nresult: ").append(file).append('\n');
    System.out.print(out);
  }

  private static void row(StringBuilder out, String label, JsonObject figures) {
    out.append(String.format(Locale.ROOT, "  %-34s %10.1f %10.1f %10.1f %,14d%n", label,
        figures.getDouble("medianNs"), figures.getDouble("p90Ns"), figures.getDouble("p99Ns"),
        figures.getLong("lookupsPerSecond")));
  }

  private static void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[geoip] " + format + "%n", args);
  }
}
