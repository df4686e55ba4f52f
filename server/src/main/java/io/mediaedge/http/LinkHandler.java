package io.mediaedge.http;

import io.mediaedge.auth.Principal;
import io.mediaedge.config.LinksConfig;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.links.LinkOptions;
import io.mediaedge.links.LinkOptions.Binding;
import io.mediaedge.links.LinkOptions.Disposition;
import io.mediaedge.links.LinkSigner;
import io.mediaedge.links.LinkSigner.Grant;
import io.mediaedge.links.LinkSigner.SignedLink;
import io.mediaedge.media.MediaApi;
import io.mediaedge.media.MediaId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Signed download links: {@code POST /v1/media/{id}/links} (the owner makes one) and
 * {@code GET}/{@code HEAD /v1/media/{id}/content?u=&exp=&kid=[&ip=][&d=][&fn=]&sig=} (anyone who
 * holds it reads, no token). A link that does not check out gets 403 whether or not the media
 * exists; one that does, for a media deleted since, 404.
 */
final class LinkHandler {
  /** Link options are a few fields; anything bigger is not link options. */
  static final int MAX_OPTIONS_BYTES = 4 << 10;
  /**
   * A CDN may keep the answer until this long before the link expires, so what it serves never
   * outlives the link by more than its own clock's drift.
   */
  static final Duration CACHE_MARGIN = Duration.ofSeconds(60);

  private final MediaApi media;
  private final MediaHandler downloads;
  private final LinkSigner signer;
  private final LinksConfig config;
  private final Clock clock;

  LinkHandler(MediaApi media, MediaHandler downloads, LinkSigner signer, LinksConfig config, Clock clock) {
    this.media = media;
    this.downloads = downloads;
    this.signer = signer;
    this.config = config;
    this.clock = clock;
  }

  /** The path a link to a media's bytes signs. */
  static String contentPath(String mediaId) {
    return "/v1/media/" + mediaId + "/content";
  }

  /** The path a link to one of its thumbnails signs: a link for one never reads the other. */
  static String thumbnailPath(String mediaId, int size) {
    return "/v1/media/" + mediaId + "/thumbnails/" + size + "/content";
  }

  /** {@code POST /v1/media/{id}/links}: owner only; the options in an optional JSON body. */
  void create(RoutingContext ctx) {
    String owner = AuthHandler.principal(ctx).userId();
    String id = ctx.pathParam("id");
    readOptions(ctx.request()).compose(asked -> media.find(owner, id).map(found -> {
      String path = asked.thumbnail().map(size -> thumbnailPath(id, size)).orElse(contentPath(id));
      SignedLink link = signer.sign(path, owner, asked.options(), EdgeHandler.view(ctx).clientIp());
      JsonObject body = describe(ctx, link, asked.options());
      asked.thumbnail().ifPresent(size -> body.put("thumbnail", size));
      return body;
    })).onSuccess(body -> ctx.response().setStatusCode(201)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode()))
        .onFailure(ctx::fail);
  }

  /** A link for the listing's {@code ?links=true}: default lifetime, unbound, inline. */
  JsonObject listed(RoutingContext ctx, Principal owner, String mediaId) {
    return listedLink(ctx, owner, contentPath(mediaId));
  }

  /** The same for one of the media's thumbnails. */
  JsonObject listedThumbnail(RoutingContext ctx, Principal owner, String mediaId, int size) {
    return listedLink(ctx, owner, thumbnailPath(mediaId, size));
  }

  private JsonObject listedLink(RoutingContext ctx, Principal owner, String path) {
    LinkOptions options = new LinkOptions(config.defaultLifetime(), Binding.NONE, Disposition.INLINE, Optional.empty());
    SignedLink link = signer.sign(path, owner.userId(), options, EdgeHandler.view(ctx).clientIp());
    return new JsonObject().put("url", absolute(ctx, link.pathAndQuery())).put("expiresAt", link.expiresAt().toString());
  }

  /** {@code GET}/{@code HEAD /v1/media/{id}/content?...}: no token; the link is the permission. */
  void serve(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Optional<Grant> grant = granted(ctx, contentPath(MediaId.isValid(id) ? id : "-"), MediaId.isValid(id));
    grant.ifPresent(g -> serve(ctx, g, media.findCurrent(g.owner(), id)));
  }

  /** {@code GET}/{@code HEAD /v1/media/{id}/thumbnails/{size}/content?...}: a thumbnail's link. */
  void serveThumbnail(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String sizeText = ctx.pathParam("size");
    boolean wellFormed = MediaId.isValid(id) && sizeText != null && sizeText.matches("[1-9][0-9]{0,3}");
    String path = wellFormed ? thumbnailPath(id, Integer.parseInt(sizeText)) : "-";
    Optional<Grant> grant = granted(ctx, path, wellFormed);
    grant.ifPresent(g -> serve(ctx, g, media.thumbnail(g.owner(), id, Integer.parseInt(sizeText), true)));
  }

  /** The link's grant for {@code path}, or the request failed with 403 (and empty). */
  private Optional<Grant> granted(RoutingContext ctx, String path, boolean wellFormed) {
    HttpServerRequest request = ctx.request();
    LinkSigner.Check check = signer.check(path, name -> single(request, name), EdgeHandler.view(ctx).clientIp());
    if (check.refusal().isPresent() || !wellFormed) {
      ctx.fail(check.refusal().orElse(LinkSigner.Refusal.INVALID) == LinkSigner.Refusal.EXPIRED
          ? ErrorCode.LINK_EXPIRED.error() : ErrorCode.LINK_INVALID.error());
      return Optional.empty();
    }
    return check.grant();
  }

  private void serve(RoutingContext ctx, Grant grant, Future<MediaApi.Entry> lookup) {
    downloads.serve(ctx, lookup, response -> {
      long maxAge = Math.max(0, grant.expiresAt().getEpochSecond() - clock.instant().getEpochSecond()
          - CACHE_MARGIN.toSeconds());
      // A bound link checks the client's address, which a shared cache cannot: only the browser
      // may keep it. An unbound one is the same for everyone who holds the URL.
      response.putHeader(HttpHeaders.CACHE_CONTROL, (grant.bound() ? "private" : "public") + ", max-age=" + maxAge)
          .putHeader("Referrer-Policy", "no-referrer");
      if (grant.disposition() == Disposition.ATTACHMENT) {
        response.putHeader("Content-Disposition", attachment(grant.filename()));
      } else {
        response.putHeader("Content-Disposition", "inline");
      }
    });
  }

  private JsonObject describe(RoutingContext ctx, SignedLink link, LinkOptions options) {
    JsonObject body = new JsonObject()
        .put("url", absolute(ctx, link.pathAndQuery()))
        .put("expiresAt", link.expiresAt().toString())
        .put("disposition", options.disposition().name().toLowerCase(java.util.Locale.ROOT));
    link.boundTo().ifPresent(bound -> body.put("boundTo", bound));
    options.filename().ifPresent(name -> body.put("filename", name));
    return body;
  }

  /** The configured base URL, or the scheme and host this request came to. */
  private String absolute(RoutingContext ctx, String pathAndQuery) {
    if (config.baseUrl().isPresent()) {
      return config.baseUrl().get() + pathAndQuery;
    }
    HttpServerRequest request = ctx.request();
    String host = request.authority() == null ? "localhost" : request.authority().toString();
    return request.scheme() + "://" + host + pathAndQuery;
  }

  /** {@code attachment; filename="..."; filename*=UTF-8''...}: the ASCII form for old clients. */
  static String attachment(Optional<String> filename) {
    if (filename.isEmpty()) {
      return "attachment";
    }
    String name = filename.get();
    StringBuilder ascii = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      ascii.append(ch >= 0x20 && ch < 0x7F ? ch : '_');
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''"
        + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A parameter's value when it appears once; null when absent or repeated (never two readings). */
  private static String single(HttpServerRequest request, String name) {
    List<String> values = request.params().getAll(name);
    return values.size() == 1 ? values.get(0) : null;
  }

  /** What the owner asked for: the link's options, and a thumbnail's size when it is to one. */
  private record AskedLink(LinkOptions options, Optional<Integer> thumbnail) {}

  /** The options of a new link: the JSON body when there is one, else the defaults. */
  private Future<AskedLink> readOptions(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && (!length.matches("\\d{1,9}") || Long.parseLong(length) > MAX_OPTIONS_BYTES)) {
      request.resume();
      return Future.failedFuture(ErrorCode.BAD_REQUEST.error("Link options are a JSON object of at most "
          + MAX_OPTIONS_BYTES + " bytes."));
    }
    Promise<Buffer> body = Promise.promise();
    Buffer collected = Buffer.buffer();
    request.handler(chunk -> {
      if (collected.length() + chunk.length() > MAX_OPTIONS_BYTES) {
        body.tryFail(ErrorCode.BAD_REQUEST.error("Link options are a JSON object of at most "
            + MAX_OPTIONS_BYTES + " bytes."));
      } else {
        collected.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(body::tryFail);
    request.endHandler(v -> body.tryComplete(collected));
    request.resume();
    return body.future().map(this::options);
  }

  private AskedLink options(Buffer body) {
    if (body.length() == 0) {
      return new AskedLink(new LinkOptions(config.defaultLifetime(), Binding.NONE, Disposition.INLINE,
          Optional.empty()), Optional.empty());
    }
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw ErrorCode.BAD_REQUEST.error("Link options must be a JSON object.");
    }
    for (String field : json.fieldNames()) {
      if (!List.of("lifetimeSeconds", "bind", "disposition", "filename", "thumbnail").contains(field)) {
        throw ErrorCode.BAD_REQUEST.error("Unknown link option '" + printable(field)
            + "' (lifetimeSeconds, bind, disposition, filename, thumbnail are known).");
      }
    }
    Duration lifetime = config.defaultLifetime();
    Object seconds = json.getValue("lifetimeSeconds");
    if (seconds != null) {
      if (!(seconds instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1
          || n.longValue() > config.maxLifetime().toSeconds()) {
        throw ErrorCode.BAD_REQUEST.error("lifetimeSeconds must be a whole number from 1 to "
            + config.maxLifetime().toSeconds() + ".");
      }
      lifetime = Duration.ofSeconds(n.longValue());
    }
    Binding binding = switch (text(json, "bind", "none")) {
      case "none" -> Binding.NONE;
      case "ip" -> Binding.EXACT;
      case "network" -> Binding.NETWORK;
      default -> throw ErrorCode.BAD_REQUEST.error("bind must be none, ip (this exact address) or network"
          + " (its /24 or /64).");
    };
    Disposition disposition = switch (text(json, "disposition", "inline")) {
      case "inline" -> Disposition.INLINE;
      case "attachment" -> Disposition.ATTACHMENT;
      default -> throw ErrorCode.BAD_REQUEST.error("disposition must be inline or attachment.");
    };
    Optional<String> filename = Optional.ofNullable(json.getValue("filename")).map(value -> {
      if (!(value instanceof String name)) {
        throw ErrorCode.BAD_REQUEST.error("filename must be a string.");
      }
      return name;
    });
    Optional<Integer> thumbnail = Optional.ofNullable(json.getValue("thumbnail")).map(value -> {
      if (!(value instanceof Integer size) || size < 1 || size > 9999) {
        throw ErrorCode.BAD_REQUEST.error("thumbnail must be a thumbnail's size in pixels, like 200.");
      }
      return size;
    });
    try {
      return new AskedLink(new LinkOptions(lifetime, binding, disposition, filename), thumbnail);
    } catch (IllegalArgumentException e) {
      throw ErrorCode.BAD_REQUEST.error("Link options: " + e.getMessage() + ".");
    }
  }

  private static String text(JsonObject json, String field, String fallback) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String text)) {
      throw ErrorCode.BAD_REQUEST.error(field + " must be a string.");
    }
    return text;
  }

  private static String printable(String text) {
    String cut = text.length() > 40 ? text.substring(0, 40) : text;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
