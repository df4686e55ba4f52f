package io.mediaedge.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The whole configuration, typed and validated. Defaults live in {@code conf/media-edge.yaml} and
 * in the fallbacks below; nothing else in the code invents a setting.
 *
 * <p>{@code history}, {@code quota} and {@code events} are null when {@code history.enabled} is
 * false: those sections are then neither read nor validated, and nothing may reach Cassandra or
 * Kafka (a stray use fails loudly instead of connecting). Ask {@link #historyEnabled()}.
 */
public record EdgeConfig(ServerConfig server, AuthConfig auth, StorageConfig storage, UploadConfig upload,
    HistoryConfig history, QuotaConfig quota, EventsConfig events, EdgeNetworkConfig edge,
    PropertiesConfig properties, ResumableConfig resumable, GeoConfig geo,
    PinsConfig pins, SteeringConfig steering, LoggingConfig logging, LinksConfig links) {

  /** The default of {@code history.enabled}: history, quotas and events on. */
  public static final boolean HISTORY_ENABLED_BY_DEFAULT = true;
  public static final long MIN_PART_SIZE = 5L << 20;
  public static final long MAX_PART_SIZE = 5L << 30;
  static final long MAX_OBJECT_SIZE = 5L << 40;
  /** What Kafka accepts as a topic name. */
  static final String TOPIC_NAME = "[a-zA-Z0-9._-]{1,249}";

  /** Whether media history, quotas, events, listings and resumable uploads are on (Cassandra and Kafka in use). */
  public boolean historyEnabled() {
    return history != null;
  }

  public record ServerConfig(String region, String host, int eventLoops, HttpsConfig https, HttpConfig http,
      Duration idleTimeout, Duration headerTimeout, int maxHeaderSize, int maxInitialLineLength, int maxChunkSize,
      long minUploadRate, Duration minUploadRateInterval, Duration shutdownGrace, List<String> metricsAllowedFrom) {
    public int eventLoopsOrCores() {
      return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
    }
  }

  /**
   * The TLS listener; {@code tls} adds SNI certificates, client-certificate checks and reloading;
   * {@code cipherSuites} are the suites offered (IANA names; AEAD only by default).
   */
  public record HttpsConfig(boolean enabled, int port, Path certFile, Path keyFile, boolean openssl, boolean http2,
      TlsConfig tls, List<String> cipherSuites, HstsConfig hsts) {}

  public record HttpConfig(boolean enabled, int port) {}

  public record AuthConfig(List<Path> publicKeyFiles, Optional<Path> jwksFile, String issuer, String audience,
      Duration leeway, String userClaim) {}

  public record StorageConfig(Optional<URI> endpoint, String region, String bucket, boolean pathStyle,
      Optional<StorageCredentials> credentials, long singlePutThreshold, long partSize, int maxConnections,
      Duration connectTimeout, Duration readTimeout) {}

  /** Static S3 credentials; the secret never appears in logs. */
  public record StorageCredentials(String accessKey, String secretKey) {
    @Override
    public String toString() {
      return "StorageCredentials[accessKey=" + accessKey + ", secretKey=***]";
    }
  }

  /**
   * {@code maxPerUser}: uploads (single requests and resumable PATCHes) one user may have in
   * progress on this instance at once; more are refused with 429 before they hold anything.
   */
  public record UploadConfig(long memoryBudget, int streamWindow, Duration budgetWait, Map<String, Long> maxBytesByType,
      int maxPerUser) {
    /**
     * What a streaming upload holds beyond its read-ahead window: one chunk landing on a full
     * window, and the store's request holding up to two handed-over chunks plus its connection's
     * write queue (64 KiB) until the socket takes them. Here because the budget's minimum needs it.
     */
    public static final int CHUNK_SLACK = 4 * 64 * 1024;
    /** The least an upload leases: one chunk, whatever its declared length. */
    public static final int MIN_LEASE = 64 * 1024;
    /**
     * What a streaming upload of known length is admitted with before it grows: room for one chunk
     * queued or in flight to the store and one more landing. A slow client never needs more.
     */
    public static final int FIRST_SHARE = 2 * 64 * 1024;

    /**
     * The one rule for what an upload holds in memory at most: what it leases before its first
     * byte is read, or, for a streaming upload of known length, what its lease may grow to from
     * {@link #firstShare(long)}: its read-ahead window and the chunks in flight, plus one part when
     * its bytes are gathered into parts (a length not known ahead, -1, or a resumable upload). A
     * known length shorter than that never holds more than itself (at least {@link #MIN_LEASE}),
     * so a photo does not take a video's share of the budget.
     */
    public static long leaseFor(int streamWindow, long declaredLength, boolean gathersParts, long partSize) {
      if (gathersParts || declaredLength < 0) {
        return streamWindow + CHUNK_SLACK + partSize;
      }
      return Math.min(streamWindow + CHUNK_SLACK, Math.max(declaredLength, MIN_LEASE));
    }

    /**
     * The share a streaming upload whose lease grows (a known length, parts not gathered) starts
     * with: {@link #FIRST_SHARE}, or its whole lease when that is smaller.
     */
    public static long firstShare(long lease) {
      return Math.min(lease, FIRST_SHARE);
    }

    /** {@link #leaseFor(int, long, boolean, long)} with this configuration's window. */
    public long leaseFor(long declaredLength, boolean gathersParts, long partSize) {
      return leaseFor(streamWindow, declaredLength, gathersParts, partSize);
    }

    public Optional<Long> maxBytesFor(String mediaType) {
      return Optional.ofNullable(maxBytesByType.get(mediaType));
    }
  }

  /**
   * Where media history lives (Cassandra or ScyllaDB) and how it is reached; {@code cursorKey} is
   * the base64 key (at least 16 bytes) that signs listing cursors, empty when none is configured.
   * Downloads find ACTIVE media rows in a cache of {@code mediaCacheEntries} rows kept for
   * {@code mediaCacheTtl}: how long a delete made on another instance may go unnoticed here (zero
   * for either turns the cache off).
   */
  public record HistoryConfig(List<String> contactPoints, String localDatacenter, String keyspace,
      Map<String, Integer> replication, String consistency, String serialConsistency, Duration requestTimeout,
      Optional<String> username, Optional<String> password, int outboxBuckets, double downloadSampling,
      String protocolVersion, Optional<String> cursorKey, int mediaCacheEntries, Duration mediaCacheTtl) {
    /** Holds the cursor key itself when {@code history.cursorKeyFile} is not set; the README documents it. */
    public static final String CURSOR_KEY_ENV = "MEDIA_EDGE_CURSOR_KEY";
    static final int MIN_CURSOR_KEY_BYTES = 16;

    /** SimpleStrategy is named by the single key "replication_factor". */
    public boolean simpleStrategy() {
      return replication.size() == 1 && replication.containsKey("replication_factor");
    }

    @Override
    public String toString() {
      return "HistoryConfig[contactPoints=" + contactPoints + ", keyspace=" + keyspace + ", password=***]";
    }
  }

  /**
   * Quotas. {@code leaseBytes} is how much of a user's free quota one instance may set aside in one
   * compare-and-set and spend locally (0: set aside only what uploads in flight need);
   * {@code leaseIdle} is how long an unused lease is kept before it is given back.
   */
  public record QuotaConfig(long defaultBytes, long leaseBytes, Duration leaseIdle) {}

  /** The Kafka history topic and the background relays. */
  public record EventsConfig(List<String> bootstrapServers, String topic, int partitions, short replicationFactor,
      Duration deliveryTimeout, Duration relayInterval, Duration relayMinAge, Duration sweepInterval,
      Duration orphanGrace, Duration orphanCheckInterval) {}

  /** A duration as config files write it (30s, 15m, 24h, 7d, 250ms; bare numbers are seconds), for command lines. */
  public static Optional<Duration> parseDuration(String text) {
    return Optional.ofNullable(ConfigTree.parseDuration(text));
  }

  /** Reads the YAML file, applies {@code MEDIA_EDGE_*} environment overrides, validates. */
  public static EdgeConfig load(Path file, Map<String, String> env) {
    return fromTree(readYaml(file), env, file.toString());
  }

  /** Builds the configuration from an already parsed tree (tests pass their own). */
  public static EdgeConfig fromTree(JsonObject tree, Map<String, String> env, String source) {
    ConfigTree c = new ConfigTree(ConfigTree.withEnvironment(LoggingConfig.withDefaults(tree), env), source);
    ServerConfig server = server(c);
    UploadConfig upload = upload(c);
    if (upload.budgetWait().compareTo(server.idleTimeout()) >= 0) {
      // A waiting upload is paused, so its connection is idle: it would be closed without an answer.
      throw c.invalid("upload.budgetWait", "(" + upload.budgetWait().toSeconds() + " s) must be shorter than"
          + " server.idleTimeout (" + server.idleTimeout().toSeconds() + " s), or an upload waiting for memory"
          + " loses its connection before it is answered");
    }
    // Without history the Cassandra, quota and Kafka settings are unused, so a region that runs
    // without them need not carry (or keep valid) settings for servers it does not have.
    boolean history = c.bool("history.enabled", HISTORY_ENABLED_BY_DEFAULT);
    return new EdgeConfig(server, auth(c), storage(c, env), upload, history ? HistorySection.parse(c, env) : null,
        history ? quota(c) : null, history ? events(c) : null,
        EdgeNetworkConfig.read(c), PropertiesConfig.read(c), ResumableConfig.read(c), GeoConfig.parse(c),
        PinsConfig.parse(c), SteeringConfig.read(c, history), LoggingConfig.parse(c), LinksConfig.parse(c, env));
  }

  public static JsonObject readYaml(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("Configuration file " + file.toAbsolutePath()
          + " does not exist: pass --config PATH or set MEDIA_EDGE_CONFIG.");
    }
    try (InputStream in = Files.newInputStream(file)) {
      Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      if (parsed == null) {
        return new JsonObject();
      }
      if (!(parsed instanceof Map<?, ?> map)) {
        throw new ConfigException("Configuration file " + file + " must hold a YAML map at the top level.");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> typed = (Map<String, Object>) map;
      return new JsonObject(typed);
    } catch (IOException e) {
      throw new ConfigException("Configuration file " + file + " cannot be read: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (e instanceof ConfigException ce) {
        throw ce;
      }
      throw new ConfigException("Configuration file " + file + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  private static ServerConfig server(ConfigTree c) {
    boolean httpsOn = c.bool("server.https.enabled", true);
    HttpsConfig https = new HttpsConfig(httpsOn, c.integer("server.https.port", 8443, 0, 65535),
        httpsOn ? c.existingFile("server.https.certFile", c.requiredString("server.https.certFile")) : null,
        httpsOn ? c.existingFile("server.https.keyFile", c.requiredString("server.https.keyFile")) : null,
        c.bool("server.https.openssl", true), c.bool("server.https.http2", true), TlsConfig.parse(c, httpsOn),
        CipherSuites.parse(c), HstsConfig.parse(c));
    HttpConfig http = new HttpConfig(c.bool("server.http.enabled", false), c.integer("server.http.port", 8080, 0, 65535));
    if (!https.enabled() && !http.enabled()) {
      throw c.invalid("server.https.enabled", "and server.http.enabled are both false, so nothing would listen");
    }
    Duration second = Duration.ofSeconds(1);
    Duration day = Duration.ofDays(1);
    return new ServerConfig(
        c.requiredString("server.region"),
        c.string("server.host", "0.0.0.0"),
        c.integer("server.eventLoops", 0, 0, 256),
        https, http,
        c.duration("server.idleTimeout", "60s", second, day),
        c.duration("server.headerTimeout", "10s", Duration.ofMillis(100), Duration.ofMinutes(10)),
        (int) c.size("server.maxHeaderSize", "16KiB", 1024, 1 << 20),
        (int) c.size("server.maxInitialLineLength", "4KiB", 256, 1 << 16),
        (int) c.size("server.maxChunkSize", "64KiB", 4096, 1 << 20),
        c.size("server.minUploadRate", "8KiB", 0, 1L << 30),
        c.duration("server.minUploadRateInterval", "20s", second, Duration.ofHours(1)),
        c.duration("server.shutdownGrace", "30s", Duration.ZERO, Duration.ofHours(1)),
        metricsAllowedFrom(c));
  }

  /** Private networks by default: metrics name hosts and rules that the public need not see. */
  private static List<String> metricsAllowedFrom(ConfigTree c) {
    if (c.section("server").containsKey("metricsAllowedFrom")) {
      return EdgeNetworkConfig.ranges(c, "server.metricsAllowedFrom");
    }
    return List.of("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7");
  }

  private static AuthConfig auth(ConfigTree c) {
    List<Path> keys = c.strings("auth.publicKeyFiles").stream()
        .map(value -> c.existingFile("auth.publicKeyFiles", value)).toList();
    Optional<Path> jwks = Optional.ofNullable(c.optionalFile("auth.jwksFile"));
    if (keys.isEmpty() && jwks.isEmpty()) {
      // An empty key set would make the JWT library accept unsigned tokens: refuse to start.
      throw c.invalid("auth.publicKeyFiles", "is empty and auth.jwksFile is not set, so no JWT could be verified;"
          + " name at least one public key PEM or a JWKS file");
    }
    String userClaim = c.requiredString("auth.userClaim");
    return new AuthConfig(keys, jwks, c.string("auth.issuer", ""), c.string("auth.audience", ""),
        c.duration("auth.leeway", "30s", Duration.ZERO, Duration.ofMinutes(10)), userClaim);
  }

  private static StorageConfig storage(ConfigTree c, Map<String, String> env) {
    String endpointText = c.string("storage.endpoint", "");
    Optional<URI> endpoint = Optional.empty();
    if (!endpointText.isEmpty()) {
      try {
        URI uri = URI.create(endpointText);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
          throw new IllegalArgumentException();
        }
        endpoint = Optional.of(uri);
      } catch (IllegalArgumentException e) {
        throw c.invalid("storage.endpoint", "must be an http or https URL (got '" + endpointText + "')");
      }
    }
    String bucket = c.requiredString("storage.bucket");
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw c.invalid("storage.bucket", "must be a valid S3 bucket name (got '" + bucket + "')");
    }
    long partSize = c.size("storage.partSize", "8MiB", MIN_PART_SIZE, MAX_PART_SIZE);
    long threshold = c.size("storage.singlePutThreshold", "5GiB", 1, MAX_PART_SIZE);
    return new StorageConfig(endpoint, c.requiredString("storage.region"), bucket,
        c.bool("storage.pathStyle", false), credentials(c, env), threshold, partSize,
        c.integer("storage.maxConnections", 128, 1, 10_000),
        c.duration("storage.connectTimeout", "5s", Duration.ofMillis(100), Duration.ofMinutes(5)),
        c.duration("storage.readTimeout", "60s", Duration.ofSeconds(1), Duration.ofHours(1)));
  }

  private static Optional<StorageCredentials> credentials(ConfigTree c, Map<String, String> env) {
    Path keyFile = c.optionalFile("storage.accessKeyFile");
    Path secretFile = c.optionalFile("storage.secretKeyFile");
    if ((keyFile == null) != (secretFile == null)) {
      throw c.invalid("storage.accessKeyFile", "and storage.secretKeyFile must be set together");
    }
    if (keyFile != null) {
      return Optional.of(new StorageCredentials(readSecret(c, "storage.accessKeyFile", keyFile),
          readSecret(c, "storage.secretKeyFile", secretFile)));
    }
    String key = env.getOrDefault("MEDIA_EDGE_STORAGE_ACCESS_KEY", "").trim();
    String secret = env.getOrDefault("MEDIA_EDGE_STORAGE_SECRET_KEY", "").trim();
    if (key.isEmpty() != secret.isEmpty()) {
      throw new ConfigException("Environment variables MEDIA_EDGE_STORAGE_ACCESS_KEY and"
          + " MEDIA_EDGE_STORAGE_SECRET_KEY must be set together.");
    }
    return key.isEmpty() ? Optional.empty() : Optional.of(new StorageCredentials(key, secret));
  }

  static String readSecret(ConfigTree c, String path, Path file) {
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (value.isEmpty()) {
        throw c.invalid(path, "names an empty file");
      }
      return value;
    } catch (IOException e) {
      throw c.invalid(path, "names a file that cannot be read (" + e.getMessage() + ")");
    }
  }

  static List<String> hostPorts(ConfigTree c, String path) {
    List<String> values = c.strings(path);
    if (values.isEmpty()) {
      throw c.invalid(path, "is empty; name at least one host:port");
    }
    for (String value : values) {
      if (!value.matches("[A-Za-z0-9.\\-]+:\\d{1,5}|\\[[0-9a-fA-F:]+\\]:\\d{1,5}")) {
        throw c.invalid(path, "must hold host:port entries (got '" + value + "')");
      }
    }
    return List.copyOf(values);
  }

  private static QuotaConfig quota(ConfigTree c) {
    return new QuotaConfig(c.size("quota.defaultBytes", "10GiB", 1, MAX_OBJECT_SIZE * 1024),
        c.size("quota.leaseBytes", "64MiB", 0, MAX_OBJECT_SIZE),
        c.duration("quota.leaseIdle", "30s", Duration.ofMillis(100), Duration.ofMinutes(5)));
  }

  private static EventsConfig events(ConfigTree c) {
    String topic = c.requiredString("events.topic");
    if (!topic.matches(TOPIC_NAME)) {
      throw c.invalid("events.topic", "must be a valid Kafka topic name (got '" + topic + "')");
    }
    Duration second = Duration.ofSeconds(1);
    return new EventsConfig(hostPorts(c, "events.bootstrapServers"), topic,
        c.integer("events.partitions", 6, 1, 10_000),
        (short) c.integer("events.replicationFactor", 1, 1, 9),
        c.duration("events.deliveryTimeout", "30s", second, Duration.ofMinutes(30)),
        c.duration("events.relayInterval", "5s", Duration.ofMillis(100), Duration.ofHours(1)),
        c.duration("events.relayMinAge", "5s", Duration.ZERO, Duration.ofHours(1)),
        c.duration("events.sweepInterval", "10s", Duration.ofMillis(100), Duration.ofHours(1)),
        c.duration("events.orphanGrace", "24h", Duration.ZERO, Duration.ofDays(30)),
        c.duration("events.orphanCheckInterval", "10m", Duration.ofMillis(100), Duration.ofDays(1)));
  }

  private static UploadConfig upload(ConfigTree c) {
    long storagePart = c.size("storage.partSize", "8MiB", MIN_PART_SIZE, MAX_PART_SIZE);
    // A resumable upload holds one of its parts, grown for the largest upload so 10,000 suffice.
    long resumableMax = c.size("resumable.maxSize", "4GiB", 1, MAX_OBJECT_SIZE);
    long resumablePart = PartSizes.forLength(resumableMax,
        c.size("resumable.partSize", "8MiB", MIN_PART_SIZE, MAX_PART_SIZE));
    long partSize = Math.max(storagePart, resumablePart);
    int window = (int) c.size("upload.streamWindow", "512KiB", 64 << 10, 64 << 20);
    // The budget must fit one buffered part plus one window and the chunks in flight (what such an
    // upload leases), or a chunked or resumable upload could never run, and must stay well inside
    // the heap, or the budget would not prevent what it exists to prevent.
    long minimum = UploadConfig.leaseFor(window, -1, true, partSize);
    long heap = Runtime.getRuntime().maxMemory();
    long budget;
    if ("auto".equalsIgnoreCase(c.string("upload.memoryBudget", "auto"))) {
      budget = Math.max(minimum, heap / 4);
    } else {
      budget = c.size("upload.memoryBudget", "auto", minimum, Long.MAX_VALUE);
    }
    if (budget > heap * 3 / 4) {
      throw c.invalid("upload.memoryBudget", "is " + budget + " bytes, more than 3/4 of this JVM's " + heap
          + "-byte heap; lower it (or use auto) or raise -Xmx");
    }
    Map<String, Long> types = c.sizes("upload.types", 1, MAX_OBJECT_SIZE);
    if (types.isEmpty()) {
      throw c.invalid("upload.types", "is empty, so every upload would be refused");
    }
    Map<String, Long> normalized = new java.util.LinkedHashMap<>();
    types.forEach((type, max) -> {
      String key = type.toLowerCase(Locale.ROOT).trim();
      if (!CheckableMediaTypes.ALL.contains(key)) {
        throw c.invalid("upload.types." + type, "is a media type whose content we cannot check;"
            + " remove it or use one of the supported types listed in the README");
      }
      normalized.put(key, max);
    });
    return new UploadConfig(budget, window,
        c.duration("upload.budgetWait", "30s", Duration.ZERO, Duration.ofMinutes(10)), Map.copyOf(normalized),
        c.integer("upload.maxPerUser", 64, 1, 100_000));
  }
}
