package io.mediaedge.thumbnails.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The worker's configuration ({@code thumbnails/conf/thumbnails.yaml}), typed and validated; any
 * option can be overridden by {@code MEDIA_EDGE_THUMBNAILS_<SECTION>_<OPTION>} (upper case, e.g.
 * {@code MEDIA_EDGE_THUMBNAILS_KAFKA_BOOTSTRAPSERVERS=host:9092,host2:9092}). Secrets (S3 keys,
 * Cassandra password) come from files or the environment only.
 */
public record ThumbnailsConfig(KafkaSection kafka, StorageSection storage, CassandraSection cassandra,
    WorkSection work) {
  public static final String ENV_PREFIX = "MEDIA_EDGE_THUMBNAILS_";

  public record KafkaSection(List<String> bootstrapServers, String topic, String groupId, String deadLetterTopic,
      String resultsTopic, String startAt, int maxPollRecords, Duration maxPollInterval) {}

  /** The S3 bucket media-edge writes originals to; thumbnails go next to them. */
  public record StorageSection(Optional<URI> endpoint, String region, String bucket, boolean pathStyle,
      Optional<String> accessKey, Optional<String> secretKey, Duration readTimeout) {
    @Override
    public String toString() {
      return "StorageSection[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", pathStyle="
          + pathStyle + ", accessKey=" + accessKey + ", secretKey=***, readTimeout=" + readTimeout + "]";
    }
  }

  public record CassandraSection(List<String> contactPoints, String localDatacenter, String keyspace,
      Optional<String> username, Optional<String> password) {
    @Override
    public String toString() {
      return "CassandraSection[contactPoints=" + contactPoints + ", localDatacenter=" + localDatacenter
          + ", keyspace=" + keyspace + ", username=" + username + ", password=***]";
    }
  }

  /**
   * What is made and within which bounds: {@code maxPixels} refuses an original from its header
   * (a decode holds at most about 2 x the largest size squared after subsampling, but a reader
   * may need a row of the original), {@code decodesAtOnce} bounds the memory of decodes together.
   */
  public record WorkSection(List<Integer> sizes, float quality, long maxPixels, long maxSourceBytes,
      int decodesAtOnce, Duration jobTimeout, int attempts, Duration retryPause) {}

  public static ThumbnailsConfig load(Path file, Map<String, String> env) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("Configuration file " + file.toAbsolutePath() + " does not exist.");
    }
    try (InputStream in = Files.newInputStream(file)) {
      Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      @SuppressWarnings("unchecked")
      Map<String, Object> tree = parsed instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
      return from(tree, env, file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("Configuration file " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  public static ThumbnailsConfig from(Map<String, Object> tree, Map<String, String> env, String source) {
    Options o = new Options(tree, env, source);
    KafkaSection kafka = new KafkaSection(o.list("kafka.bootstrapServers", List.of("127.0.0.1:9092")),
        o.string("kafka.topic", "media.history.v1"), o.string("kafka.groupId", "media-edge-thumbnails"),
        o.string("kafka.deadLetterTopic", "media.history.v1.thumbnails-dlq"),
        o.string("kafka.resultsTopic", "media.thumbnails.v1"),
        o.choice("kafka.startAt", "earliest", List.of("earliest", "latest")),
        o.integer("kafka.maxPollRecords", 8, 1, 500), o.duration("kafka.maxPollInterval", "10m"));
    String endpoint = o.string("storage.endpoint", "");
    StorageSection storage = new StorageSection(endpoint.isEmpty() ? Optional.empty() : Optional.of(URI.create(endpoint)),
        o.string("storage.region", "us-east-1"), o.string("storage.bucket", "media"), o.bool("storage.pathStyle", false),
        o.secret("storage.accessKeyFile", "MEDIA_EDGE_THUMBNAILS_STORAGE_ACCESS_KEY"),
        o.secret("storage.secretKeyFile", "MEDIA_EDGE_THUMBNAILS_STORAGE_SECRET_KEY"),
        o.duration("storage.readTimeout", "60s"));
    if (storage.accessKey().isPresent() != storage.secretKey().isPresent()) {
      throw new IllegalArgumentException("storage.accessKeyFile and storage.secretKeyFile (or their environment"
          + " variables) must be set together");
    }
    CassandraSection cassandra = new CassandraSection(o.list("cassandra.contactPoints", List.of("127.0.0.1:9042")),
        o.string("cassandra.localDatacenter", "datacenter1"), o.string("cassandra.keyspace", "media_edge"),
        o.secret("cassandra.usernameFile", "MEDIA_EDGE_THUMBNAILS_CASSANDRA_USERNAME"),
        o.secret("cassandra.passwordFile", "MEDIA_EDGE_THUMBNAILS_CASSANDRA_PASSWORD"));
    List<Integer> sizes = new ArrayList<>();
    for (String size : o.list("thumbnails.sizes", List.of("200", "800"))) {
      try {
        int px = Integer.parseInt(size.trim());
        if (px < 16 || px > 4096) {
          throw new NumberFormatException();
        }
        sizes.add(px);
      } catch (NumberFormatException e) {
        throw o.invalid("thumbnails.sizes", "must list sizes from 16 to 4096 pixels");
      }
    }
    if (sizes.isEmpty()) {
      throw o.invalid("thumbnails.sizes", "must list at least one size");
    }
    WorkSection work = new WorkSection(List.copyOf(sizes), (float) o.decimal("thumbnails.quality", 0.85, 0.3, 1.0),
        o.integer("thumbnails.maxMegapixels", 50, 1, 500) * 1_000_000L,
        o.integer("thumbnails.maxSourceMiB", 64, 1, 4096) * (1L << 20),
        o.integer("thumbnails.decodesAtOnce", 2, 1, 64), o.duration("thumbnails.jobTimeout", "30s"),
        o.integer("thumbnails.attempts", 3, 1, 20), o.duration("thumbnails.retryPause", "1s"));
    Duration worstBatch = worstBatch(kafka.maxPollRecords(), work);
    if (worstBatch.compareTo(kafka.maxPollInterval()) >= 0) {
      // Kafka would take the partitions away mid-batch, hand the same records to another worker,
      // and the batch would never commit: a loop, not a slow worker
      throw o.invalid("kafka.maxPollInterval", "must be longer than the worst batch: kafka.maxPollRecords ("
          + kafka.maxPollRecords() + ") jobs, thumbnails.decodesAtOnce (" + work.decodesAtOnce() + ") at a time,"
          + " each up to thumbnails.attempts x thumbnails.jobTimeout plus the retry pauses, is " + worstBatch.toSeconds()
          + " s; lower maxPollRecords or raise maxPollInterval");
    }
    return new ThumbnailsConfig(kafka, storage, cassandra, work);
  }

  /** The longest one poll's jobs can take: every job timing out on every attempt. */
  static Duration worstBatch(int records, WorkSection work) {
    int rounds = (records + work.decodesAtOnce() - 1) / work.decodesAtOnce();
    // the pause before attempt n + 1 is n x retryPause
    Duration pauses = work.retryPause().multipliedBy((long) work.attempts() * (work.attempts() - 1) / 2);
    return work.jobTimeout().multipliedBy(work.attempts()).plus(pauses).multipliedBy(rounds);
  }

  /** Reads options by dotted path, the environment first. */
  private static final class Options {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final Map<String, Object> tree;
    private final Map<String, String> env;
    private final String source;

    Options(Map<String, Object> tree, Map<String, String> env, String source) {
      this.tree = tree;
      this.env = env;
      this.source = source;
    }

    IllegalArgumentException invalid(String path, String problem) {
      return new IllegalArgumentException("Option " + path + " " + problem + " (in " + source + " or "
          + envName(path) + ")");
    }

    static String envName(String path) {
      // UPPER_SNAKE as media-edge's and insights' options: kafka.bootstrapServers -> KAFKA_BOOTSTRAP_SERVERS
      return ENV_PREFIX + path.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private Object raw(String path) {
      String fromEnv = env.get(envName(path));
      if (fromEnv != null) {
        return fromEnv;
      }
      Object node = tree;
      for (String part : path.split("\\.")) {
        if (!(node instanceof Map<?, ?> map) || !map.containsKey(part)) {
          return null;
        }
        node = map.get(part);
      }
      return node;
    }

    String string(String path, String fallback) {
      Object value = raw(path);
      return value == null ? fallback : String.valueOf(value).trim();
    }

    String choice(String path, String fallback, List<String> allowed) {
      String value = string(path, fallback);
      if (!allowed.contains(value)) {
        throw invalid(path, "must be one of " + allowed);
      }
      return value;
    }

    boolean bool(String path, boolean fallback) {
      String value = string(path, String.valueOf(fallback));
      if (!value.equals("true") && !value.equals("false")) {
        throw invalid(path, "must be true or false");
      }
      return Boolean.parseBoolean(value);
    }

    int integer(String path, int fallback, int min, int max) {
      try {
        int value = Integer.parseInt(string(path, String.valueOf(fallback)));
        if (value < min || value > max) {
          throw new NumberFormatException();
        }
        return value;
      } catch (NumberFormatException e) {
        throw invalid(path, "must be a whole number from " + min + " to " + max);
      }
    }

    double decimal(String path, double fallback, double min, double max) {
      try {
        double value = Double.parseDouble(string(path, String.valueOf(fallback)));
        if (!(value >= min && value <= max)) {
          throw new NumberFormatException();
        }
        return value;
      } catch (NumberFormatException e) {
        throw invalid(path, "must be a number from " + min + " to " + max);
      }
    }

    Duration duration(String path, String fallback) {
      Matcher m = DURATION.matcher(string(path, fallback));
      if (!m.matches()) {
        throw invalid(path, "must be a duration like 500ms, 30s, 10m or 1h");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }

    List<String> list(String path, List<String> fallback) {
      Object value = raw(path);
      if (value == null) {
        return fallback;
      }
      List<String> out = new ArrayList<>();
      if (value instanceof List<?> items) {
        items.forEach(item -> out.add(String.valueOf(item).trim()));
      } else {
        for (String item : String.valueOf(value).split(",")) {
          if (!item.isBlank()) {
            out.add(item.trim());
          }
        }
      }
      return List.copyOf(out);
    }

    /** A secret from the file the option names, else from the environment variable; never from the YAML itself. */
    Optional<String> secret(String fileOption, String envVariable) {
      String file = string(fileOption, "");
      if (!file.isEmpty()) {
        try {
          String value = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
          if (value.isEmpty()) {
            throw invalid(fileOption, "names an empty file");
          }
          return Optional.of(value);
        } catch (IOException e) {
          throw invalid(fileOption, "names a file that cannot be read (" + e.getMessage() + ")");
        }
      }
      String value = env.getOrDefault(envVariable, "").trim();
      return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
  }
}
