package io.mediaedge.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of this API ({@code openapi.json} next to
 * this class), to anyone. It is the same for every caller and changes only with a release, so
 * shared caches may keep it and its hash is its ETag. Read once by the composition root, never on
 * an event loop.
 */
public final class OpenApiDocument {
  static final String RESOURCE = "openapi.json";
  /** Short enough that a rolled-out release shows within minutes; the ETag makes revalidation cheap. */
  static final int MAX_AGE_SECONDS = 300;

  private final String json;
  private final String etag;

  private OpenApiDocument(String json) {
    this.json = json;
    this.etag = "\"" + sha256(json) + "\"";
  }

  /** Reads the document from the class path; a build without it cannot start. */
  public static OpenApiDocument load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path next to "
            + OpenApiDocument.class.getName());
      }
      return new OpenApiDocument(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  String json() {
    return json;
  }

  void serve(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=" + MAX_AGE_SECONDS)
        .putHeader(HttpHeaders.ETAG, etag);
    String ifNoneMatch = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
    if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(json);
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
