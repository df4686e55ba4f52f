package io.mediaedge.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure meant for the client: a catalog code, a client-safe message and any headers the answer
 * needs (WWW-Authenticate, Content-Range). Thrown or failed into futures; rendered in one place.
 */
public final class ApiException extends RuntimeException {
  private final ErrorCode code;
  private final Map<String, String> headers = new LinkedHashMap<>();

  public ApiException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ApiException withHeader(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public ErrorCode code() {
    return code;
  }

  public int status() {
    return code.status();
  }

  public Map<String, String> headers() {
    return headers;
  }
}
