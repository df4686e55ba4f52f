package io.mediaedge.http;

import io.mediaedge.auth.Principal;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.media.MediaApi;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code GET}/{@code HEAD /v1/media/{id}} and {@code DELETE}: owner only. Anyone else gets the same
 * 404 as for a missing id, so ids cannot be probed. The {@link MediaApi} says what exists and
 * whose it is (Cassandra with history on, the object itself with it off), and hands the bytes.
 */
final class MediaHandler {
  private final MediaApi directory;
  private final EdgeHandler edge;

  MediaHandler(MediaApi directory, EdgeHandler edge) {
    this.directory = directory;
    this.edge = edge;
  }

  void download(RoutingContext ctx) {
    Principal principal = AuthHandler.principal(ctx);
    serve(ctx, directory.find(principal.userId(), ctx.pathParam("id")),
        response -> response.putHeader(HttpHeaders.CACHE_CONTROL, "private"));
  }

  /** {@code GET}/{@code HEAD /v1/media/{id}/thumbnails/{size}}: owner only, like the media itself. */
  void thumbnail(RoutingContext ctx) {
    Principal principal = AuthHandler.principal(ctx);
    int size = thumbnailSize(ctx.pathParam("size"));
    serve(ctx, directory.thumbnail(principal.userId(), ctx.pathParam("id"), size, false),
        response -> response.putHeader(HttpHeaders.CACHE_CONTROL, "private"));
  }

  /** A size is a few digits; anything else names no thumbnail. */
  static int thumbnailSize(String text) {
    if (text == null || !text.matches("[1-9][0-9]{0,3}")) {
      throw ErrorCode.NOT_FOUND.error();
    }
    return Integer.parseInt(text);
  }

  /**
   * Answers a GET or HEAD with the media {@code lookup} finds: validators, conditionals, ranges, the
   * bytes streamed, the DOWNLOAD event. {@code describe} adds what differs between the owner's
   * route and a signed link (caching, disposition); it runs once the media is found.
   */
  void serve(RoutingContext ctx, Future<MediaApi.Entry> lookup, Consumer<HttpServerResponse> describe) {
    long startedNanos = System.nanoTime();
    HttpServerRequest request = ctx.request();
    lookup.compose(found -> {
      HttpServerResponse response = ctx.response();
      String etag = found.etag();
      Instant lastModified = found.lastModified();
      describe.accept(response);
      response.putHeader(HttpHeaders.ETAG, etag)
          .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
          .putHeader(HttpHeaders.LAST_MODIFIED, httpDate(lastModified));
      if (notModified(request, etag, lastModified)) {
        response.setStatusCode(304).end();
        return Future.succeededFuture();
      }
      String range = ifRangeHolds(request, etag, lastModified) ? request.getHeader("Range") : null;
      ByteRange.Result parsed = ByteRange.parse(range, found.size());
      if (parsed instanceof ByteRange.Unsatisfiable u) {
        return Future.failedFuture(ErrorCode.RANGE_NOT_SATISFIABLE.error()
            .withHeader("Content-Range", u.contentRangeHeader(found.size())));
      } else if (parsed instanceof ByteRange.Malformed m) {
        return Future.failedFuture(ErrorCode.INVALID_RANGE.error("The Range header is not valid: " + m.why() + "."));
      }
      ByteRange.Satisfiable part = parsed instanceof ByteRange.Satisfiable s ? s : null;
      long first = part == null ? 0 : part.first();
      long last = part == null ? found.size() - 1 : part.last();
      long length = last - first + 1;
      // Status and body headers go on only once the bytes are at hand: when the read fails (the
      // object went away after the lookup) the error answer must not claim the body's length.
      Runnable describeBody = () -> {
        if (part != null) {
          response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, part.contentRangeHeader(found.size()));
        } else {
          response.setStatusCode(200);
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, found.contentType())
            .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(length));
      };
      if (request.method() == HttpMethod.HEAD) {
        describeBody.run();
        return response.end();
      }
      return found.read(first, last).compose(content -> {
        describeBody.run();
        return ObjectBodyWriter.write(content, response);
      }).onSuccess(v -> found.served(length, (System.nanoTime() - startedNanos) / 1_000_000,
          response.getStatusCode(), edge.origin(ctx)));
    }).onFailure(ctx::fail);
  }

  void delete(RoutingContext ctx) {
    long startedNanos = System.nanoTime();
    directory.delete(AuthHandler.principal(ctx).userId(), ctx.pathParam("id"), startedNanos, edge.origin(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static boolean notModified(HttpServerRequest request, String etag, Instant lastModified) {
    String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
    if (ifNoneMatch != null) {
      return etagListMatches(ifNoneMatch, etag);
    }
    Optional<Instant> since = parseHttpDate(request.getHeader(HttpHeaders.IF_MODIFIED_SINCE));
    return since.isPresent() && !lastModified.isAfter(since.get());
  }

  /** An If-Range that names another version voids the Range: the client gets the whole object. */
  private static boolean ifRangeHolds(HttpServerRequest request, String etag, Instant lastModified) {
    String ifRange = request.getHeader("If-Range");
    if (ifRange == null) {
      return true;
    }
    String value = ifRange.trim();
    if (value.startsWith("\"")) {
      return value.equals(etag);
    }
    return parseHttpDate(value).map(date -> lastModified.getEpochSecond() == date.getEpochSecond()).orElse(false);
  }

  private static boolean etagListMatches(String header, String etag) {
    for (String candidate : header.split(",")) {
      String tag = candidate.trim();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals("*") || tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  private static String httpDate(Instant instant) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  private static Optional<Instant> parseHttpDate(String value) {
    if (value == null || value.length() > 64) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
