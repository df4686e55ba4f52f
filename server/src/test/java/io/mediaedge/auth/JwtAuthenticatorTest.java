package io.mediaedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mediaedge.config.ConfigException;
import io.mediaedge.config.EdgeConfig.AuthConfig;
import io.mediaedge.devstack.DevJwtKeys;
import io.mediaedge.devstack.DevTokens;
import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bearer-token check against real keys and a real Vert.x: the tokens an issuer mints pass, and
 * every classic forgery or misuse is a 401 that tells the client to authenticate.
 */
class JwtAuthenticatorTest {
  private static final String ISSUER = "https://issuer.test";
  private static final String AUDIENCE = "media-edge";

  @TempDir static Path dir;
  private static Vertx vertx;
  private static DevJwtKeys es256;
  private static DevJwtKeys rsa;
  private static DevJwtKeys stranger;
  private static JwtAuthenticator authenticator;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    es256 = DevJwtKeys.es256(dir.resolve("trusted"));
    rsa = DevJwtKeys.rsa(dir.resolve("trusted"));
    stranger = DevJwtKeys.es256(dir.resolve("stranger"));
    authenticator = new JwtAuthenticator(vertx, config("sub", Duration.ofSeconds(30)));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static AuthConfig config(String userClaim, Duration leeway) {
    return new AuthConfig(List.of(es256.publicKeyFile(), rsa.publicKeyFile()), Optional.empty(), ISSUER, AUDIENCE,
        leeway, userClaim);
  }

  private static AuthConfig jwksConfig(Path jwks) {
    return new AuthConfig(List.of(), Optional.of(jwks), ISSUER, AUDIENCE, Duration.ofSeconds(30), "sub");
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }

  /** Claims a trusted issuer would put in a token for {@code user}, valid for ten minutes. */
  private static JsonObject claims(String user) {
    return new JsonObject().put("sub", user).put("iss", ISSUER).put("aud", AUDIENCE).put("iat", now())
        .put("exp", now() + 600);
  }

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  private static Principal accepted(JwtAuthenticator verifier, String authorization) {
    try {
      return await(verifier.authenticate(authorization));
    } catch (ExecutionException e) {
      return fail("expected the token to be accepted, got " + e.getCause(), e.getCause());
    }
  }

  private static ApiException refused(JwtAuthenticator verifier, String authorization) {
    try {
      Principal principal = await(verifier.authenticate(authorization));
      return fail("expected a 401, but the token was accepted for " + principal.userId());
    } catch (ExecutionException e) {
      return assertInstanceOf(ApiException.class, e.getCause());
    }
  }

  private static <T> T await(Future<T> future) throws ExecutionException {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 10 s", e);
    }
  }

  private static void assertUnauthorized(ApiException error) {
    assertEquals(ErrorCode.UNAUTHORIZED, error.code());
    assertEquals(401, error.status());
    String challenge = error.headers().get("WWW-Authenticate");
    assertTrue(challenge != null && challenge.startsWith("Bearer"), "WWW-Authenticate: " + challenge);
  }

  @Test
  void validEs256TokenGivesThePrincipalFromTheSubject() {
    Principal principal = accepted(authenticator, bearer(es256.tokens().mint("alice", ISSUER, AUDIENCE,
        Duration.ofMinutes(5))));
    assertEquals("alice", principal.userId());
    assertEquals(ISSUER, principal.claims().getString("iss"));
  }

  @Test
  void validRs256TokenGivesThePrincipalFromTheSubject() {
    Principal principal = accepted(authenticator, bearer(rsa.tokens().mint("bob", ISSUER, AUDIENCE,
        Duration.ofMinutes(5))));
    assertEquals("bob", principal.userId());
  }

  @Test
  void tokenNamingAKeyIdIsVerifiedAgainstPemKeysWithoutOne() {
    // Real issuers put a kid in every header; a PEM key has none, so the kid must not get in the way.
    Principal principal = accepted(authenticator, bearer(es256.tokens(es256.kid()).mint(claims("alice"))));
    assertEquals("alice", principal.userId());
  }

  @Test
  void bearerSchemeIsCaseInsensitive() {
    String token = es256.tokens().mint("alice", ISSUER, AUDIENCE, Duration.ofMinutes(5));
    assertEquals("alice", accepted(authenticator, "bearer " + token).userId());
  }

  @Test
  void audienceListContainingOursIsAccepted() {
    JsonObject claims = claims("alice").put("aud", new JsonArray().add("other-service").add(AUDIENCE));
    assertEquals("alice", accepted(authenticator, bearer(es256.tokens().mint(claims))).userId());
  }

  @Test
  void userIdComesFromTheConfiguredClaim() {
    JwtAuthenticator byUid = new JwtAuthenticator(vertx, config("uid", Duration.ofSeconds(30)));
    JsonObject claims = claims("service-account-7").put("uid", "u-42");
    Principal principal = accepted(byUid, bearer(rsa.tokens().mint(claims)));
    assertEquals("u-42", principal.userId());
    assertEquals("service-account-7", principal.claims().getString("sub"), "all verified claims are kept");

    ApiException noUid = refused(byUid, bearer(rsa.tokens().mint(claims("alice"))));
    assertUnauthorized(noUid);
  }

  @Test
  void tokenExpiredWithinTheLeewayIsAccepted() {
    JsonObject claims = claims("alice").put("iat", now() - 600).put("exp", now() - 10);
    String token = bearer(es256.tokens().mint(claims));
    assertEquals("alice", accepted(authenticator, token).userId());

    JwtAuthenticator strict = new JwtAuthenticator(vertx, config("sub", Duration.ZERO));
    assertUnauthorized(refused(strict, token));
  }

  @Test
  void aTokenAcceptedBeforeIsRefusedOnceItExpires() throws InterruptedException {
    // The verified-token cache must not outlive exp: mint one that expires in about two seconds.
    JwtAuthenticator strict = new JwtAuthenticator(vertx, config("sub", Duration.ZERO));
    long exp = now() + 2;
    String token = bearer(es256.tokens().mint(claims("alice").put("exp", exp)));
    assertEquals("alice", accepted(strict, token).userId());
    assertEquals("alice", accepted(strict, token).userId(), "the second use comes from the cache");
    while (now() < exp) {
      Thread.sleep(100);
    }
    assertUnauthorized(refused(strict, token));
  }

  @Test
  void aCachedTokenWithAnotherSignatureIsStillRefused() {
    String token = es256.tokens().mint("alice", ISSUER, AUDIENCE, Duration.ofMinutes(5));
    assertEquals("alice", accepted(authenticator, bearer(token)).userId());
    String signature = token.substring(token.lastIndexOf('.') + 1);
    String otherSignature = stranger.tokens().mint("alice", ISSUER, AUDIENCE, Duration.ofMinutes(5));
    String forged = token.substring(0, token.lastIndexOf('.') + 1)
        + otherSignature.substring(otherSignature.lastIndexOf('.') + 1);
    assertTrue(!forged.endsWith(signature));
    assertUnauthorized(refused(authenticator, bearer(forged)));
  }

  @Test
  void tokenNotYetValidWithinTheLeewayIsAccepted() {
    JsonObject claims = claims("alice").put("nbf", now() + 10);
    assertEquals("alice", accepted(authenticator, bearer(es256.tokens().mint(claims))).userId());
  }

  /** Tokens and headers a caller must never get through with. */
  static Stream<Named<Supplier<String>>> attacks() {
    return Stream.of(
        attack("missing header", () -> null),
        attack("empty header", () -> ""),
        attack("Bearer with no token", () -> "Bearer "),
        attack("Basic scheme", () -> "Basic YWxpY2U6cGFzc3dvcmQ="),
        attack("token without a scheme", () -> es256.tokens().mint(claims("alice"))),
        attack("garbage", () -> bearer("this-is-not-a-jwt")),
        attack("garbage with dots", () -> bearer("a.b.c")),
        attack("two-part token", () -> {
          String[] parts = es256.tokens().mint(claims("alice")).split("\\.");
          return bearer(parts[0] + "." + parts[1]);
        }),
        attack("four-part token", () -> bearer(es256.tokens().mint(claims("alice")) + ".AAAA")),
        attack("expired beyond the leeway", () -> bearer(es256.tokens().mint(
            claims("alice").put("iat", now() - 3600).put("exp", now() - 300)))),
        attack("not yet valid (nbf)", () -> bearer(es256.tokens().mint(claims("alice").put("nbf", now() + 300)))),
        attack("wrong audience", () -> bearer(es256.tokens().mint(claims("alice").put("aud", "another-service")))),
        attack("no audience", () -> {
          JsonObject claims = claims("alice");
          claims.remove("aud");
          return bearer(es256.tokens().mint(claims));
        }),
        attack("wrong issuer", () -> bearer(es256.tokens().mint(claims("alice").put("iss", "https://evil.test")))),
        attack("no issuer", () -> {
          JsonObject claims = claims("alice");
          claims.remove("iss");
          return bearer(es256.tokens().mint(claims));
        }),
        attack("no exp claim", () -> {
          JsonObject claims = claims("alice");
          claims.remove("exp");
          return bearer(es256.tokens().mint(claims));
        }),
        attack("alg none, unsigned", () -> bearer(DevTokens.unsigned(claims("alice")))),
        attack("alg none with a signature copied from a real token", () -> {
          String real = es256.tokens().mint(claims("alice"));
          String none = DevTokens.unsigned(claims("alice"));
          return bearer(none + real.substring(real.lastIndexOf('.') + 1));
        }),
        attack("HS256 keyed with the ES256 public key PEM", () -> bearer(DevTokens.hs256(claims("alice"),
            es256.publicKeyPem().getBytes(StandardCharsets.US_ASCII)))),
        attack("HS256 keyed with the RS256 public key file", () -> bearer(DevTokens.hs256(claims("alice"),
            readBytes(rsa.publicKeyFile())))),
        attack("signed by an unknown key", () -> bearer(stranger.tokens().mint(claims("alice")))),
        attack("header says ES256, signed RS256", () -> bearer(rsa.tokens().sign(
            new JsonObject().put("alg", "ES256").put("typ", "JWT"), claims("alice")))),
        attack("header says RS256, signed ES256", () -> bearer(es256.tokens().sign(
            new JsonObject().put("alg", "RS256").put("typ", "JWT"), claims("alice")))),
        attack("oversize token", () -> bearer(es256.tokens().mint(claims("alice").put("pad", "x".repeat(9000))))),
        attack("no user claim", () -> {
          JsonObject claims = claims("alice");
          claims.remove("sub");
          return bearer(es256.tokens().mint(claims));
        }),
        attack("numeric user claim", () -> bearer(es256.tokens().mint(claims("alice").put("sub", 12345)))),
        attack("object user claim", () -> bearer(es256.tokens().mint(
            claims("alice").put("sub", new JsonObject().put("id", "alice"))))),
        attack("blank user claim", () -> bearer(es256.tokens().mint(claims("alice").put("sub", "  ")))),
        attack("tampered payload", () -> {
          String[] real = es256.tokens().mint(claims("alice")).split("\\.");
          String[] other = es256.tokens().mint(claims("admin")).split("\\.");
          return bearer(real[0] + "." + other[1] + "." + real[2]);
        }));
  }

  private static Named<Supplier<String>> attack(String name, Supplier<String> authorization) {
    return Named.of(name, authorization);
  }

  private static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void attackIsUnauthorizedWithABearerChallenge(Supplier<String> authorization) {
    assertUnauthorized(refused(authenticator, authorization.get()));
  }

  @Test
  void tokenJustUnderTheSizeLimitIsStillRead() {
    JsonObject claims = claims("alice");
    String small = es256.tokens().mint(claims);
    // pad so the token lands just under the limit: base64url grows the JSON by 4/3
    int room = (JwtAuthenticator.MAX_TOKEN_LENGTH - small.length()) * 3 / 4 - 16;
    String token = es256.tokens().mint(claims.put("pad", "x".repeat(room)));
    assertTrue(token.length() <= JwtAuthenticator.MAX_TOKEN_LENGTH, "token is " + token.length());
    assertEquals("alice", accepted(authenticator, bearer(token)).userId());
  }

  @Test
  void jwksFileWithThePublicKeysVerifiesTokens() throws IOException {
    Path jwks = Files.writeString(dir.resolve("trusted.jwks"), new JsonObject()
        .put("keys", new JsonArray().add(es256.publicJwk()).add(rsa.publicJwk())).encode());
    JwtAuthenticator fromJwks = new JwtAuthenticator(vertx, jwksConfig(jwks));
    assertEquals("alice", accepted(fromJwks, bearer(es256.tokens(es256.kid()).mint(claims("alice")))).userId());
    assertEquals("bob", accepted(fromJwks, bearer(rsa.tokens(rsa.kid()).mint(claims("bob")))).userId());
    assertUnauthorized(refused(fromJwks, bearer(stranger.tokens(stranger.kid()).mint(claims("alice")))));
    assertUnauthorized(refused(fromJwks, bearer(DevTokens.unsigned(claims("alice")))));
    // a trusted kid on a token signed by another key
    assertUnauthorized(refused(fromJwks, bearer(stranger.tokens(es256.kid()).mint(claims("alice")))));
  }

  @Test
  void jwksKeysAlsoVerifyTokensWithoutAKeyId() throws IOException {
    Path jwks = Files.writeString(dir.resolve("for-no-kid.jwks"),
        new JsonObject().put("keys", new JsonArray().add(es256.publicJwk())).encode());
    JwtAuthenticator fromJwks = new JwtAuthenticator(vertx, jwksConfig(jwks));
    assertEquals("alice", accepted(fromJwks, bearer(es256.tokens().mint(claims("alice")))).userId());
  }

  @Test
  void jwksWithoutAlgMembersStillGetsAnAsymmetricAlgorithm() throws IOException {
    JsonObject ec = es256.publicJwk();
    ec.remove("alg");
    JsonObject rs = rsa.publicJwk();
    rs.remove("alg");
    Path jwks = Files.writeString(dir.resolve("no-alg.jwks"),
        new JsonObject().put("keys", new JsonArray().add(ec).add(rs)).encode());
    JwtAuthenticator fromJwks = new JwtAuthenticator(vertx, jwksConfig(jwks));
    assertEquals("alice", accepted(fromJwks, bearer(es256.tokens(es256.kid()).mint(claims("alice")))).userId());
    assertEquals("bob", accepted(fromJwks, bearer(rsa.tokens(rsa.kid()).mint(claims("bob")))).userId());
  }

  @Test
  void jwksWithASymmetricKeyIsRefused() throws IOException {
    JsonObject oct = new JsonObject().put("kty", "oct").put("kid", "shared").put("alg", "HS256")
        .put("k", DevTokens.base64Url("a shared secret of thirty-two b!".getBytes(StandardCharsets.US_ASCII)));
    Path jwks = Files.writeString(dir.resolve("oct.jwks"),
        new JsonObject().put("keys", new JsonArray().add(es256.publicJwk()).add(oct)).encode());
    ConfigException error = assertThrows(ConfigException.class, () -> new JwtAuthenticator(vertx, jwksConfig(jwks)));
    assertTrue(error.getMessage().contains("auth.jwksFile"), error.getMessage());
  }

  @Test
  void jwksWithAnHmacAlgorithmOnAnAsymmetricKeyIsRefused() throws IOException {
    Path jwks = Files.writeString(dir.resolve("hs-alg.jwks"),
        new JsonObject().put("keys", new JsonArray().add(rsa.publicJwk().put("alg", "HS256"))).encode());
    ConfigException error = assertThrows(ConfigException.class, () -> new JwtAuthenticator(vertx, jwksConfig(jwks)));
    assertTrue(error.getMessage().contains("auth.jwksFile"), error.getMessage());
  }

  @Test
  void jwksWithAPrivateKeyIsRefused() throws IOException {
    JsonObject withPrivate = es256.publicJwk().put("d", DevTokens.base64Url(new byte[32]));
    Path jwks = Files.writeString(dir.resolve("private.jwks"),
        new JsonObject().put("keys", new JsonArray().add(withPrivate)).encode());
    ConfigException error = assertThrows(ConfigException.class, () -> new JwtAuthenticator(vertx, jwksConfig(jwks)));
    assertTrue(error.getMessage().contains("auth.jwksFile"), error.getMessage());
    assertTrue(error.getMessage().contains("private"), error.getMessage());
  }

  @Test
  void jwksThatIsEmptyOrNotJsonIsRefused() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.jwks"), "{\"keys\":[]}");
    assertThrows(ConfigException.class, () -> new JwtAuthenticator(vertx, jwksConfig(empty)));
    Path garbage = Files.writeString(dir.resolve("garbage.jwks"), "-----BEGIN PUBLIC KEY-----");
    assertThrows(ConfigException.class, () -> new JwtAuthenticator(vertx, jwksConfig(garbage)));
  }

  @Test
  void privateKeyPemInPublicKeyFilesIsRefused() {
    AuthConfig leaked = new AuthConfig(List.of(es256.privateKeyFile()), Optional.empty(), ISSUER, AUDIENCE,
        Duration.ofSeconds(30), "sub");
    ConfigException error = assertThrows(ConfigException.class, () -> new JwtAuthenticator(vertx, leaked));
    assertTrue(error.getMessage().contains("auth.publicKeyFiles"), error.getMessage());
  }

  @Test
  void fileWithoutAnyPemKeyIsRefused() throws IOException {
    Path notPem = Files.writeString(dir.resolve("not-a-key.pem"), "hello");
    AuthConfig config = new AuthConfig(List.of(notPem), Optional.empty(), ISSUER, AUDIENCE, Duration.ofSeconds(30),
        "sub");
    assertThrows(ConfigException.class, () -> new JwtAuthenticator(vertx, config));
  }
}
