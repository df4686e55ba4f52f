package io.mediaedge.http;

import io.mediaedge.auth.Principal;
import io.mediaedge.auth.PropertyExtractor;
import io.mediaedge.config.IpAddresses;
import io.mediaedge.edge.EdgeTagger;
import io.mediaedge.edge.EdgeView;
import io.mediaedge.edge.RouteDecision;
import io.mediaedge.edge.RouteHints;
import io.mediaedge.edge.RouteTable.RouteHint;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.eventschema.Origin;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.util.Map;

/**
 * Tags every API request with where it came from ({@link EdgeView}), turns that and the caller's
 * claims into the {@link Origin} stored with rows and events, and serves {@code GET /v1/edge}.
 */
final class EdgeHandler {
  private static final String VIEW = "media-edge.edge-view";

  private final EdgeTagger tagger;
  private final PropertyExtractor properties;
  private final RouteHints routes;
  private final int maxMetadataBytes;

  EdgeHandler(EdgeTagger tagger, PropertyExtractor properties, RouteHints routes, int maxMetadataBytes) {
    this.tagger = tagger;
    this.properties = properties;
    this.routes = routes;
    this.maxMetadataBytes = maxMetadataBytes;
  }

  /** First handler of every API route: the view is there for logs and refusals, too. */
  void tag(RoutingContext ctx) {
    ctx.put(VIEW, tagger.see(peer(ctx), ctx.request().headers()));
    ctx.next();
  }

  /** {@code GET /v1/edge}: what we saw and the upload hostname this client should use. */
  void describe(RoutingContext ctx) {
    EdgeView view = view(ctx);
    RouteDecision decision = routes.decide(view);
    RouteHint hint = decision.hint();
    JsonObject route = new JsonObject()
        .put("host", hint.host())
        .put("proxied", hint.proxied())
        .put("rule", hint.rule())
        .put("ttlSeconds", hint.ttlSeconds())
        .put("uploadUrl", "https://" + hint.host() + "/v1/media")
        .put("resumableUrl", "https://" + hint.host() + "/v1/uploads/")
        .put("reason", decision.reason().label());
    decision.advisory().ifPresent(steered -> route.put("advisory", new JsonObject()
        .put("id", steered.advisoryId())
        .put("signals", new JsonArray(steered.signals().stream().map(Enum::name).toList()))
        .put("issuedAt", steered.issuedAt().toString())
        .put("expiresAt", steered.expiresAt().toString())
        .put("instead", decision.fileRule())));
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        // The answer is about this client: shared caches must not keep it.
        .putHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=" + hint.ttlSeconds())
        .end(view.toJson().put("route", route).encode());
  }

  /** The request's origin without upload metadata (downloads, deletes). */
  Origin origin(RoutingContext ctx) {
    return origin(ctx, new JsonObject());
  }

  /** The request's origin, with properties read from claims, headers, metadata and the view. */
  Origin origin(RoutingContext ctx, JsonObject metadata) {
    EdgeView view = view(ctx);
    Map<String, String> extracted = Map.of();
    if (!properties.isEmpty()) {
      Principal principal = AuthHandler.principal(ctx);
      extracted = properties.extract(properties.document(principal.claims(), ctx.request().headers(), metadata,
          view.toJson()));
    }
    return new Origin(view.region(), view.pop(), view.geo().country(), view.geo().city(), view.asn(),
        view.geo().isp(), view.shownIp(), extracted);
  }

  /** The upload's {@code Upload-Metadata}; 400 when malformed or too large. */
  JsonObject metadata(RoutingContext ctx) {
    try {
      return UploadMetadata.parse(ctx.request().getHeader(UploadMetadata.HEADER), maxMetadataBytes);
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_HEADER.error(UploadMetadata.HEADER + " " + e.getMessage() + ".");
    }
  }

  /** The request's view, or null before (or without) {@link #tag}: the access log asks for every route. */
  static EdgeView viewIfTagged(RoutingContext ctx) {
    return ctx.get(VIEW);
  }

  static EdgeView view(RoutingContext ctx) {
    EdgeView view = ctx.get(VIEW);
    if (view == null) {
      throw new IllegalStateException("route has no EdgeHandler.tag before it");
    }
    return view;
  }

  private static InetAddress peer(RoutingContext ctx) {
    SocketAddress remote = ctx.request().connection().remoteAddress();
    // Vert.x gives the literal it accepted from; parsing it never touches DNS.
    return IpAddresses.parse(remote.hostAddress())
        .orElseThrow(() -> new IllegalStateException("peer address " + remote + " is not an IP literal"));
  }
}
