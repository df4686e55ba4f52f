package io.mediaedge.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and checks the {@code history} section (Cassandra: contact points, consistency,
 * replication, credentials, the cursor key); read only when {@code history.enabled} is true.
 */
final class HistorySection {
  private HistorySection() {}

  private static final List<String> PROTOCOL_VERSIONS = List.of("V4", "V5");
  private static final Set<String> CONSISTENCY_LEVELS = Set.of("ONE", "TWO", "THREE", "QUORUM", "ALL",
      "LOCAL_QUORUM", "EACH_QUORUM", "LOCAL_ONE");

  static EdgeConfig.HistoryConfig parse(ConfigTree c, Map<String, String> env) {
    List<String> contactPoints = EdgeConfig.hostPorts(c, "history.contactPoints");
    String keyspace = c.requiredString("history.keyspace");
    if (!keyspace.matches("[a-zA-Z][a-zA-Z0-9_]{0,47}")) {
      throw c.invalid("history.keyspace", "must be a CQL identifier: letters, digits, underscores (got '" + keyspace + "')");
    }
    String consistency = c.requiredString("history.consistency").toUpperCase(Locale.ROOT);
    if (!CONSISTENCY_LEVELS.contains(consistency)) {
      throw c.invalid("history.consistency", "must be one of " + CONSISTENCY_LEVELS + " (got " + consistency + ")");
    }
    String serial = c.requiredString("history.serialConsistency").toUpperCase(Locale.ROOT);
    if (!serial.equals("SERIAL") && !serial.equals("LOCAL_SERIAL")) {
      throw c.invalid("history.serialConsistency", "must be SERIAL or LOCAL_SERIAL (got " + serial + ")");
    }
    Path userFile = c.optionalFile("history.usernameFile");
    Path passwordFile = c.optionalFile("history.passwordFile");
    Optional<String> username = userFile != null ? Optional.of(EdgeConfig.readSecret(c, "history.usernameFile", userFile))
        : Optional.ofNullable(env.get("MEDIA_EDGE_HISTORY_USERNAME")).filter(v -> !v.isBlank());
    Optional<String> password = passwordFile != null ? Optional.of(EdgeConfig.readSecret(c, "history.passwordFile", passwordFile))
        : Optional.ofNullable(env.get("MEDIA_EDGE_HISTORY_PASSWORD")).filter(v -> !v.isBlank());
    if (username.isPresent() != password.isPresent()) {
      throw c.invalid("history.usernameFile", "and history.passwordFile (or MEDIA_EDGE_HISTORY_USERNAME and"
          + " MEDIA_EDGE_HISTORY_PASSWORD) must be set together");
    }
    double sampling;
    String samplingText = c.string("history.downloadSampling", "1.0");
    try {
      sampling = Double.parseDouble(samplingText);
    } catch (NumberFormatException e) {
      sampling = -1;
    }
    if (!(sampling >= 0 && sampling <= 1)) {
      throw c.invalid("history.downloadSampling", "must be a number from 0 to 1 (got '" + samplingText + "')");
    }
    return new EdgeConfig.HistoryConfig(contactPoints, c.requiredString("history.localDatacenter"), keyspace,
        replication(c), consistency, serial,
        c.duration("history.requestTimeout", "5s", Duration.ofMillis(100), Duration.ofMinutes(5)),
        username, password, c.integer("history.outboxBuckets", 16, 1, 1024), sampling, protocolVersion(c),
        cursorKey(c, env), c.integer("history.mediaCacheEntries", 10_000, 0, 1_000_000),
        c.duration("history.mediaCacheTtl", "5s", Duration.ZERO, Duration.ofMinutes(10)));
  }

  /** A secret like the credentials: from a file, or from the environment, never from this file. */
  private static Optional<String> cursorKey(ConfigTree c, Map<String, String> env) {
    Path file = c.optionalFile("history.cursorKeyFile");
    if (file != null) {
      String key = EdgeConfig.readSecret(c, "history.cursorKeyFile", file);
      if (!holdsCursorKey(key)) {
        throw c.invalid("history.cursorKeyFile", "must name a file holding at least "
            + EdgeConfig.HistoryConfig.MIN_CURSOR_KEY_BYTES + " bytes in base64");
      }
      return Optional.of(key);
    }
    String value = env.get(EdgeConfig.HistoryConfig.CURSOR_KEY_ENV);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    if (!holdsCursorKey(value.trim())) {
      throw new ConfigException("Environment variable " + EdgeConfig.HistoryConfig.CURSOR_KEY_ENV + " must hold at least "
          + EdgeConfig.HistoryConfig.MIN_CURSOR_KEY_BYTES + " bytes in base64.");
    }
    return Optional.of(value.trim());
  }

  private static boolean holdsCursorKey(String base64) {
    try {
      return Base64.getDecoder().decode(base64).length >= EdgeConfig.HistoryConfig.MIN_CURSOR_KEY_BYTES;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The native protocol the driver speaks: V4 unless asked, see conf/media-edge.yaml for why. */
  private static String protocolVersion(ConfigTree c) {
    String version = c.string("history.protocolVersion", "V4").toUpperCase(Locale.ROOT);
    if (!PROTOCOL_VERSIONS.contains(version)) {
      throw c.invalid("history.protocolVersion", "must be one of " + PROTOCOL_VERSIONS + " (got " + version + ")");
    }
    return version;
  }

  /** "3" means SimpleStrategy with factor 3; a JSON map means NetworkTopologyStrategy per datacenter. */
  private static Map<String, Integer> replication(ConfigTree c) {
    String text = c.string("history.replication", "1");
    try {
      if (text.startsWith("{")) {
        JsonObject perDc = new JsonObject(text);
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        perDc.forEach(e -> out.put(e.getKey(), Integer.parseInt(String.valueOf(e.getValue()))));
        if (out.isEmpty() || out.values().stream().anyMatch(f -> f < 1 || f > 9)) {
          throw new IllegalArgumentException();
        }
        return Map.copyOf(out);
      }
      int factor = Integer.parseInt(text);
      if (factor < 1 || factor > 9) {
        throw new IllegalArgumentException();
      }
      return Map.of("replication_factor", factor);
    } catch (RuntimeException e) {
      throw c.invalid("history.replication", "must be a replication factor (1-9) or a JSON map of datacenter to"
          + " factor such as {\"eu-west\": 3} (got '" + text + "')");
    }
  }
}
