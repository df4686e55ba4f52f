package io.mediaedge.errors;

/**
 * Every error a client can see, declared once with its HTTP status and a default message.
 * Clients branch on the code; the message is for people and never carries internal details.
 */
public enum ErrorCode {
  UPLOAD_IN_OTHER_REGION(307, "This upload belongs to another region; continue it at the Location given."),
  BAD_REQUEST(400, "The request is not valid."),
  BAD_FRAMING(400, "The request's framing is ambiguous or malformed: Content-Length next to Transfer-Encoding,"
      + " a transfer coding other than a single final chunked, a folded header line, or a malformed chunked body."
      + " The connection is closed."),
  INVALID_HOST(400, "An HTTP/1.1 request needs exactly one valid Host header."),
  INVALID_ESCAPE(400, "The request target has a malformed percent-escape."),
  EMPTY_BODY(400, "The upload has no body."),
  INVALID_HEADER(400, "A request header is not valid."),
  DIGEST_MISMATCH(400, "The body does not match its Content-Digest."),
  INVALID_RANGE(400, "The Range header is not valid."),
  UPLOAD_INCOMPLETE(400, "The body ended before its declared length."),
  INVALID_CURSOR(400, "The cursor is not valid."),
  UNSUPPORTED_CHECKSUM(400, "That Upload-Checksum algorithm is not supported (sha1, sha256, md5 are)."),
  UNAUTHORIZED(401, "A valid bearer token is required."),
  ORIGIN_NOT_ALLOWED(403, "This browser origin may not make cross-origin requests here"
      + " (resumable.corsAllowedOrigins)."),
  LINK_INVALID(403, "This link is not valid: it was altered, is for something else, or is bound to another"
      + " network."),
  LINK_EXPIRED(403, "This link has expired; ask its owner for a new one."),
  NOT_FOUND(404, "No such resource."),
  THUMBNAIL_PENDING(404, "The thumbnail is being made; try again shortly."),
  NO_THUMBNAIL(404, "No thumbnail can be made of this media."),
  METHOD_NOT_ALLOWED(405, "That method is not allowed on this resource."),
  REQUEST_TIMEOUT(408, "The request body arrived too slowly."),
  OFFSET_MISMATCH(409, "Upload-Offset does not match the upload's current offset; ask with HEAD and resume from there."),
  UPLOAD_GONE(410, "The upload expired or was terminated."),
  UNSUPPORTED_TUS_VERSION(412, "This server speaks tus 1.0.0 (Tus-Resumable: 1.0.0)."),
  MEDIA_TOO_LARGE(413, "The media is larger than allowed for its type."),
  QUOTA_EXCEEDED(413, "The upload does not fit in your storage quota."),
  URI_TOO_LONG(414, "The request line is too long."),
  UNSUPPORTED_MEDIA_TYPE(415, "That media type is not accepted."),
  MEDIA_TYPE_MISMATCH(415, "The content does not match its declared media type."),
  RANGE_NOT_SATISFIABLE(416, "The requested range is not satisfiable."),
  EXPECTATION_FAILED(417, "Only Expect: 100-continue is supported."),
  UPLOAD_LOCKED(423, "Another request is writing to this upload; try again shortly."),
  TOO_MANY_UPLOADS(429, "Too many of your uploads are in progress here; wait for one to finish."),
  HEADERS_TOO_LARGE(431, "The request headers are too large."),
  CHECKSUM_MISMATCH(460, "The body does not match its Upload-Checksum; it was discarded."),
  INTERNAL_ERROR(500, "Something went wrong on our side."),
  UNSUPPORTED_TRANSFER_CODING(501, "Only the chunked transfer coding is supported."),
  HISTORY_DISABLED(501, "This region runs without media history: listings, media history and resumable uploads"
      + " are not available here (single-request uploads, downloads and deletes are)."),
  STORAGE_ERROR(502, "The storage backend answered with an error."),
  SERVER_BUSY(503, "The server is busy; try again shortly."),
  STORAGE_UNAVAILABLE(503, "The storage backend is unavailable; try again shortly."),
  HISTORY_UNAVAILABLE(503, "The media history is unavailable; try again shortly."),
  STORAGE_TIMEOUT(504, "The storage backend did not answer in time."),
  HTTP_VERSION_NOT_SUPPORTED(505, "This server speaks HTTP/1.0, HTTP/1.1 and HTTP/2.");

  private final int status;
  private final String defaultMessage;

  ErrorCode(int status, String defaultMessage) {
    this.status = status;
    this.defaultMessage = defaultMessage;
  }

  public int status() {
    return status;
  }

  public String defaultMessage() {
    return defaultMessage;
  }

  public ApiException error() {
    return new ApiException(this, defaultMessage);
  }

  public ApiException error(String message) {
    return new ApiException(this, message);
  }

  /** The code a bare HTTP status (from the router or the HTTP layer) stands for. */
  public static ErrorCode forStatus(int status) {
    return switch (status) {
      case 401 -> UNAUTHORIZED;
      // the one 403 the router makes: vertx-web's CORS handler refusing an origin
      case 403 -> ORIGIN_NOT_ALLOWED;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 408 -> REQUEST_TIMEOUT;
      case 413 -> MEDIA_TOO_LARGE;
      case 414 -> URI_TOO_LONG;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 416 -> RANGE_NOT_SATISFIABLE;
      case 431 -> HEADERS_TOO_LARGE;
      case 503 -> SERVER_BUSY;
      case 505 -> HTTP_VERSION_NOT_SUPPORTED;
      default -> status >= 400 && status < 500 ? BAD_REQUEST : INTERNAL_ERROR;
    };
  }
}
