package io.mediaedge.http;

import io.mediaedge.auth.Principal;
import io.mediaedge.config.EdgeConfig.UploadConfig;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.upload.MediaUploads;
import io.mediaedge.upload.UploadService.StoredMedia;
import io.mediaedge.upload.UploadService.UploadRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/media}: everything that can be refused from the headers is refused before a byte
 * of the body is read (type, declared size, digest syntax, Expect); then the body goes to the
 * upload flow.
 */
final class UploadHandler {
  /** Compiled once: {@link String#matches} compiles its pattern again on every call. */
  private static final Pattern MEDIA_TYPE = Pattern.compile(
      "[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}");
  private static final Pattern LENGTH = Pattern.compile("\\d{1,18}");

  private final MediaUploads uploads;
  private final UploadConfig config;
  private final EdgeHandler edge;

  UploadHandler(MediaUploads uploads, UploadConfig config, EdgeHandler edge) {
    this.uploads = uploads;
    this.config = config;
    this.edge = edge;
  }

  /** Holds the body unread while the earlier, possibly asynchronous, handlers run. */
  static void holdBody(RoutingContext ctx) {
    ctx.request().pause();
    ctx.next();
  }

  void upload(RoutingContext ctx) {
    long startedNanos = System.nanoTime();
    HttpServerRequest request = ctx.request();
    Principal principal = AuthHandler.principal(ctx);
    String mediaType = mediaType(request.getHeader(HttpHeaders.CONTENT_TYPE));
    long maxBytes = config.maxBytesFor(mediaType).orElseThrow(() -> ErrorCode.UNSUPPORTED_MEDIA_TYPE.error(
        "Media type " + mediaType + " is not accepted."));
    long declared = declaredLength(request);
    if (declared == 0) {
      throw ErrorCode.EMPTY_BODY.error();
    }
    if (declared > maxBytes) {
      throw ErrorCode.MEDIA_TOO_LARGE.error("The body is " + declared + " bytes; " + mediaType + " allows at most "
          + maxBytes + ".");
    }
    byte[] expected;
    try {
      expected = ContentDigest.expectedSha256(request.getHeader("Content-Digest")).orElse(null);
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_HEADER.error("Content-Digest: " + e.getMessage());
    }
    JsonObject metadata = edge.metadata(ctx);
    String expect = request.getHeader(HttpHeaders.EXPECT);
    if (expect != null) {
      if (!"100-continue".equalsIgnoreCase(expect.trim())) {
        throw ErrorCode.EXPECTATION_FAILED.error();
      }
      if (request.version() == HttpVersion.HTTP_1_1) {
        request.response().writeContinue();
      }
    }
    UploadRequest upload = new UploadRequest(principal.userId(), mediaType, maxBytes, declared, expected,
        edge.origin(ctx, metadata));
    uploads.upload(ctx.vertx().getOrCreateContext(), upload, request, startedNanos)
        .onSuccess(media -> created(ctx, media))
        .onFailure(ctx::fail);
  }

  private static void created(RoutingContext ctx, StoredMedia media) {
    String location = "/v1/media/" + media.id();
    ctx.response().setStatusCode(201)
        .putHeader(HttpHeaders.LOCATION, location)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(MediaJson.of(media).put("location", location).encode());
  }

  /** The media type without parameters, lower-cased; 415 when missing or unusable. */
  static String mediaType(String header) {
    if (header == null || header.isBlank()) {
      throw ErrorCode.UNSUPPORTED_MEDIA_TYPE.error("Content-Type is required and names the media type.");
    }
    int semicolon = header.indexOf(';');
    String type = (semicolon >= 0 ? header.substring(0, semicolon) : header).trim().toLowerCase(Locale.ROOT);
    if (!MEDIA_TYPE.matcher(type).matches()) {
      throw ErrorCode.UNSUPPORTED_MEDIA_TYPE.error("Content-Type is not a valid media type.");
    }
    return type;
  }

  /** The declared body length, -1 when unknown (chunked or HTTP/2 without Content-Length). */
  static long declaredLength(HttpServerRequest request) {
    List<String> values = request.headers().getAll(HttpHeaders.CONTENT_LENGTH);
    if (values.isEmpty()) {
      String encoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
      boolean chunked = encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
      return chunked || request.version() == HttpVersion.HTTP_2 ? -1 : 0;
    }
    String first = values.get(0).trim();
    for (String value : values) {
      if (!value.trim().equals(first)) {
        throw ErrorCode.INVALID_HEADER.error("Content-Length appears with different values.");
      }
    }
    if (!LENGTH.matcher(first).matches()) {
      throw ErrorCode.INVALID_HEADER.error("Content-Length must be a non-negative whole number.");
    }
    return Long.parseLong(first);
  }
}
