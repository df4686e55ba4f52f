package io.mediaedge.auth;

import io.mediaedge.config.EdgeConfig.AuthConfig;
import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Verifies the bearer token on every request. On top of the library's signature and time checks it
 * insists on what the library leaves optional: an asymmetric algorithm named in the header, an
 * {@code exp} claim, and a usable user id in the configured claim.
 */
public final class JwtAuthenticator {
  /** Larger tokens are refused unread; real ones are well under 2 KiB. */
  static final int MAX_TOKEN_LENGTH = 8192;
  static final int MAX_USER_ID_LENGTH = 256;

  /** Verified tokens kept, by their whole text; weighed by length so large tokens count for more. */
  static final long VERIFIED_CACHE_CHARS = 4L << 20;
  /** A kept token is verified again at least this often, even if its exp is far away. */
  static final Duration VERIFIED_CACHE_TTL = Duration.ofMinutes(5);

  private final JWTAuth jwt;
  private final String userClaim;
  private final long leewaySeconds;
  /**
   * An ES256 signature check costs the JDK about a millisecond of CPU, and a client sends the same
   * token with every request (a video player's range requests, an album's uploads). Only a token
   * whose exact text passed every check is kept; its exp is checked again on every use.
   */
  private final Cache<String, Principal> verified = Caffeine.newBuilder()
      .maximumWeight(VERIFIED_CACHE_CHARS)
      .weigher((String token, Principal principal) -> token.length())
      .expireAfterWrite(VERIFIED_CACHE_TTL)
      .build();

  public JwtAuthenticator(Vertx vertx, AuthConfig config) {
    JWTOptions options = new JWTOptions()
        .setLeeway((int) config.leeway().toSeconds())
        .setIgnoreExpiration(false);
    if (!config.issuer().isEmpty()) {
      options.setIssuer(config.issuer());
    }
    if (!config.audience().isEmpty()) {
      options.setAudience(List.of(config.audience()));
    }
    JWTAuthOptions authOptions = new JWTAuthOptions().setJWTOptions(options);
    for (Path file : config.publicKeyFiles()) {
      VerificationKeys.fromPemFile(file).forEach(authOptions::addPubSecKey);
    }
    config.jwksFile().ifPresent(file -> authOptions.setJwks(new ArrayList<>(VerificationKeys.fromJwksFile(file))));
    this.jwt = JWTAuth.create(vertx, authOptions);
    this.userClaim = config.userClaim();
    this.leewaySeconds = config.leeway().toSeconds();
  }

  /** The principal for an {@code Authorization} header value, or a 401 {@link ApiException}. */
  public Future<Principal> authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return Future.failedFuture(unauthorized("missing bearer token", "invalid_request"));
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(unauthorized("the Authorization header must use the Bearer scheme", "invalid_request"));
    }
    String token = authorization.substring(7).trim();
    if (token.length() > MAX_TOKEN_LENGTH) {
      return Future.failedFuture(unauthorized("the token is too long", "invalid_token"));
    }
    Principal known = verified.getIfPresent(token);
    if (known != null) {
      if (stillValid(known)) {
        return Future.succeededFuture(known);
      }
      verified.invalidate(token);
    }
    String problem = headerProblem(token);
    if (problem != null) {
      return Future.failedFuture(unauthorized(problem, "invalid_token"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(failure -> Future.failedFuture(unauthorized("the token is invalid or expired", "invalid_token")))
        .compose(user -> {
          // The library keeps the verified payload under the "accessToken" attribute.
          JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
          if (!(claims.getValue("exp") instanceof Number)) {
            return Future.failedFuture(unauthorized("the token has no exp claim", "invalid_token"));
          }
          Object id = claims.getValue(userClaim);
          if (!(id instanceof String userId) || userId.isBlank() || userId.length() > MAX_USER_ID_LENGTH) {
            return Future.failedFuture(unauthorized("the token has no usable " + userClaim + " claim", "invalid_token"));
          }
          Principal principal = new Principal(userId, claims);
          verified.put(token, principal);
          return Future.succeededFuture(principal);
        });
  }

  /** The library's own expiry rule (exp plus leeway), for a token it accepted earlier. */
  private boolean stillValid(Principal principal) {
    Number exp = (Number) principal.claims().getValue("exp");
    return Instant.now().getEpochSecond() < exp.longValue() + leewaySeconds;
  }

  /** Refuses, before any verification, tokens whose header asks for no or a symmetric algorithm. */
  private static String headerProblem(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0 || token.indexOf('.', dot + 1) < 0) {
      return "the token is not a compact JWS";
    }
    try {
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(0, dot)),
          StandardCharsets.UTF_8));
      String alg = header.getString("alg");
      if (alg == null || !VerificationKeys.ASYMMETRIC.contains(alg)) {
        return "the token's algorithm is not accepted";
      }
      return null;
    } catch (RuntimeException e) {
      return "the token header is malformed";
    }
  }

  private static ApiException unauthorized(String message, String oauthError) {
    return ErrorCode.UNAUTHORIZED.error("Unauthorized: " + message + ".")
        .withHeader("WWW-Authenticate", "Bearer error=\"" + oauthError + "\"");
  }
}
