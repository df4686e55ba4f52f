package io.mediaedge.edge.geo;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mediaedge.config.GeoConfig;
import io.vertx.core.Vertx;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Country, city, AS number and ISP of a client address, from the configured {@code .mmdb}
 * databases (MaxMind GeoIP2/GeoLite2 Country, City, ASN, ISP, or DB-IP Lite), each optional.
 *
 * <p>Each answer combines the databases field by field: the country from the country database,
 * else the city database; the city from the city database, else the country database (when that
 * is a City edition); the AS number and ISP from the ASN/ISP database. Answers are cached per
 * address in a bounded cache. Lookups are memory-mapped reads that never block on IO and never
 * throw; a failed read answers what the other databases know.
 *
 * <p>After {@link #start()}, every {@code reloadCheckInterval} a worker thread checks whether a file
 * was replaced (geoipupdate renames a new file over the old one) and, if so, opens it, swaps it in
 * and starts a fresh cache; the old reader is closed {@link #RETIRE_DELAY} later, so lookups
 * already running finish on it. A replacement that cannot be read is logged and the old database
 * keeps answering.
 */
public final class GeoLocator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GeoLocator.class);
  /** How long a replaced reader stays open for lookups that started before the swap. */
  static final Duration RETIRE_DELAY = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final GeoConfig config;
  private final GeoDatabase countryDb;
  private final GeoDatabase cityDb;
  private final GeoDatabase asnDb;
  private final List<GeoDatabase> databases;
  private final AtomicBoolean checking = new AtomicBoolean();
  private final Set<GeoDatabase.Loaded> retiring = ConcurrentHashMap.newKeySet();
  // Replaced, never cleared, on reload: a lookup still running on an old reader fills the old cache.
  private volatile Cache<InetAddress, GeoAnswer> cache;
  private volatile boolean closed;
  private long timerId = -1;

  private GeoLocator(Vertx vertx, GeoConfig config, Map<String, GeoDatabase> opened) {
    this.vertx = vertx;
    this.config = config;
    this.countryDb = opened.get(GeoConfig.COUNTRY_DB);
    this.cityDb = opened.get(GeoConfig.CITY_DB);
    this.asnDb = opened.get(GeoConfig.ASN_DB);
    this.databases = List.copyOf(opened.values());
    this.cache = newCache();
  }

  /**
   * Opens the configured databases (blocking file IO: call from a non-event-loop thread, e.g. the
   * composition root). Fails with {@link io.mediaedge.config.ConfigException} naming the file when
   * a configured database cannot be read.
   */
  public static GeoLocator open(Vertx vertx, GeoConfig config) {
    Objects.requireNonNull(vertx, "vertx");
    Map<String, GeoDatabase> opened = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Path> db : config.databases().entrySet()) {
        opened.put(db.getKey(), GeoDatabase.open(db.getKey(), db.getValue()));
      }
    } catch (RuntimeException e) {
      opened.values().forEach(GeoDatabase::close);
      throw e;
    }
    return new GeoLocator(vertx, config, opened);
  }

  /** Never throws, never blocks for long (memory-mapped + bounded cache); UNKNOWN when no db or not found. */
  public GeoAnswer locate(InetAddress address) {
    if (address == null || databases.isEmpty() || closed) {
      return GeoAnswer.UNKNOWN;
    }
    InetAddress key = unmapped(address);
    Cache<InetAddress, GeoAnswer> answers = cache;
    GeoAnswer cached = answers == null ? null : answers.getIfPresent(key);
    if (cached != null) {
      return cached;
    }
    MmdbRecord country = lookup(countryDb, key);
    MmdbRecord city = lookup(cityDb, key);
    MmdbRecord network = lookup(asnDb, key);
    GeoAnswer answer = new GeoAnswer(
        first(MmdbRecord::countryIso, country, city, network),
        first(MmdbRecord::cityName, city, country, network),
        firstAsn(network, country, city),
        first(MmdbRecord::ispName, network, country, city));
    boolean complete = country != GeoDatabase.FAILED && city != GeoDatabase.FAILED
        && network != GeoDatabase.FAILED;
    if (answers != null && complete) {
      answers.put(key, answer);
    }
    return answer;
  }

  /** Starts watching the db files for replacement (geoipupdate replaces them atomically, weekly). */
  public synchronized void start() {
    if (timerId >= 0 || closed || databases.isEmpty()) {
      return;
    }
    timerId = vertx.setPeriodic(config.reloadCheckInterval().toMillis(), id -> checkForReplacements());
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    databases.forEach(GeoDatabase::close);
    retiring.forEach(GeoDatabase.Loaded::close);
    retiring.clear();
  }

  /** One line for the start-up log: which databases are loaded (path, type, build date) or that none is. */
  public String describe() {
    if (databases.isEmpty()) {
      return "no GeoIP database configured: requests are not geo-tagged";
    }
    return "GeoIP databases: " + databases.stream().map(GeoDatabase::describe).collect(Collectors.joining(", "))
        + "; " + (config.cacheSize() > 0 ? "cache of " + config.cacheSize() + " addresses" : "no cache")
        + ", checked for replacement every " + readable(config.reloadCheckInterval());
  }

  private static String readable(Duration interval) {
    return interval.toMillis() % 1000 == 0 ? interval.toSeconds() + " s" : interval.toMillis() + " ms";
  }

  private void checkForReplacements() {
    if (closed || !checking.compareAndSet(false, true)) {
      return; // the previous check is still running
    }
    vertx.executeBlocking(() -> {
      replaceChangedFiles();
      return null;
    }, false).onComplete(done -> {
      checking.set(false);
      if (done.failed()) {
        log.warn("GeoIP replacement check failed", done.cause());
      }
    });
  }

  // Synchronized with close(), so a reader opened here is never left open after it.
  private synchronized void replaceChangedFiles() {
    if (closed) {
      return;
    }
    List<GeoDatabase.Loaded> replaced = new ArrayList<>();
    for (GeoDatabase db : databases) {
      GeoDatabase.Loaded old = db.replaceIfChanged();
      if (old != null) {
        replaced.add(old);
      }
    }
    if (!replaced.isEmpty()) {
      cache = newCache();
      replaced.forEach(this::retireLater);
    }
  }

  private void retireLater(GeoDatabase.Loaded old) {
    retiring.add(old);
    vertx.setTimer(RETIRE_DELAY.toMillis(), id -> vertx.executeBlocking(() -> {
      if (retiring.remove(old)) {
        old.close();
      }
      return null;
    }, false));
  }

  private Cache<InetAddress, GeoAnswer> newCache() {
    return config.cacheSize() == 0 ? null : Caffeine.newBuilder().maximumSize(config.cacheSize()).build();
  }

  private static MmdbRecord lookup(GeoDatabase db, InetAddress address) {
    return db == null ? null : db.lookup(address);
  }

  private static String first(Function<MmdbRecord, String> field, MmdbRecord... records) {
    for (MmdbRecord record : records) {
      if (record != null) {
        String value = field.apply(record);
        if (!value.isEmpty()) {
          return value;
        }
      }
    }
    return "";
  }

  private static long firstAsn(MmdbRecord... records) {
    for (MmdbRecord record : records) {
      if (record != null && record.asNumber() > 0) {
        return record.asNumber();
      }
    }
    return 0;
  }

  /** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it carries. */
  static InetAddress unmapped(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] bytes = address.getAddress();
      boolean mapped = bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = bytes[i] == 0;
      }
      if (mapped) {
        try {
          return Inet4Address.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]});
        } catch (UnknownHostException e) {
          return address; // cannot happen with four bytes
        }
      }
    }
    return address;
  }
}
