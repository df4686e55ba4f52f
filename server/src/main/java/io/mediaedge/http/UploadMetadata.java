package io.mediaedge.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Client-supplied upload metadata in the tus {@code Upload-Metadata} form, the same header for
 * single-request and resumable uploads: comma-separated pairs of a key and its base64 value
 * ({@code filename d29ybGQuanBn,device eyJtb2RlbCI6IlBpeGVsIDgifQ==}); a key alone has no value.
 * A value that decodes to a JSON object or array is kept nested, so property expressions can
 * reach into it ({@code $.metadata.device.model}).
 */
public final class UploadMetadata {
  public static final String HEADER = "Upload-Metadata";
  static final int MAX_KEYS = 64;

  private UploadMetadata() {}

  /**
   * Parses the header; null or blank is empty metadata.
   *
   * @throws IllegalArgumentException with a sentence for the client when the header is malformed
   *     or longer than {@code maxBytes}
   */
  public static JsonObject parse(String header, int maxBytes) {
    JsonObject out = new JsonObject();
    if (header == null || header.isBlank()) {
      return out;
    }
    if (header.length() > maxBytes) {
      throw new IllegalArgumentException("is longer than " + maxBytes + " bytes");
    }
    for (String pair : header.split(",", -1)) {
      String trimmed = pair.trim();
      String[] parts = trimmed.split(" ", -1);
      if (trimmed.isEmpty() || parts.length > 2) {
        throw new IllegalArgumentException("must be comma-separated 'key base64value' pairs");
      }
      String key = parts[0];
      if (!key.matches("[\\x21-\\x7E&&[^,]]{1,128}")) {
        throw new IllegalArgumentException("has an invalid key '" + abbreviate(key) + "'");
      }
      if (out.containsKey(key)) {
        throw new IllegalArgumentException("names the key '" + key + "' twice");
      }
      if (out.size() >= MAX_KEYS) {
        throw new IllegalArgumentException("has more than " + MAX_KEYS + " keys");
      }
      out.put(key, parts.length == 2 ? value(key, parts[1]) : "");
    }
    return out;
  }

  private static Object value(String key, String encoded) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("has a value for '" + key + "' that is not valid base64");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("has a value for '" + key + "' that is not UTF-8 text");
    }
    String trimmed = text.trim();
    try {
      if (trimmed.startsWith("{")) {
        return new JsonObject(trimmed);
      }
      if (trimmed.startsWith("[")) {
        return new JsonArray(trimmed);
      }
    } catch (DecodeException e) {
      // Not JSON after all: keep the text.
    }
    return text;
  }

  private static String abbreviate(String text) {
    return text.length() > 32 ? text.substring(0, 32) + "…" : text;
  }
}
