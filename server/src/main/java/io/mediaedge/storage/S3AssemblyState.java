package io.mediaedge.storage;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What S3 needs to continue an assembly ({@link AssembledObjects}): the object key, the multipart
 * upload id and the ETags of parts 1..n, in that order. Callers keep it as the opaque string
 * {@link #encode()} makes: a small JSON document that names its format, so a later format (or
 * another backend's) is told apart rather than misread.
 */
public final class S3AssemblyState {
  static final String FORMAT = "s3-multipart/1";

  private final String key;
  private final String uploadId;
  private final List<String> partEtags;

  private S3AssemblyState(String key, String uploadId, List<String> partEtags) {
    if (key == null || uploadId == null) {
      throw new IllegalArgumentException("an S3 assembly needs an object key and an upload id");
    }
    this.key = key;
    this.uploadId = uploadId;
    this.partEtags = List.copyOf(partEtags);
  }

  /**
   * The state of an assembly begun by a release that kept S3's upload id and part ETags in columns
   * of their own ({@code s3_upload_id} and {@code part_etags} of {@code resumable_uploads}, before
   * schema version 5). The Cassandra adapter reads such rows through this, so uploads begun before
   * an upgrade are continued after it; nothing else is to build S3 state outside this room.
   */
  public static String fromLegacy(String key, String uploadId, List<String> partEtags) {
    return new S3AssemblyState(key, uploadId, partEtags == null ? List.of() : partEtags).encode();
  }

  static S3AssemblyState begun(String key, String uploadId) {
    return new S3AssemblyState(key, uploadId, List.of());
  }

  /** Reads what {@link #encode()} wrote; anything else is an {@link IllegalArgumentException}. */
  static S3AssemblyState decode(String state) {
    if (state == null) {
      throw new IllegalArgumentException("no assembly state");
    }
    JsonObject json;
    try {
      json = new JsonObject(state);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("the assembly state is not a JSON object", e);
    }
    if (!FORMAT.equals(json.getValue("format"))) {
      throw new IllegalArgumentException("the assembly state is not of format " + FORMAT + ": "
          + json.getValue("format"));
    }
    if (!(json.getValue("partEtags", new JsonArray()) instanceof JsonArray etags)) {
      throw new IllegalArgumentException("the assembly state's partEtags is not a list");
    }
    List<String> parts = new ArrayList<>(etags.size());
    for (Object etag : etags) {
      parts.add(text(etag, "an ETag"));
    }
    return new S3AssemblyState(text(json.getValue("key"), "the key"), text(json.getValue("uploadId"), "the upload id"),
        parts);
  }

  private static String text(Object value, String what) {
    if (value instanceof String string) {
      return string;
    }
    throw new IllegalArgumentException("the assembly state's " + what + " is not a string: " + value);
  }

  String encode() {
    return new JsonObject().put("format", FORMAT).put("key", key).put("uploadId", uploadId)
        .put("partEtags", new JsonArray(new ArrayList<Object>(partEtags))).encode();
  }

  /** The state once the next part is written with {@code etag}. */
  S3AssemblyState withPart(String etag) {
    List<String> more = new ArrayList<>(partEtags.size() + 1);
    more.addAll(partEtags);
    more.add(etag);
    return new S3AssemblyState(key, uploadId, more);
  }

  String key() {
    return key;
  }

  String uploadId() {
    return uploadId;
  }

  List<String> partEtags() {
    return partEtags;
  }
}
