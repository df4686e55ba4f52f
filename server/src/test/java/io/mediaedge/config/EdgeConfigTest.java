package io.mediaedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.EdgeConfig.StorageCredentials;
import io.mediaedge.devstack.DevCertificates;
import io.mediaedge.devstack.DevJwtKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed conf/media-edge.yaml, overridden only through MEDIA_EDGE_* variables the way an
 * operator would: it must load when the files it names exist, and every bad value must stop the
 * start with one sentence naming the option and the variable that sets it.
 */
class EdgeConfigTest {
  private static final Path COMMITTED = Path.of("conf/media-edge.yaml");
  private static final long MIB = 1L << 20;

  @TempDir static Path dir;
  private static DevCertificates.TlsFiles tls;
  private static DevJwtKeys es256;
  private static DevJwtKeys rsa;

  @BeforeAll
  static void makeFiles() {
    tls = DevCertificates.ensure(dir.resolve("certs"));
    es256 = DevJwtKeys.es256(dir.resolve("jwt"));
    rsa = DevJwtKeys.rsa(dir.resolve("jwt"));
  }

  /** The variables that point the committed file at files that exist, plus {@code extra}. */
  private static Map<String, String> env(String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put("MEDIA_EDGE_SERVER_HTTPS_CERT_FILE", tls.serverChain().toString());
    env.put("MEDIA_EDGE_SERVER_HTTPS_KEY_FILE", tls.serverKey().toString());
    env.put("MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", es256.publicKeyFile().toString());
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  private static EdgeConfig load(Map<String, String> env) {
    return EdgeConfig.load(COMMITTED, env);
  }

  private static EdgeConfig load(String... extra) {
    return load(env(extra));
  }

  private static ConfigException refused(Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> load(env));
  }

  @Test
  void aBudgetWaitAsLongAsTheIdleTimeoutIsRefused() {
    // A paused upload is idle: it would lose its connection before it got its answer.
    ConfigException e = refused(env("MEDIA_EDGE_UPLOAD_BUDGET_WAIT", "60s"));
    assertTrue(e.getMessage().contains("upload.budgetWait") && e.getMessage().contains("server.idleTimeout"),
        e.getMessage());
    assertEquals(Duration.ofMinutes(2), load("MEDIA_EDGE_UPLOAD_BUDGET_WAIT", "2m", "MEDIA_EDGE_SERVER_IDLE_TIMEOUT",
        "3m").upload().budgetWait());
  }

  @Test
  void committedDefaultsLoadWhenTheFilesTheyNameExist() {
    EdgeConfig config = load();

    assertEquals("local", config.server().region());
    assertTrue(config.server().https().enabled());
    assertEquals(8443, config.server().https().port());
    assertEquals(tls.serverChain(), config.server().https().certFile());
    assertEquals(tls.serverKey(), config.server().https().keyFile());
    assertFalse(config.server().http().enabled());
    assertEquals(Duration.ofSeconds(60), config.server().idleTimeout());
    assertEquals(16 * 1024, config.server().maxHeaderSize());
    assertEquals(Duration.ofSeconds(30), config.server().shutdownGrace());

    assertEquals(List.of(es256.publicKeyFile()), config.auth().publicKeyFiles());
    assertEquals(Optional.empty(), config.auth().jwksFile());
    assertEquals("", config.auth().issuer());
    assertEquals(Duration.ofSeconds(30), config.auth().leeway());
    assertEquals("sub", config.auth().userClaim());

    assertEquals(Optional.empty(), config.storage().endpoint());
    assertEquals("media", config.storage().bucket());
    assertEquals(8 * MIB, config.storage().partSize());
    assertEquals(5L << 30, config.storage().singlePutThreshold());
    assertEquals(Optional.empty(), config.storage().credentials(), "no credentials: the AWS default chain applies");

    long onePartAndWindow = 8 * MIB + 512 * 1024 + 256 * 1024;
    assertEquals(Math.max(onePartAndWindow, Runtime.getRuntime().maxMemory() / 4), config.upload().memoryBudget(),
        "memoryBudget auto is a quarter of the heap");
    assertEquals(512 * 1024, config.upload().streamWindow());
    assertEquals(Optional.of(50 * MIB), config.upload().maxBytesFor("image/jpeg"));
    assertEquals(Optional.of(4L << 30), config.upload().maxBytesFor("video/mp4"));
    assertEquals(Optional.empty(), config.upload().maxBytesFor("application/pdf"));

    assertEquals(10_000, config.history().mediaCacheEntries());
    assertEquals(Duration.ofSeconds(5), config.history().mediaCacheTtl());
  }

  @Test
  void scalarVariablesOverrideTheFile() {
    EdgeConfig config = load("MEDIA_EDGE_SERVER_HTTPS_PORT", "9443", "MEDIA_EDGE_SERVER_HTTP_ENABLED", "true",
        "MEDIA_EDGE_SERVER_HTTP_PORT", "9080", "MEDIA_EDGE_SERVER_REGION", "eu-west",
        "MEDIA_EDGE_STORAGE_ENDPOINT", "http://127.0.0.1:9000", "MEDIA_EDGE_STORAGE_PATH_STYLE", "true",
        "MEDIA_EDGE_AUTH_USER_CLAIM", "uid", "MEDIA_EDGE_AUTH_LEEWAY", "5s",
        "MEDIA_EDGE_HISTORY_MEDIA_CACHE_ENTRIES", "0", "MEDIA_EDGE_HISTORY_MEDIA_CACHE_TTL", "750ms");
    assertEquals(9443, config.server().https().port());
    assertTrue(config.server().http().enabled());
    assertEquals(9080, config.server().http().port());
    assertEquals("eu-west", config.server().region());
    assertEquals(Optional.of(URI.create("http://127.0.0.1:9000")), config.storage().endpoint());
    assertTrue(config.storage().pathStyle());
    assertEquals("uid", config.auth().userClaim());
    assertEquals(Duration.ofSeconds(5), config.auth().leeway());
    assertEquals(0, config.history().mediaCacheEntries());
    assertEquals(Duration.ofMillis(750), config.history().mediaCacheTtl());
  }

  @Test
  void publicKeyFilesTakeACommaListOrJson() {
    List<Path> both = List.of(es256.publicKeyFile(), rsa.publicKeyFile());
    String comma = es256.publicKeyFile() + " , " + rsa.publicKeyFile();
    String json = "[\"" + es256.publicKeyFile() + "\",\"" + rsa.publicKeyFile() + "\"]";
    assertEquals(both, load("MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", comma).auth().publicKeyFiles());
    assertEquals(both, load("MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", json).auth().publicKeyFiles());
  }

  @Test
  void aJwksFileAloneIsEnoughKeyMaterial() throws IOException {
    Path jwks = Files.writeString(dir.resolve("keys.jwks"), "{\"keys\":[" + es256.publicJwk().encode() + "]}");
    EdgeConfig config = load("MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", "", "MEDIA_EDGE_AUTH_JWKS_FILE", jwks.toString());
    assertEquals(List.of(), config.auth().publicKeyFiles());
    assertEquals(Optional.of(jwks), config.auth().jwksFile());
  }

  @Test
  void uploadTypesAsJsonReplaceTheWholeMap() {
    EdgeConfig config = load("MEDIA_EDGE_UPLOAD_TYPES", "{\"image/png\": \"2MiB\", \"video/mp4\": 1000000}");
    assertEquals(Map.of("image/png", 2 * MIB, "video/mp4", 1_000_000L), config.upload().maxBytesByType());
  }

  @Test
  void oneUploadTypeCanBeOverriddenAlone() {
    EdgeConfig config = load("MEDIA_EDGE_UPLOAD_TYPES_IMAGE_JPEG", "1MiB");
    assertEquals(Optional.of(MIB), config.upload().maxBytesFor("image/jpeg"));
    assertEquals(Optional.of(50 * MIB), config.upload().maxBytesFor("image/png"), "the other types keep their limit");
    assertEquals(Optional.of(1L << 30), config.upload().maxBytesFor("video/3gpp"));
  }

  static Stream<Arguments> invalidValues() {
    String missing = dir.resolve("no-such-file.pem").toString();
    return Stream.of(
        Arguments.of("server.https.port", "MEDIA_EDGE_SERVER_HTTPS_PORT", "70000"),
        Arguments.of("server.https.port", "MEDIA_EDGE_SERVER_HTTPS_PORT", "-1"),
        Arguments.of("server.https.port", "MEDIA_EDGE_SERVER_HTTPS_PORT", "https"),
        Arguments.of("server.https.enabled", "MEDIA_EDGE_SERVER_HTTPS_ENABLED", "maybe"),
        Arguments.of("server.maxHeaderSize", "MEDIA_EDGE_SERVER_MAX_HEADER_SIZE", "lots"),
        Arguments.of("upload.streamWindow", "MEDIA_EDGE_UPLOAD_STREAM_WINDOW", "1.5MiB"),
        Arguments.of("storage.singlePutThreshold", "MEDIA_EDGE_STORAGE_SINGLE_PUT_THRESHOLD", "99999999999TiB"),
        Arguments.of("server.idleTimeout", "MEDIA_EDGE_SERVER_IDLE_TIMEOUT", "soon"),
        Arguments.of("server.idleTimeout", "MEDIA_EDGE_SERVER_IDLE_TIMEOUT", "1 day"),
        Arguments.of("auth.leeway", "MEDIA_EDGE_AUTH_LEEWAY", "-5s"),
        Arguments.of("auth.leeway", "MEDIA_EDGE_AUTH_LEEWAY", "1h"),
        Arguments.of("server.https.certFile", "MEDIA_EDGE_SERVER_HTTPS_CERT_FILE", missing),
        Arguments.of("server.https.keyFile", "MEDIA_EDGE_SERVER_HTTPS_KEY_FILE", ""),
        Arguments.of("auth.publicKeyFiles", "MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", missing),
        Arguments.of("auth.publicKeyFiles", "MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", ""),
        Arguments.of("auth.publicKeyFiles", "MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", "[]"),
        Arguments.of("auth.jwksFile", "MEDIA_EDGE_AUTH_JWKS_FILE", missing),
        Arguments.of("auth.userClaim", "MEDIA_EDGE_AUTH_USER_CLAIM", " "),
        Arguments.of("storage.partSize", "MEDIA_EDGE_STORAGE_PART_SIZE", "4MiB"),
        Arguments.of("upload.memoryBudget", "MEDIA_EDGE_UPLOAD_MEMORY_BUDGET", "8MiB"),
        Arguments.of("storage.endpoint", "MEDIA_EDGE_STORAGE_ENDPOINT", "localhost:9000"),
        Arguments.of("storage.endpoint", "MEDIA_EDGE_STORAGE_ENDPOINT", "ftp://s3.example.com"),
        Arguments.of("storage.endpoint", "MEDIA_EDGE_STORAGE_ENDPOINT", "http://exa mple.com"),
        Arguments.of("storage.endpoint", "MEDIA_EDGE_STORAGE_ENDPOINT", "http://"),
        Arguments.of("storage.bucket", "MEDIA_EDGE_STORAGE_BUCKET", "My_Bucket"),
        Arguments.of("storage.bucket", "MEDIA_EDGE_STORAGE_BUCKET", "ab"),
        Arguments.of("storage.bucket", "MEDIA_EDGE_STORAGE_BUCKET", ""),
        Arguments.of("upload.types.image/jpeg", "MEDIA_EDGE_UPLOAD_TYPES_IMAGE_JPEG", "0"),
        Arguments.of("upload.types", "MEDIA_EDGE_UPLOAD_TYPES", "{}"),
        Arguments.of("history.mediaCacheEntries", "MEDIA_EDGE_HISTORY_MEDIA_CACHE_ENTRIES", "-1"),
        Arguments.of("history.mediaCacheEntries", "MEDIA_EDGE_HISTORY_MEDIA_CACHE_ENTRIES", "2000000"),
        Arguments.of("history.mediaCacheTtl", "MEDIA_EDGE_HISTORY_MEDIA_CACHE_TTL", "1h"),
        Arguments.of("history.mediaCacheTtl", "MEDIA_EDGE_HISTORY_MEDIA_CACHE_TTL", "soon"));
  }

  @ParameterizedTest(name = "{1}={2}")
  @MethodSource("invalidValues")
  void invalidValueStopsWithASentenceNamingTheOptionAndItsVariable(String option, String variable, String value) {
    assertSentenceNamesOptionVariableAndFile(refused(env(variable, value)).getMessage(), option, variable);
  }

  /** The refusal of a bad value: one sentence that names the option, its variable and the file. */
  static void assertSentenceNamesOptionVariableAndFile(String message, String option, String variable) {
    assertTrue(message.contains("Option " + option + " "), message);
    assertTrue(message.contains(variable), message);
    assertTrue(message.contains("conf/media-edge.yaml"), "names the file it came from too: " + message);
    assertTrue(message.endsWith("."), message);
  }

  @Test
  void noJwtKeyAtAllIsRefusedBecauseAnEmptyKeySetWouldAcceptUnsignedTokens() {
    Map<String, String> env = env("MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", "[]", "MEDIA_EDGE_AUTH_JWKS_FILE", "");
    String message = refused(env).getMessage();
    assertTrue(message.contains("auth.publicKeyFiles"), message);
    assertTrue(message.contains("auth.jwksFile"), message);
    assertTrue(message.contains("MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES"), message);
  }

  @Test
  void aMediaTypeWhoseContentCannotBeCheckedIsRefused() {
    String message = refused(env("MEDIA_EDGE_UPLOAD_TYPES",
        "{\"image/jpeg\": \"1MiB\", \"application/x-msdownload\": \"1MiB\"}")).getMessage();
    assertTrue(message.contains("Option upload.types.application/x-msdownload "), message);
    assertTrue(message.contains("MEDIA_EDGE_UPLOAD_TYPES_APPLICATION_X_MSDOWNLOAD"), message);
  }

  @Test
  void memoryBudgetMustHoldOnePartPlusOneWindow() {
    long needed = 16 * MIB + 1 * MIB + 256 * 1024; // one part, one window and the chunks in flight
    assertEquals(needed, load("MEDIA_EDGE_STORAGE_PART_SIZE", "16MiB", "MEDIA_EDGE_UPLOAD_STREAM_WINDOW", "1MiB",
        "MEDIA_EDGE_UPLOAD_MEMORY_BUDGET", String.valueOf(needed)).upload().memoryBudget());
    String message = refused(env("MEDIA_EDGE_STORAGE_PART_SIZE", "16MiB", "MEDIA_EDGE_UPLOAD_STREAM_WINDOW", "1MiB",
        "MEDIA_EDGE_UPLOAD_MEMORY_BUDGET", String.valueOf(needed - 1))).getMessage();
    assertTrue(message.contains("Option upload.memoryBudget "), message);
    assertTrue(message.contains("MEDIA_EDGE_UPLOAD_MEMORY_BUDGET"), message);
  }

  @Test
  void memoryBudgetLargerThanMostOfTheHeapIsRefused() {
    long heap = Runtime.getRuntime().maxMemory();
    String message = refused(env("MEDIA_EDGE_UPLOAD_MEMORY_BUDGET", String.valueOf(heap))).getMessage();
    assertTrue(message.contains("Option upload.memoryBudget "), message);
    assertTrue(message.contains("MEDIA_EDGE_UPLOAD_MEMORY_BUDGET"), message);
    assertEquals(heap / 2, load("MEDIA_EDGE_UPLOAD_MEMORY_BUDGET", String.valueOf(heap / 2)).upload().memoryBudget());
  }

  @Test
  void memoryBudgetAutoIsAQuarterOfTheHeapButNeverLessThanOnePartAndWindow() {
    long heap = Runtime.getRuntime().maxMemory();
    assertEquals(Math.max(heap / 4, 8 * MIB + 512 * 1024 + 256 * 1024),
        load("MEDIA_EDGE_UPLOAD_MEMORY_BUDGET", "AUTO").upload().memoryBudget());
  }

  @Test
  void partSizeOfExactlyFiveMebibytesIsAccepted() {
    assertEquals(5 * MIB, load("MEDIA_EDGE_STORAGE_PART_SIZE", "5MiB").storage().partSize());
  }

  @Test
  void disablingBothListenersIsRefused() {
    String message = refused(env("MEDIA_EDGE_SERVER_HTTPS_ENABLED", "false")).getMessage();
    assertTrue(message.contains("server.https.enabled"), message);
    assertTrue(message.contains("server.http.enabled"), message);
    assertTrue(message.contains("MEDIA_EDGE_SERVER_HTTPS_ENABLED"), message);
  }

  @Test
  void plainHttpAloneNeedsNoCertificate() {
    EdgeConfig config = load("MEDIA_EDGE_SERVER_HTTPS_ENABLED", "false", "MEDIA_EDGE_SERVER_HTTP_ENABLED", "true",
        "MEDIA_EDGE_SERVER_HTTPS_CERT_FILE", dir.resolve("absent.pem").toString());
    assertFalse(config.server().https().enabled());
    assertTrue(config.server().http().enabled());
  }

  @Test
  void accessKeyFileWithoutSecretKeyFileIsRefused() throws IOException {
    Path key = Files.writeString(dir.resolve("access-only"), "AKIDEXAMPLE\n");
    String message = refused(env("MEDIA_EDGE_STORAGE_ACCESS_KEY_FILE", key.toString())).getMessage();
    assertTrue(message.contains("Option storage.accessKeyFile "), message);
    assertTrue(message.contains("storage.secretKeyFile"), message);
    assertTrue(message.contains("MEDIA_EDGE_STORAGE_ACCESS_KEY_FILE"), message);
  }

  @Test
  void accessKeyVariableWithoutSecretKeyVariableIsRefused() {
    String message = refused(env("MEDIA_EDGE_STORAGE_ACCESS_KEY", "AKIDEXAMPLE")).getMessage();
    assertTrue(message.contains("MEDIA_EDGE_STORAGE_ACCESS_KEY"), message);
    assertTrue(message.contains("MEDIA_EDGE_STORAGE_SECRET_KEY"), message);
  }

  @Test
  void secretsReadFromFilesAreTrimmed() throws IOException {
    Path key = Files.writeString(dir.resolve("access-key"), "  AKIDEXAMPLE \n");
    Path secret = Files.writeString(dir.resolve("secret-key"), "wJalrXUtnFEMI/K7MDENG\r\n\n");
    EdgeConfig config = load("MEDIA_EDGE_STORAGE_ACCESS_KEY_FILE", key.toString(),
        "MEDIA_EDGE_STORAGE_SECRET_KEY_FILE", secret.toString());
    assertEquals(Optional.of(new StorageCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG")),
        config.storage().credentials());
  }

  @Test
  void secretFilesWinOverSecretVariables() throws IOException {
    Path key = Files.writeString(dir.resolve("file-key"), "from-file");
    Path secret = Files.writeString(dir.resolve("file-secret"), "file-secret");
    EdgeConfig config = load("MEDIA_EDGE_STORAGE_ACCESS_KEY_FILE", key.toString(),
        "MEDIA_EDGE_STORAGE_SECRET_KEY_FILE", secret.toString(),
        "MEDIA_EDGE_STORAGE_ACCESS_KEY", "from-env", "MEDIA_EDGE_STORAGE_SECRET_KEY", "env-secret");
    assertEquals("from-file", config.storage().credentials().orElseThrow().accessKey());
  }

  @Test
  void credentialsFromVariablesAreTrimmed() {
    EdgeConfig config = load("MEDIA_EDGE_STORAGE_ACCESS_KEY", " AKIDEXAMPLE\n",
        "MEDIA_EDGE_STORAGE_SECRET_KEY", "\tsecret-value ");
    assertEquals(Optional.of(new StorageCredentials("AKIDEXAMPLE", "secret-value")), config.storage().credentials());
  }

  @Test
  void emptySecretFileIsRefused() throws IOException {
    Path key = Files.writeString(dir.resolve("key-for-empty"), "AKIDEXAMPLE");
    Path secret = Files.writeString(dir.resolve("empty-secret"), " \n");
    String message = refused(env("MEDIA_EDGE_STORAGE_ACCESS_KEY_FILE", key.toString(),
        "MEDIA_EDGE_STORAGE_SECRET_KEY_FILE", secret.toString())).getMessage();
    assertTrue(message.contains("Option storage.secretKeyFile "), message);
    assertTrue(message.contains("MEDIA_EDGE_STORAGE_SECRET_KEY_FILE"), message);
  }

  @Test
  void credentialsNeverPrintTheSecret() {
    StorageCredentials credentials = new StorageCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG");
    String printed = credentials.toString();
    assertFalse(printed.contains("wJalrXUtnFEMI"), printed);
    assertTrue(printed.contains("AKIDEXAMPLE"), printed);
    assertTrue(printed.contains("***"), printed);
    EdgeConfig config = load("MEDIA_EDGE_STORAGE_ACCESS_KEY", "AKIDEXAMPLE",
        "MEDIA_EDGE_STORAGE_SECRET_KEY", "wJalrXUtnFEMI/K7MDENG");
    assertFalse(config.toString().contains("wJalrXUtnFEMI"), "the whole config prints without the secret");
  }

  @Test
  void malformedJsonInAListOrMapVariableIsRefused() {
    String message = refused(env("MEDIA_EDGE_UPLOAD_TYPES", "{\"image/jpeg\": ")).getMessage();
    assertTrue(message.contains("MEDIA_EDGE_UPLOAD_TYPES"), message);
    assertTrue(message.contains("JSON"), message);
    assertThrows(ConfigException.class, () -> load("MEDIA_EDGE_UPLOAD_TYPES", "image/jpeg"));
  }

  @Test
  void missingConfigurationFileNamesHowToPointAtOne() {
    ConfigException error = assertThrows(ConfigException.class,
        () -> EdgeConfig.load(dir.resolve("nowhere.yaml"), env()));
    assertTrue(error.getMessage().contains("MEDIA_EDGE_CONFIG"), error.getMessage());
  }

  @Test
  void yamlThatIsNotAMapIsRefused() throws IOException {
    Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");
    assertThrows(ConfigException.class, () -> EdgeConfig.load(list, env()));
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "server: [unclosed\n");
    assertThrows(ConfigException.class, () -> EdgeConfig.load(broken, env()));
  }

  @ParameterizedTest(name = "{0} = {1} bytes")
  @CsvSource({"8MiB, 8388608", "1GB, 1000000000", "123, 123", "512KiB, 524288", "2 MB, 2000000", "1gib, 1073741824",
      "5GiB, 5368709120"})
  void sizesAcceptBytesAndUnits(String text, long bytes) {
    assertEquals(bytes, load("MEDIA_EDGE_STORAGE_SINGLE_PUT_THRESHOLD", text).storage().singlePutThreshold());
  }

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({"500ms, 500", "30s, 30000", "5m, 300000", "1h, 3600000", "0s, 0"})
  void durationsAcceptMillisecondsSecondsMinutesAndHours(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), load("MEDIA_EDGE_SERVER_SHUTDOWN_GRACE", text).server().shutdownGrace());
  }

  @Test
  void durationsAcceptDaysWhereTheRangeAllowsThem() {
    assertEquals(Duration.ofDays(7), load("MEDIA_EDGE_RESUMABLE_EXPIRY", "7d").resumable().expiry());
    String message = refused(env("MEDIA_EDGE_SERVER_SHUTDOWN_GRACE", "1d")).getMessage();
    assertTrue(message.contains("must be between"), message);
    assertEquals(Optional.of(Duration.ofDays(2)), EdgeConfig.parseDuration("2d"));
    assertEquals(Optional.empty(), EdgeConfig.parseDuration("2 days"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"30 sec", "1.5s", "1w", "s", "PT30S", "-1s"})
  void durationsInOtherSpellingsAreRefused(String text) {
    String message = refused(env("MEDIA_EDGE_SERVER_SHUTDOWN_GRACE", text)).getMessage();
    assertTrue(message.contains("Option server.shutdownGrace "), message);
    assertTrue(message.contains("MEDIA_EDGE_SERVER_SHUTDOWN_GRACE"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"8 MiBs", "8M", "-1", "0x10", "1e6", "MiB"})
  void sizesInOtherSpellingsAreRefused(String text) {
    String message = refused(env("MEDIA_EDGE_STORAGE_SINGLE_PUT_THRESHOLD", text)).getMessage();
    assertTrue(message.contains("Option storage.singlePutThreshold "), message);
    assertTrue(message.contains("MEDIA_EDGE_STORAGE_SINGLE_PUT_THRESHOLD"), message);
  }
}
