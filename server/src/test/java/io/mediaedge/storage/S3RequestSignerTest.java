package io.mediaedge.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.EdgeConfig.StorageConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.presigner.PresignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Our signer gives the SDK's {@code S3Presigner}'s requests exactly: the same address and query
 * parameters (signature included, at the same instant) and the same signed headers, for every kind
 * of request we send, path-style and virtual-hosted, with and without a session token, and keys
 * that need encoding.
 */
class S3RequestSignerTest {
  private static final Duration VALIDITY = Duration.ofMinutes(5);
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final List<String> KEYS = List.of("media/0123456789abcdef0123/019ab2c4-5d6e-7f80-9a1b-2c3d4e5f6a7b",
      "media/0123456789abcdef0123/019ab2c4.tail-8388608", "odd key/with spaces+plus~tilde*star'(paren)/ünï",
      "a//double/slash/");

  static List<Object[]> setups() {
    AwsCredentialsProvider basic = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
    AwsCredentialsProvider session = StaticCredentialsProvider.create(AwsSessionCredentials.create("ASIAEXAMPLE",
        "secret/with+chars", "token/with+and=chars"));
    return List.of(
        new Object[] {"path-style, local endpoint", config("http://127.0.0.1:9000", "us-east-1", true), basic},
        new Object[] {"path-style, https endpoint", config("https://s3.example.net", "eu-west-1", true), session},
        new Object[] {"virtual-hosted, AWS us-east-1", config("", "us-east-1", false), basic},
        new Object[] {"virtual-hosted, AWS eu-central-1, session", config("", "eu-central-1", false), session});
  }

  private static StorageConfig config(String endpoint, String region, boolean pathStyle) {
    return new StorageConfig(endpoint.isEmpty() ? Optional.empty() : Optional.of(URI.create(endpoint)), region,
        "media-bucket", pathStyle, Optional.empty(), 5L << 30, 8L << 20, 8, Duration.ofSeconds(5),
        Duration.ofSeconds(10));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("setups")
  void putsAreSignedAsThePresignerSignsThem(String name, StorageConfig config, AwsCredentialsProvider credentials) {
    Map<String, String> metadata = Map.of("owner", "alice%40example", "sha256", "ab12");
    for (String key : KEYS) {
      same(config, credentials, presigner -> presigner.presignPutObject(p -> p.signatureDuration(VALIDITY)
              .putObjectRequest(r -> r.bucket(config.bucket()).key(key).contentLength(12_345L)
                  .contentType("image/jpeg").metadata(metadata))),
          signer -> signer.put(key, 12_345L, "image/jpeg", metadata));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("setups")
  void partsAreSignedAsThePresignerSignsThem(String name, StorageConfig config, AwsCredentialsProvider credentials) {
    String uploadId = "2~iCw_lDY8VoDrkXCrHnBj.Xp-Z+/=";
    for (String key : KEYS) {
      same(config, credentials, presigner -> presigner.presignUploadPart(p -> p.signatureDuration(VALIDITY)
              .uploadPartRequest(r -> r.bucket(config.bucket()).key(key).uploadId(uploadId).partNumber(7)
                  .contentLength(8_388_608L))),
          signer -> signer.uploadPart(key, uploadId, 7, 8_388_608L));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("setups")
  void rangedGetsAreSignedAsThePresignerSignsThem(String name, StorageConfig config,
      AwsCredentialsProvider credentials) {
    for (String key : KEYS) {
      same(config, credentials, presigner -> presigner.presignGetObject(p -> p.signatureDuration(VALIDITY)
              .getObjectRequest(r -> r.bucket(config.bucket()).key(key).range("bytes=100-1048675"))),
          signer -> signer.get(key, "bytes=100-1048675"));
    }
  }

  private static void same(StorageConfig config, AwsCredentialsProvider credentials,
      Function<S3Presigner, PresignedRequest> theirs, Function<S3RequestSigner, S3RequestSigner.Signed> ours) {
    S3Presigner.Builder builder = S3Presigner.builder().region(Region.of(config.region()))
        .credentialsProvider(credentials)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build());
    config.endpoint().ifPresent(builder::endpointOverride);
    try (S3Presigner presigner = builder.build()) {
      PresignedRequest expected = theirs.apply(presigner);
      String url = expected.url().toString();
      int date = url.indexOf("X-Amz-Date=") + "X-Amz-Date=".length();
      Instant signedAt = AMZ_DATE.parse(url.substring(date, date + 16), Instant::from);
      S3RequestSigner signer = new S3RequestSigner(config, credentials, VALIDITY,
          Clock.fixed(signedAt, ZoneOffset.UTC));
      S3RequestSigner.Signed actual = ours.apply(signer);

      // The same address and the same parameters, signature included; their order may differ.
      assertEquals(url.substring(0, url.indexOf('?')), actual.url().substring(0, actual.url().indexOf('?')));
      assertEquals(query(url), query(actual.url()));
      assertEquals(expected.httpRequest().method().name(), actual.method());
      Map<String, String> expectedHeaders = new TreeMap<>();
      expected.signedHeaders().forEach((header, values) -> {
        if (!header.equalsIgnoreCase("host")) {
          expectedHeaders.put(header.toLowerCase(Locale.ROOT), String.join(",", values));
        }
      });
      Map<String, String> actualHeaders = new TreeMap<>();
      actual.headers().forEach((header, value) -> actualHeaders.put(header.toLowerCase(Locale.ROOT), value));
      assertEquals(expectedHeaders, actualHeaders);
      assertTrue(url.contains("X-Amz-Signature="), url);
    }
  }

  /** The raw (still encoded) parameters of {@code url}, by name. */
  private static Map<String, String> query(String url) {
    Map<String, String> parameters = new TreeMap<>();
    for (String parameter : url.substring(url.indexOf('?') + 1).split("&")) {
      int equals = parameter.indexOf('=');
      assertEquals(null, parameters.put(parameter.substring(0, equals), parameter.substring(equals + 1)), url);
    }
    return parameters;
  }
}
