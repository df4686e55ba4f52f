package io.mediaedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The edge, properties and metrics options of the committed conf/media-edge.yaml, changed through
 * MEDIA_EDGE_* variables. Plain HTTP is switched on so no certificate is needed; the JWT key file
 * only has to exist for the configuration to load.
 */
class EdgeSectionsConfigTest {
  private static final Path COMMITTED = Path.of("conf/media-edge.yaml");
  private static final List<String> PRIVATE_NETWORKS = List.of("127.0.0.0/8", "::1/128", "10.0.0.0/8",
      "172.16.0.0/12", "192.168.0.0/16", "fc00::/7");

  @TempDir static Path dir;
  private static Path jwtKey;

  @BeforeAll
  static void writeKeyFile() throws IOException {
    jwtKey = Files.writeString(dir.resolve("jwt.pem"), "only needs to exist here\n");
  }

  private static Map<String, String> env(String... extra) {
    Map<String, String> env = new HashMap<>(Map.of("MEDIA_EDGE_SERVER_HTTPS_ENABLED", "false",
        "MEDIA_EDGE_SERVER_HTTP_ENABLED", "true", "MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", jwtKey.toString()));
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  private static EdgeConfig load(String... extra) {
    return EdgeConfig.load(COMMITTED, env(extra));
  }

  private static String refusal(String... extra) {
    return assertThrows(ConfigException.class, () -> load(extra)).getMessage();
  }

  @Test
  void theCommittedEdgeSectionLoads() {
    EdgeNetworkConfig edge = load().edge();
    assertEquals(new EdgeNetworkConfig(List.of(), List.of(Path.of("conf/cloudflare-ips.txt")), "truncated",
        Optional.of(Path.of("conf/routes.yaml")), "localhost", Duration.ofSeconds(30)), edge);
  }

  @Test
  void quotaLeasesAreConfigurableAndChecked() {
    EdgeConfig.QuotaConfig quota = load().quota();
    assertEquals(new EdgeConfig.QuotaConfig(10L << 30, 64L << 20, Duration.ofSeconds(30)), quota);
    assertEquals(0, load("MEDIA_EDGE_QUOTA_LEASE_BYTES", "0").quota().leaseBytes());
    assertEquals(Duration.ofSeconds(5), load("MEDIA_EDGE_QUOTA_LEASE_IDLE", "5s").quota().leaseIdle());
    assertTrue(refusal("MEDIA_EDGE_QUOTA_LEASE_IDLE", "10m").contains("quota.leaseIdle"));
    assertTrue(refusal("MEDIA_EDGE_QUOTA_LEASE_BYTES", "-1").contains("quota.leaseBytes"));
  }

  @Test
  void theCommittedPropertiesSectionLoads() {
    PropertiesConfig properties = load().properties();
    assertEquals(Map.of("appVersion", "$.headers['x-app-version']", "plan", "$.claims.plan",
        "deviceModel", "$.metadata.device.model"), properties.paths());
    assertEquals(List.of("x-app-version", "user-agent"), properties.headers());
    assertEquals(256, properties.maxValueLength());
    assertEquals(4096, properties.maxMetadataBytes());
  }

  @Test
  void metricsAreOpenToLoopbackAndPrivateNetworksAsCommitted() {
    assertEquals(PRIVATE_NETWORKS, load().server().metricsAllowedFrom());
  }

  @Test
  void withoutTheOptionMetricsAreOpenToLoopbackAndPrivateNetworks() {
    JsonObject tree = EdgeConfig.readYaml(COMMITTED);
    tree.getJsonObject("server").remove("metricsAllowedFrom");
    assertEquals(PRIVATE_NETWORKS, EdgeConfig.fromTree(tree, env(), "test.yaml").server().metricsAllowedFrom());
  }

  @Test
  void metricsCanBeClosedToEveryoneOrOpenedToOneHost() {
    assertEquals(List.of(), load("MEDIA_EDGE_SERVER_METRICS_ALLOWED_FROM", "[]").server().metricsAllowedFrom());
    assertEquals(List.of("192.0.2.10", "2001:db8::/64"),
        load("MEDIA_EDGE_SERVER_METRICS_ALLOWED_FROM", "192.0.2.10, 2001:db8::/64").server().metricsAllowedFrom());
  }

  @Test
  void edgeVariablesOverrideTheFile() throws IOException {
    Path routes = Files.writeString(dir.resolve("routes.yaml"), "defaults: {host: a.example.com}\n");
    EdgeNetworkConfig edge = load("MEDIA_EDGE_EDGE_TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32, 192.0.2.1",
        "MEDIA_EDGE_EDGE_TRUSTED_PROXY_FILES", "[]", "MEDIA_EDGE_EDGE_CLIENT_IP", " FULL ",
        "MEDIA_EDGE_EDGE_ROUTES_FILE", routes.toString(), "MEDIA_EDGE_EDGE_DEFAULT_UPLOAD_HOST", "upload.example.com",
        "MEDIA_EDGE_EDGE_RELOAD_CHECK_INTERVAL", "500ms").edge();
    assertEquals(new EdgeNetworkConfig(List.of("10.0.0.0/8", "2001:db8::/32", "192.0.2.1"), List.of(), "full",
        Optional.of(routes), "upload.example.com", Duration.ofMillis(500)), edge);
  }

  @Test
  void anEmptyRoutesFileMeansEveryoneGetsTheDefaultHost() {
    assertEquals(Optional.empty(), load("MEDIA_EDGE_EDGE_ROUTES_FILE", "").edge().routesFile());
  }

  @Test
  void ipv4MappedAndBracketedRangesAreTrusted() {
    assertEquals(List.of("::ffff:10.0.0.0/104", "[2001:db8::]/32"),
        load("MEDIA_EDGE_EDGE_TRUSTED_PROXIES", "::ffff:10.0.0.0/104, [2001:db8::]/32").edge().trustedProxies());
  }

  @Test
  void propertyVariablesOverrideTheFile() {
    PropertiesConfig properties = load("MEDIA_EDGE_PROPERTIES_PATHS", "{\"tier\": \" $.claims.org.tier \","
        + " \"app.version-2_x\": \"$.headers['x-app-version']\"}", "MEDIA_EDGE_PROPERTIES_HEADERS", "X-App-Version",
        "MEDIA_EDGE_PROPERTIES_MAX_VALUE_LENGTH", "4096", "MEDIA_EDGE_PROPERTIES_MAX_METADATA_BYTES", "64KiB")
        .properties();
    assertEquals(Map.of("tier", "$.claims.org.tier", "app.version-2_x", "$.headers['x-app-version']"),
        properties.paths());
    assertEquals(List.of("X-App-Version"), properties.headers());
    assertEquals(4096, properties.maxValueLength());
    assertEquals(64 * 1024, properties.maxMetadataBytes());
    assertEquals(Map.of(), load("MEDIA_EDGE_PROPERTIES_PATHS", "{}").properties().paths());
  }

  @Test
  void thirtyTwoPropertiesAreAllowedAndNoMore() {
    assertEquals(32, load("MEDIA_EDGE_PROPERTIES_PATHS", paths(32)).properties().paths().size());
    String message = refusal("MEDIA_EDGE_PROPERTIES_PATHS", paths(33));
    assertTrue(message.contains("Option properties.paths names 33 properties; at most 32"), message);
  }

  private static String paths(int count) {
    return IntStream.range(0, count).mapToObj(i -> "\"p" + i + "\": \"$.claims.p" + i + "\"")
        .collect(Collectors.joining(", ", "{", "}"));
  }

  @Test
  void aRangeThatDoesNotParseIsNamedInTheSentence() {
    assertEquals("Option edge.trustedProxies holds a range that cannot be used ('10.0.0.0/33' has an invalid prefix"
        + " length): set it in conf/media-edge.yaml or with MEDIA_EDGE_EDGE_TRUSTED_PROXIES.",
        refusal("MEDIA_EDGE_EDGE_TRUSTED_PROXIES", "192.0.2.1, 10.0.0.0/33"));
  }

  static Stream<Arguments> invalidValues() {
    String missing = dir.resolve("no-such-file").toString();
    return Stream.of(
        Arguments.of("edge.clientIp", "MEDIA_EDGE_EDGE_CLIENT_IP", "partial"),
        Arguments.of("edge.clientIp", "MEDIA_EDGE_EDGE_CLIENT_IP", ""),
        Arguments.of("edge.trustedProxies", "MEDIA_EDGE_EDGE_TRUSTED_PROXIES", "proxy.example.com"),
        Arguments.of("edge.trustedProxies", "MEDIA_EDGE_EDGE_TRUSTED_PROXIES", "10.0.0.0/8, localhost"),
        Arguments.of("edge.trustedProxies", "MEDIA_EDGE_EDGE_TRUSTED_PROXIES", "10.0.0.0/33"),
        Arguments.of("edge.trustedProxies", "MEDIA_EDGE_EDGE_TRUSTED_PROXIES", "999.1.1.1"),
        Arguments.of("edge.trustedProxies", "MEDIA_EDGE_EDGE_TRUSTED_PROXIES", "10.0.0/8"),
        Arguments.of("edge.trustedProxies", "MEDIA_EDGE_EDGE_TRUSTED_PROXIES", "2001:db8::/129"),
        Arguments.of("edge.trustedProxies", "MEDIA_EDGE_EDGE_TRUSTED_PROXIES", "::ffff:203.0.113.0/24"),
        Arguments.of("edge.trustedProxies", "MEDIA_EDGE_EDGE_TRUSTED_PROXIES", "[{\"cidr\": \"10.0.0.0/8\"}]"),
        Arguments.of("edge.trustedProxyFiles", "MEDIA_EDGE_EDGE_TRUSTED_PROXY_FILES", missing),
        Arguments.of("edge.routesFile", "MEDIA_EDGE_EDGE_ROUTES_FILE", missing),
        Arguments.of("edge.reloadCheckInterval", "MEDIA_EDGE_EDGE_RELOAD_CHECK_INTERVAL", "10ms"),
        Arguments.of("edge.reloadCheckInterval", "MEDIA_EDGE_EDGE_RELOAD_CHECK_INTERVAL", "25h"),
        Arguments.of("edge.reloadCheckInterval", "MEDIA_EDGE_EDGE_RELOAD_CHECK_INTERVAL", "often"),
        Arguments.of("properties.paths", "MEDIA_EDGE_PROPERTIES_PATHS", "{\"1plan\": \"$.claims.plan\"}"),
        Arguments.of("properties.paths", "MEDIA_EDGE_PROPERTIES_PATHS", "{\"my plan\": \"$.claims.plan\"}"),
        Arguments.of("properties.paths", "MEDIA_EDGE_PROPERTIES_PATHS", "{\"p" + "x".repeat(64) + "\": \"$.a\"}"),
        Arguments.of("properties.paths", "MEDIA_EDGE_PROPERTIES_PATHS", "{\"plan\": \"claims.plan\"}"),
        Arguments.of("properties.paths", "MEDIA_EDGE_PROPERTIES_PATHS", "{\"plan\": 5}"),
        Arguments.of("properties.paths", "MEDIA_EDGE_PROPERTIES_PATHS", "{\"plan\": [\"$.claims.plan\"]}"),
        Arguments.of("properties.headers", "MEDIA_EDGE_PROPERTIES_HEADERS", "x-app version"),
        Arguments.of("properties.headers", "MEDIA_EDGE_PROPERTIES_HEADERS", "x-app:version"),
        Arguments.of("properties.maxValueLength", "MEDIA_EDGE_PROPERTIES_MAX_VALUE_LENGTH", "0"),
        Arguments.of("properties.maxValueLength", "MEDIA_EDGE_PROPERTIES_MAX_VALUE_LENGTH", "4097"),
        Arguments.of("properties.maxValueLength", "MEDIA_EDGE_PROPERTIES_MAX_VALUE_LENGTH", "long"),
        Arguments.of("properties.maxMetadataBytes", "MEDIA_EDGE_PROPERTIES_MAX_METADATA_BYTES", "63"),
        Arguments.of("properties.maxMetadataBytes", "MEDIA_EDGE_PROPERTIES_MAX_METADATA_BYTES", "1MiB"),
        Arguments.of("server.metricsAllowedFrom", "MEDIA_EDGE_SERVER_METRICS_ALLOWED_FROM", "localhost"),
        Arguments.of("server.metricsAllowedFrom", "MEDIA_EDGE_SERVER_METRICS_ALLOWED_FROM", "10.0.0.0/33"),
        Arguments.of("server.metricsAllowedFrom", "MEDIA_EDGE_SERVER_METRICS_ALLOWED_FROM", "[\"10.0.0.0/8\", \"*\"]"));
  }

  @ParameterizedTest(name = "{1}={2}")
  @MethodSource("invalidValues")
  void invalidValueStopsWithASentenceNamingTheOptionAndItsVariable(String option, String variable, String value) {
    EdgeConfigTest.assertSentenceNamesOptionVariableAndFile(refusal(variable, value), option, variable);
  }
}
