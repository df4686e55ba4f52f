package io.mediaedge.http;

import io.mediaedge.auth.Principal;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.media.MediaService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.temporal.ChronoUnit;
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

/**
 * {@code GET}/{@code HEAD /v1/media/{id}}, {@code DELETE}, the listing and the history: owner only.
 * Anyone else gets the same 404 as for a missing id, so ids cannot be probed. Cassandra says what
 * exists and whose it is; S3 only serves the bytes.
 */
final class MediaHandler {
  static final int DEFAULT_PAGE = 50;
  private final MediaStore store;
  private final MediaService media;
  private final ListingCursor cursors;
  private final EdgeHandler edge;

  MediaHandler(MediaStore store, MediaService media, ListingCursor cursors, EdgeHandler edge) {
    this.store = store;
    this.media = media;
    this.cursors = cursors;
    this.edge = edge;
  }

  void download(RoutingContext ctx) {
    long startedNanos = System.nanoTime();
    HttpServerRequest request = ctx.request();
    Principal principal = AuthHandler.principal(ctx);
    media.findActive(principal.userId(), ctx.pathParam("id")).compose(found -> {
      HttpServerResponse response = ctx.response();
      String etag = "\"" + found.sha256() + "\"";
      Instant lastModified = found.createdAt().truncatedTo(ChronoUnit.SECONDS);
      response.putHeader(HttpHeaders.ETAG, etag)
          .putHeader(HttpHeaders.CACHE_CONTROL, "private")
          .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
          .putHeader(HttpHeaders.LAST_MODIFIED, httpDate(lastModified));
      if (notModified(request, etag, lastModified)) {
        response.setStatusCode(304).end();
        return Future.succeededFuture();
      }
      long first = 0;
      long last = found.size() - 1;
      String range = ifRangeHolds(request, etag, lastModified) ? request.getHeader("Range") : null;
      ByteRange.Result parsed = ByteRange.parse(range, found.size());
      if (parsed instanceof ByteRange.Satisfiable s) {
        first = s.first();
        last = s.last();
        response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, s.contentRangeHeader(found.size()));
      } else if (parsed instanceof ByteRange.Unsatisfiable u) {
        return Future.failedFuture(ErrorCode.RANGE_NOT_SATISFIABLE.error()
            .withHeader("Content-Range", u.contentRangeHeader(found.size())));
      } else if (parsed instanceof ByteRange.Malformed m) {
        return Future.failedFuture(ErrorCode.INVALID_RANGE.error("The Range header is not valid: " + m.why() + "."));
      } else {
        response.setStatusCode(200);
      }
      long length = last - first + 1;
      response.putHeader(HttpHeaders.CONTENT_TYPE, found.contentType())
          .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(length));
      if (request.method() == HttpMethod.HEAD) {
        return response.end();
      }
      return store.get(found.objectKey(), first, last)
          .compose(content -> ObjectBodyWriter.write(content, response))
          .onSuccess(v -> media.recordDownload(found, length, (System.nanoTime() - startedNanos) / 1_000_000,
              response.getStatusCode(), edge.origin(ctx)));
    }).onFailure(ctx::fail);
  }

  void delete(RoutingContext ctx) {
    long startedNanos = System.nanoTime();
    media.delete(AuthHandler.principal(ctx).userId(), ctx.pathParam("id"), startedNanos, edge.origin(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** {@code GET /v1/media?limit=&cursor=}: newest first, keyset-paged behind a signed cursor. */
  void list(RoutingContext ctx) {
    String owner = AuthHandler.principal(ctx).userId();
    int limit = limit(ctx.request().getParam("limit"));
    Optional<String> after = cursors.decode(owner, ctx.request().getParam("cursor"));
    media.list(owner, after, limit).onSuccess(page -> {
      JsonArray items = new JsonArray();
      page.items().forEach(item -> items.add(MediaJson.of(item)));
      JsonObject body = new JsonObject().put("items", items);
      page.lastMediaId().ifPresent(last -> body.put("nextCursor", cursors.encode(owner, last)));
      json(ctx, body);
    }).onFailure(ctx::fail);
  }

  /** {@code GET /v1/media/{id}/history}: that media's events, oldest first, owner only. */
  void history(RoutingContext ctx) {
    media.events(AuthHandler.principal(ctx).userId(), ctx.pathParam("id"))
        .onSuccess(events -> json(ctx, new JsonObject().put("mediaId", ctx.pathParam("id"))
            .put("events", MediaJson.events(events))))
        .onFailure(ctx::fail);
  }

  private static int limit(String value) {
    if (value == null || value.isEmpty()) {
      return DEFAULT_PAGE;
    }
    if (!value.matches("\\d{1,4}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MediaService.MAX_PAGE) {
      throw ErrorCode.BAD_REQUEST.error("limit must be a whole number from 1 to " + MediaService.MAX_PAGE + ".");
    }
    return Integer.parseInt(value);
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
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
