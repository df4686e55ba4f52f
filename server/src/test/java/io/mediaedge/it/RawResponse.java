package io.mediaedge.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/** One parsed HTTP/1.1 response. */
record RawResponse(int status, Map<String, String> headers, byte[] body) {
  String text() {
    return status + " " + new String(body, US_ASCII);
  }

  JsonObject json() {
    assertEquals("application/json", headers.get("content-type"), this::text);
    return new JsonObject(new String(body, US_ASCII));
  }
}
