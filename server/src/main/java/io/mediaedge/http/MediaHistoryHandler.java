package io.mediaedge.http;

import io.mediaedge.auth.Principal;

import io.mediaedge.errors.ErrorCode;
import io.mediaedge.media.MediaApi;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The listing and a media's history, owner only. Both read Cassandra: with history off the
 * {@link MediaApi} refuses them with 501 HISTORY_DISABLED.
 */
final class MediaHistoryHandler {
  static final int DEFAULT_PAGE = 50;
  private final MediaApi media;
  private final ListingCursor cursors;
  private final Optional<LinkHandler> links;

  MediaHistoryHandler(MediaApi media, ListingCursor cursors, Optional<LinkHandler> links) {
    this.media = media;
    this.cursors = cursors;
    this.links = links;
  }

  /**
   * {@code GET /v1/media?limit=&cursor=[&links=true][&thumbnails=true]}: newest first, keyset-paged
   * behind a signed cursor; with {@code links=true} each item carries a signed link, with
   * {@code thumbnails=true} its ready thumbnails (one more Cassandra request for the page), so a
   * gallery needs one request.
   */
  void list(RoutingContext ctx) {
    Principal principal = AuthHandler.principal(ctx);
    String owner = principal.userId();
    int limit = limit(ctx.request().getParam("limit"));
    boolean withLinks = withLinks(ctx.request().getParam("links"));
    boolean withThumbnails = flag(ctx.request().getParam("thumbnails"), "thumbnails");
    Optional<String> after = cursors.decode(owner, ctx.request().getParam("cursor"));
    media.list(owner, after, limit).compose(page -> {
      Future<Map<String, List<MediaApi.ReadyThumbnail>>> thumbnails = withThumbnails
          ? media.thumbnails(owner, page.items().stream().map(MediaApi.Listed::id).toList())
          : Future.succeededFuture(Map.of());
      return thumbnails.map(ready -> {
        JsonArray items = new JsonArray();
        page.items().forEach(item -> {
          JsonObject json = MediaJson.of(item);
          if (withLinks) {
            json.put("link", links.orElseThrow().listed(ctx, principal, item.id()));
          }
          if (withThumbnails) {
            json.put("thumbnails", thumbnailsJson(ctx, principal, item.id(), ready.getOrDefault(item.id(), List.of()),
                withLinks));
          }
          items.add(json);
        });
        JsonObject body = new JsonObject().put("items", items);
        page.lastMediaId().ifPresent(last -> body.put("nextCursor", cursors.encode(owner, last)));
        return body;
      });
    }).onSuccess(body -> json(ctx, body)).onFailure(ctx::fail);
  }

  /** Ready thumbnails, smallest first: where each is, its size, and its signed link when asked. */
  private JsonArray thumbnailsJson(RoutingContext ctx, Principal owner, String mediaId,
      List<MediaApi.ReadyThumbnail> ready, boolean withLinks) {
    JsonArray out = new JsonArray();
    ready.stream().sorted(java.util.Comparator.comparingInt(MediaApi.ReadyThumbnail::size)).forEach(thumbnail -> {
      JsonObject json = new JsonObject().put("size", thumbnail.size()).put("width", thumbnail.width())
          .put("height", thumbnail.height())
          .put("location", "/v1/media/" + mediaId + "/thumbnails/" + thumbnail.size());
      if (withLinks) {
        json.put("link", links.orElseThrow().listedThumbnail(ctx, owner, mediaId, thumbnail.size()));
      }
      out.add(json);
    });
    return out;
  }

  /**
   * {@code GET /v1/media/{id}/history}: that media's events, oldest first, and its thumbnails as the
   * worker settled them (empty until it has), owner only.
   */
  void history(RoutingContext ctx) {
    media.history(AuthHandler.principal(ctx).userId(), ctx.pathParam("id"))
        .onSuccess(history -> json(ctx, new JsonObject().put("mediaId", ctx.pathParam("id"))
            .put("events", MediaJson.events(history.events()))
            .put("thumbnails", MediaJson.thumbnails(history.thumbnails()))))
        .onFailure(ctx::fail);
  }

  private static boolean flag(String value, String name) {
    if (value == null || value.equals("false")) {
      return false;
    }
    if (!value.equals("true")) {
      throw ErrorCode.BAD_REQUEST.error(name + " must be true or false.");
    }
    return true;
  }

  private boolean withLinks(String value) {
    if (!flag(value, "links")) {
      return false;
    }
    if (links.isEmpty()) {
      throw ErrorCode.BAD_REQUEST.error("Signed links are turned off in this region (links.enabled).");
    }
    return true;
  }

  private static int limit(String value) {
    if (value == null || value.isEmpty()) {
      return DEFAULT_PAGE;
    }
    if (!value.matches("\\d{1,4}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MediaApi.MAX_PAGE) {
      throw ErrorCode.BAD_REQUEST.error("limit must be a whole number from 1 to " + MediaApi.MAX_PAGE + ".");
    }
    return Integer.parseInt(value);
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }
}
