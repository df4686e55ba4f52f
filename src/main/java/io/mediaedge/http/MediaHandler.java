package io.mediaedge.http;

import io.mediaedge.auth.Principal;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.storage.MediaStore.ObjectInfo;
import io.mediaedge.storage.ObjectKeys;
import io.mediaedge.upload.MediaId;
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
 * {@code GET}/{@code HEAD /v1/media/{id}} and {@code DELETE}: owner only. Anyone else gets the
 * same 404 as for a missing id, so ids cannot be probed.
 */
final class MediaHandler {
  private final MediaStore store;

  MediaHandler(MediaStore store) {
    this.store = store;
  }

  void download(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    owned(ctx).compose(info -> {
      HttpServerResponse response = ctx.response();
      response.putHeader(HttpHeaders.ETAG, info.etag())
          .putHeader(HttpHeaders.CACHE_CONTROL, "private")
          .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
      if (info.lastModified() != null) {
        response.putHeader(HttpHeaders.LAST_MODIFIED, httpDate(info.lastModified()));
      }
      if (notModified(request, info)) {
        response.setStatusCode(304).end();
        return Future.succeededFuture();
      }
      long first = 0;
      long last = info.size() - 1;
      String range = ifRangeHolds(request, info) ? request.getHeader("Range") : null;
      ByteRange.Result parsed = ByteRange.parse(range, info.size());
      if (parsed instanceof ByteRange.Satisfiable s) {
        first = s.first();
        last = s.last();
        response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, s.contentRangeHeader(info.size()));
      } else if (parsed instanceof ByteRange.Unsatisfiable u) {
        return Future.failedFuture(ErrorCode.RANGE_NOT_SATISFIABLE.error()
            .withHeader("Content-Range", u.contentRangeHeader(info.size())));
      } else if (parsed instanceof ByteRange.Malformed m) {
        return Future.failedFuture(ErrorCode.INVALID_RANGE.error("The Range header is not valid: " + m.why() + "."));
      } else {
        response.setStatusCode(200);
      }
      response.putHeader(HttpHeaders.CONTENT_TYPE, info.contentType())
          .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(last - first + 1));
      if (request.method() == HttpMethod.HEAD) {
        return response.end();
      }
      return store.get(info.key(), first, last).compose(content -> {
        ResponseBodySubscriber subscriber = new ResponseBodySubscriber(ctx.vertx().getOrCreateContext(), response);
        content.body().subscribe(subscriber);
        return subscriber.done();
      });
    }).onFailure(ctx::fail);
  }

  void delete(RoutingContext ctx) {
    owned(ctx).compose(info -> store.delete(info.key()))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** The object if the caller owns it; 404 otherwise. */
  private Future<ObjectInfo> owned(RoutingContext ctx) {
    Principal principal = AuthHandler.principal(ctx);
    String id = ctx.pathParam("id");
    if (!MediaId.isValid(id)) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.error());
    }
    return store.head(ObjectKeys.mediaKey(principal.userId(), id)).compose(found -> found
        .filter(info -> principal.userId().equals(info.metadata().get("owner")))
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ErrorCode.NOT_FOUND.error())));
  }

  private static boolean notModified(HttpServerRequest request, ObjectInfo info) {
    String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
    if (ifNoneMatch != null) {
      return etagListMatches(ifNoneMatch, info.etag());
    }
    Optional<Instant> since = parseHttpDate(request.getHeader(HttpHeaders.IF_MODIFIED_SINCE));
    return since.isPresent() && info.lastModified() != null
        && !info.lastModified().isAfter(since.get().plusMillis(999));
  }

  /** An If-Range that names another version voids the Range: the client gets the whole object. */
  private static boolean ifRangeHolds(HttpServerRequest request, ObjectInfo info) {
    String ifRange = request.getHeader("If-Range");
    if (ifRange == null) {
      return true;
    }
    String value = ifRange.trim();
    if (value.startsWith("\"")) {
      return value.equals(info.etag());
    }
    return parseHttpDate(value).map(date -> info.lastModified() != null
        && info.lastModified().getEpochSecond() == date.getEpochSecond()).orElse(false);
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
