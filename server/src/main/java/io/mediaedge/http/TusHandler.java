package io.mediaedge.http;

import io.mediaedge.auth.Principal;
import io.mediaedge.config.ResumableConfig;
import io.mediaedge.config.EdgeConfig.UploadConfig;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.tus.ResumableUploads;
import io.mediaedge.tus.ResumableUploads.Append;
import io.mediaedge.tus.ResumableUploads.Creation;
import io.mediaedge.tus.ResumableUploads.Progress;
import io.mediaedge.tus.UploadChecksum;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The tus 1.0.0 protocol at {@code /v1/uploads/}: core, creation, creation-with-upload,
 * creation-defer-length, termination, expiration and checksum, plus {@code X-HTTP-Method-Override}
 * (CORS for browsers is the route table's). Headers are checked here; what they mean is {@link ResumableUploads}'.
 */
final class TusHandler {
  static final String VERSION = "1.0.0";
  static final String EXTENSIONS = "creation,creation-with-upload,creation-defer-length,termination,expiration,checksum";
  static final String OFFSET_CONTENT_TYPE = "application/offset+octet-stream";
  /** What a browser's script may read of our answers, and send with its requests. */
  static final Set<String> EXPOSED_HEADERS = Set.of("Location", "Upload-Offset", "Upload-Length",
      "Upload-Defer-Length", "Upload-Metadata", "Upload-Expires", "Tus-Resumable", "Tus-Version", "Tus-Extension",
      "Tus-Max-Size", "Tus-Checksum-Algorithm");
  static final Set<String> ALLOWED_HEADERS = Set.of("Authorization", "Content-Type", "Tus-Resumable",
      "Upload-Length", "Upload-Defer-Length", "Upload-Metadata", "Upload-Offset", "Upload-Checksum",
      "X-HTTP-Method-Override", "X-Requested-With");
  static final Set<HttpMethod> CORS_METHODS = Set.of(HttpMethod.POST, HttpMethod.GET, HttpMethod.HEAD,
      HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);
  static final int PREFLIGHT_MAX_AGE_SECONDS = 86_400;
  static final Set<HttpMethod> OVERRIDABLE = Set.of(HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.HEAD);
  private static final String CHECKSUM_ALGORITHMS = UploadChecksum.ALGORITHMS.keySet().stream().sorted()
      .collect(Collectors.joining(","));

  private final ResumableUploads uploads;
  private final UploadConfig upload;
  private final ResumableConfig resumable;
  private final EdgeHandler edge;

  TusHandler(ResumableUploads uploads, UploadConfig upload, ResumableConfig resumable, EdgeHandler edge) {
    this.uploads = uploads;
    this.upload = upload;
    this.resumable = resumable;
    this.edge = edge;
  }

  /**
   * First on every tus route (after CORS): {@code Tus-Resumable} on every answer,
   * and (except for OPTIONS) a client speaking our version, else 412.
   */
  void protocol(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    request.pause();
    response.putHeader("Tus-Resumable", VERSION);
    if (request.method() == HttpMethod.OPTIONS) {
      ctx.next();
      return;
    }
    if (!VERSION.equals(request.getHeader("Tus-Resumable"))) {
      throw ErrorCode.UNSUPPORTED_TUS_VERSION.error().withHeader("Tus-Version", VERSION);
    }
    List<String> overrides = request.headers().getAll("X-HTTP-Method-Override");
    if (!overrides.isEmpty() && request.method() == HttpMethod.POST && ctx.pathParam("id") != null) {
      // Rerouted, the request meets the target method's route, token check included.
      ctx.reroute(overriddenMethod(overrides), request.path());
      return;
    }
    ctx.next();
  }

  /** The one method an X-HTTP-Method-Override names: PATCH, DELETE or HEAD, once; else 400. */
  static HttpMethod overriddenMethod(List<String> overrides) {
    String name = overrides.size() == 1 ? overrides.get(0).strip().toUpperCase(Locale.ROOT) : "";
    HttpMethod method = OVERRIDABLE.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    if (method == null) {
      throw ErrorCode.BAD_REQUEST.error("X-HTTP-Method-Override must name one of PATCH, DELETE or HEAD, once.");
    }
    return method;
  }

  /** OPTIONS: what this server offers (no token needed: it is the same for everyone). */
  void options(RoutingContext ctx) {
    ctx.response()
        .putHeader("Tus-Version", VERSION)
        .putHeader("Tus-Extension", EXTENSIONS)
        .putHeader("Tus-Max-Size", String.valueOf(resumable.maxSize()))
        .putHeader("Tus-Checksum-Algorithm", CHECKSUM_ALGORITHMS)
        .setStatusCode(204)
        .end();
  }

  /**
   * CORS for the browser origins in {@code allowed} ("*" for any). A request from another origin
   * is refused with 403 ORIGIN_NOT_ALLOWED; with none allowed there is no CORS at all, and a
   * browser cannot read our answers.
   */
  static Optional<CorsHandler> cors(List<String> allowed) {
    if (allowed.isEmpty()) {
      return Optional.empty();
    }
    CorsHandler cors = CorsHandler.create();
    if (allowed.contains("*")) {
      cors.addOrigin("*");
    } else {
      cors.addOrigins(allowed);
    }
    return Optional.of(cors.allowedMethods(CORS_METHODS).allowedHeaders(ALLOWED_HEADERS)
        .exposedHeaders(EXPOSED_HEADERS).maxAgeSeconds(PREFLIGHT_MAX_AGE_SECONDS));
  }

  /** POST: creation, with the first bytes when the body is {@code application/offset+octet-stream}. */
  void create(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Principal principal = AuthHandler.principal(ctx);
    String lengthHeader = request.getHeader("Upload-Length");
    String deferHeader = request.getHeader("Upload-Defer-Length");
    long length;
    if (lengthHeader != null && deferHeader == null) {
      length = nonNegative("Upload-Length", lengthHeader);
    } else if (lengthHeader == null && "1".equals(deferHeader == null ? null : deferHeader.trim())) {
      length = -1;
    } else {
      throw ErrorCode.INVALID_HEADER.error("Send Upload-Length, or Upload-Defer-Length: 1 (not both).");
    }
    String metadataHeader = request.getHeader(UploadMetadata.HEADER);
    JsonObject metadata = edge.metadata(ctx);
    String mediaType = UploadHandler.mediaType(contentTypeOf(metadata));
    long maxBytes = upload.maxBytesFor(mediaType).orElseThrow(() -> ErrorCode.UNSUPPORTED_MEDIA_TYPE.error(
        "Media type " + mediaType + " is not accepted."));
    boolean withBody = isOffsetStream(request) && UploadHandler.declaredLength(request) != 0;
    Creation creation = new Creation(principal.userId(), mediaType, length, maxBytes, metadata, edge.origin(ctx, metadata),
        metadataHeader == null ? "" : metadataHeader);
    uploads.create(creation).compose(created -> {
      String location = "/v1/uploads/" + created.uploadId();
      ctx.response().putHeader(HttpHeaders.LOCATION, location);
      if (!withBody) {
        return io.vertx.core.Future.succeededFuture(created);
      }
      Append append = new Append(principal.userId(), created.uploadId(), 0, -1, UploadHandler.declaredLength(request),
          checksum(request), request, () -> continueIfExpected(request));
      // A failed first PATCH leaves a created upload: answer 201 with what is durable, as tus asks.
      return uploads.append(ctx.vertx().getOrCreateContext(), append)
          .recover(failure -> uploads.status(principal.userId(), created.uploadId()));
    }).onSuccess(progress -> {
      ctx.response().setStatusCode(201);
      answer(ctx, progress);
    }).onFailure(ctx::fail);
  }

  /** HEAD: the offset to resume from. */
  void head(RoutingContext ctx) {
    uploads.status(AuthHandler.principal(ctx).userId(), ctx.pathParam("id"))
        .onSuccess(progress -> {
          HttpServerResponse response = ctx.response().setStatusCode(200);
          if (!progress.metadata().isEmpty()) {
            response.putHeader(UploadMetadata.HEADER, progress.metadata());
          }
          answer(ctx, progress);
        })
        .onFailure(ctx::fail);
  }

  /** PATCH: bytes at {@code Upload-Offset}. */
  void patch(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!isOffsetStream(request)) {
      throw ErrorCode.UNSUPPORTED_MEDIA_TYPE.error("A PATCH body must be " + OFFSET_CONTENT_TYPE + ".");
    }
    String offsetHeader = request.getHeader("Upload-Offset");
    if (offsetHeader == null) {
      throw ErrorCode.INVALID_HEADER.error("Upload-Offset is required.");
    }
    long offset = nonNegative("Upload-Offset", offsetHeader);
    String lengthHeader = request.getHeader("Upload-Length");
    long length = lengthHeader == null ? -1 : nonNegative("Upload-Length", lengthHeader);
    Append append = new Append(AuthHandler.principal(ctx).userId(), ctx.pathParam("id"), offset, length,
        UploadHandler.declaredLength(request), checksum(request), request, () -> continueIfExpected(request));
    uploads.append(ctx.vertx().getOrCreateContext(), append)
        .onSuccess(progress -> {
          ctx.response().setStatusCode(204);
          answer(ctx, progress);
        })
        .onFailure(ctx::fail);
  }

  /** DELETE (termination). */
  void terminate(RoutingContext ctx) {
    uploads.terminate(AuthHandler.principal(ctx).userId(), ctx.pathParam("id"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static void answer(RoutingContext ctx, Progress progress) {
    HttpServerResponse response = ctx.response()
        .putHeader("Upload-Offset", String.valueOf(progress.offset()))
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    if (progress.deferred()) {
      response.putHeader("Upload-Defer-Length", "1");
    } else {
      response.putHeader("Upload-Length", String.valueOf(progress.length()));
    }
    if (!progress.finished()) {
      response.putHeader("Upload-Expires", DateTimeFormatter.RFC_1123_DATE_TIME.format(
          progress.expiresAt().atZone(ZoneOffset.UTC)));
    }
    response.end();
  }

  /** tus clients name the file's type in metadata: {@code filetype} (tus-js-client, Uppy) or {@code type}. */
  private static String contentTypeOf(JsonObject metadata) {
    for (String key : new String[] {"filetype", "type", "contentType"}) {
      Object value = metadata.getValue(key);
      if (value instanceof String text && !text.isBlank()) {
        return text;
      }
    }
    throw ErrorCode.UNSUPPORTED_MEDIA_TYPE.error("Upload-Metadata must name the media type as 'filetype'.");
  }

  /**
   * tus-java-client (through HttpURLConnection) sends {@code Expect: 100-continue} and waits for
   * it before each body; the headers have been checked by now.
   */
  private static void continueIfExpected(HttpServerRequest request) {
    String expect = request.getHeader(HttpHeaders.EXPECT);
    if (expect != null && "100-continue".equalsIgnoreCase(expect.trim()) && request.version() == HttpVersion.HTTP_1_1) {
      request.response().writeContinue();
    }
  }

  private static boolean isOffsetStream(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null && type.trim().toLowerCase(Locale.ROOT).startsWith(OFFSET_CONTENT_TYPE);
  }

  private static UploadChecksum checksum(HttpServerRequest request) {
    try {
      return UploadChecksum.parse(request.getHeader(UploadChecksum.HEADER));
    } catch (UnsupportedOperationException e) {
      throw ErrorCode.UNSUPPORTED_CHECKSUM.error();
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_HEADER.error(UploadChecksum.HEADER + " " + e.getMessage() + ".");
    }
  }

  private static long nonNegative(String name, String value) {
    String trimmed = value.trim();
    if (!trimmed.matches("\\d{1,18}")) {
      throw ErrorCode.INVALID_HEADER.error(name + " must be a non-negative whole number.");
    }
    return Long.parseLong(trimmed);
  }
}
