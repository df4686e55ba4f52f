package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.devstack.DevJwtKeys;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.devstack.DevTokens;
import io.mediaedge.http.OpenApiDocument;
import io.mediaedge.media.MediaId;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Forged, expired and malformed credentials sent over real HTTPS to the real server: each one is a
 * JSON 401 with a Bearer challenge, on uploads and downloads alike, over HTTP/1.1 and HTTP/2, and
 * none of them costs the server its health or leaves anything in the bucket.
 */
class AuthenticationIT {
  @TempDir static Path dir;
  private static TestStack stack;
  private static EdgeClient h2;
  private static EdgeClient h1;
  private static DevJwtKeys es256;
  private static DevJwtKeys rsa;
  private static DevJwtKeys stranger;

  @BeforeAll
  static void start() {
    stack = TestStack.get();
    h2 = EdgeClient.http2(stack);
    h1 = EdgeClient.http11(stack);
    es256 = stack.dev().jwtKeys();
    rsa = stack.dev().rsaKeys();
    stranger = DevJwtKeys.es256(dir);
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }

  private static JsonObject claims() {
    return new JsonObject().put("sub", TestStack.USER).put("iss", DevStack.ISSUER).put("aud", DevStack.AUDIENCE)
        .put("iat", now()).put("exp", now() + 600);
  }

  private static JsonObject claimsWithout(String name) {
    JsonObject claims = claims();
    claims.remove(name);
    return claims;
  }

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  /** Authorization header values that must never get a request through; null means no header. */
  static Stream<Named<Supplier<String>>> attacks() {
    return Stream.of(
        attack("missing header", () -> null),
        attack("Basic scheme", () -> "Basic YWxpY2U6cGFzc3dvcmQ="),
        attack("garbage", () -> bearer("this-is-not-a-jwt")),
        attack("two-part token", () -> {
          String[] parts = es256.tokens().mint(claims()).split("\\.");
          return bearer(parts[0] + "." + parts[1]);
        }),
        attack("expired beyond the leeway", () -> bearer(es256.tokens().mint(
            claims().put("iat", now() - 3600).put("exp", now() - 300)))),
        attack("not yet valid (nbf)", () -> bearer(es256.tokens().mint(claims().put("nbf", now() + 300)))),
        attack("wrong audience", () -> bearer(es256.tokens().mint(claims().put("aud", "another-service")))),
        attack("wrong issuer", () -> bearer(es256.tokens().mint(claims().put("iss", "https://evil.test")))),
        attack("no exp claim", () -> bearer(es256.tokens().mint(claimsWithout("exp")))),
        attack("alg none, unsigned", () -> bearer(DevTokens.unsigned(claims()))),
        attack("HS256 keyed with the public key PEM", () -> bearer(DevTokens.hs256(claims(),
            es256.publicKeyPem().getBytes(StandardCharsets.US_ASCII)))),
        attack("HS256 keyed with the RSA public key PEM", () -> bearer(DevTokens.hs256(claims(),
            rsa.publicKeyPem().getBytes(StandardCharsets.US_ASCII)))),
        attack("signed by an unknown key", () -> bearer(stranger.tokens().mint(claims()))),
        attack("unknown key claiming a trusted kid", () -> bearer(stranger.tokens(es256.kid()).mint(claims()))),
        attack("header says ES256, signed RS256", () -> bearer(rsa.tokens().sign(
            new JsonObject().put("alg", "ES256").put("typ", "JWT"), claims()))),
        attack("oversize token", () -> bearer(es256.tokens().mint(claims().put("pad", "x".repeat(9000))))),
        attack("no user claim", () -> bearer(es256.tokens().mint(claimsWithout("sub")))),
        attack("numeric user claim", () -> bearer(es256.tokens().mint(claims().put("sub", 12345)))),
        attack("tampered payload", () -> {
          String[] real = es256.tokens().mint(claims()).split("\\.");
          String[] other = es256.tokens().mint(claims().put("sub", TestStack.OTHER_USER)).split("\\.");
          return bearer(real[0] + "." + other[1] + "." + real[2]);
        }));
  }

  private static Named<Supplier<String>> attack(String name, Supplier<String> authorization) {
    return Named.of(name, authorization);
  }

  private static HttpRequest.Builder withAuthorization(HttpRequest.Builder builder, String authorization) {
    return authorization == null ? builder : builder.header("Authorization", authorization);
  }

  private static HttpResponse<byte[]> upload(EdgeClient client, String authorization, byte[] body) {
    return client.send(withAuthorization(client.request("/v1/media", null), authorization)
        .header("Content-Type", "image/jpeg")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  private static HttpResponse<byte[]> download(EdgeClient client, String authorization, String id) {
    return client.send(withAuthorization(client.request("/v1/media/" + id, null), authorization).GET().build());
  }

  private static void assertUnauthorized(HttpResponse<byte[]> response, String what) {
    assertEquals(401, response.statusCode(), () -> what + ": " + new String(response.body(), StandardCharsets.UTF_8));
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), what);
    JsonObject body = json(response);
    assertEquals("UNAUTHORIZED", body.getString("error"), what);
    assertTrue(body.getString("message", "").length() > 0, what + ": a message for people");
    String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
    assertTrue(challenge.startsWith("Bearer"), what + ": WWW-Authenticate: " + challenge);
  }

  private static Set<String> objectKeys() {
    return stack.objects().stream().map(S3Object::key).collect(Collectors.toSet());
  }

  private static Set<String> pendingUploads() {
    return stack.multipartUploads().stream().map(MultipartUpload::uploadId).collect(Collectors.toSet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void attackIsRefusedWith401OnUploadAndDownloadAndServerStaysHealthy(Supplier<String> attack) {
    String authorization = attack.get();
    byte[] body = MediaSamples.jpeg(4096);
    String id = MediaId.next();
    for (EdgeClient client : List.of(h1, h2)) {
      String version = client == h1 ? "HTTP/1.1" : "HTTP/2";
      assertUnauthorized(upload(client, authorization, body), "POST /v1/media over " + version);
      assertUnauthorized(download(client, authorization, id), "GET /v1/media/{id} over " + version);
    }
    HttpResponse<byte[]> health = h2.get("/healthz", null);
    assertEquals(200, health.statusCode());
    assertEquals("ok", json(health).getString("status"));
  }

  @Test
  void refusedUploadsLeaveNothingInTheBucket() {
    Set<String> objectsBefore = objectKeys();
    Set<String> uploadsBefore = pendingUploads();
    byte[] small = MediaSamples.jpeg(10_000);
    // Streamed bodies stay small enough for the client to finish sending them: the JDK client only
    // hands over a response once its request body is written, and the server never reads this one.
    byte[] streamed = MediaSamples.jpeg(32 * 1024);
    String forged = bearer(DevTokens.hs256(claims(), es256.publicKeyPem().getBytes(StandardCharsets.US_ASCII)));
    String expired = bearer(es256.tokens().mint(claims().put("iat", now() - 3600).put("exp", now() - 300)));
    for (String authorization : new String[] {null, forged, expired}) {
      for (EdgeClient client : List.of(h1, h2)) {
        assertUnauthorized(upload(client, authorization, small), "upload of known length");
        assertUnauthorized(client.send(withAuthorization(client.request("/v1/media", null), authorization)
            .header("Content-Type", "image/jpeg")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> MediaSamples.trickle(streamed, 4096)))
            .build()), "streamed upload of unknown length");
      }
    }
    assertEquals(objectsBefore, objectKeys(), "no object was written for a refused upload");
    assertEquals(uploadsBefore, pendingUploads(), "no multipart upload was started for a refused upload");
    assertEquals(200, h1.get("/healthz", null).statusCode());
  }

  /** The API's description is public: no token, cacheable by anyone, revalidated by its ETag. */
  @Test
  void openApiDocumentIsServedWithoutATokenAndRevalidatesByEtag() throws java.io.IOException {
    byte[] expected;
    try (var in = OpenApiDocument.class.getResourceAsStream("openapi.json")) {
      expected = in.readAllBytes();
    }
    for (EdgeClient client : List.of(h1, h2)) {
      HttpResponse<byte[]> served = client.get("/openapi.json", null);
      assertEquals(200, served.statusCode(), () -> new String(served.body(), StandardCharsets.UTF_8));
      assertArrayEquals(expected, served.body(), "the document on the class path, byte for byte");
      assertEquals("application/json", served.headers().firstValue("Content-Type").orElseThrow());
      assertTrue(served.headers().firstValue("Cache-Control").orElseThrow().startsWith("public, max-age="));
      assertTrue(json(served).getString("openapi").startsWith("3.1."));
      String etag = served.headers().firstValue("ETag").orElseThrow();
      assertEquals(304, client.get("/openapi.json", null, "If-None-Match", etag).statusCode());
    }
  }

  @Test
  void validRs256TokenUploadsAndTheSameUserReadsItBackWithAnEs256Token() {
    String rsaToken = rsa.tokens().mint(TestStack.USER, DevStack.ISSUER, DevStack.AUDIENCE, Duration.ofMinutes(5));
    byte[] body = MediaSamples.jpeg(3000);
    HttpResponse<byte[]> created = h2.upload(rsaToken, "image/jpeg", body);
    assertEquals(201, created.statusCode(), () -> new String(created.body(), StandardCharsets.UTF_8));
    String location = created.headers().firstValue("Location").orElseThrow();

    HttpResponse<byte[]> back = h1.get(location, stack.token());
    assertEquals(200, back.statusCode());
    assertArrayEquals(body, back.body());
    assertEquals(404, h1.get(location, stack.token(TestStack.OTHER_USER)).statusCode(), "owned by the token's subject");
  }

  @Test
  void tokenExpiredWithinTheLeewayIsStillAccepted() {
    String token = es256.tokens().mint(claims().put("iat", now() - 600).put("exp", now() - 5));
    HttpResponse<byte[]> created = h1.upload(token, "image/jpeg", MediaSamples.jpeg(1500));
    assertEquals(201, created.statusCode(), () -> new String(created.body(), StandardCharsets.UTF_8));
  }
}
