package io.mediaedge.audit;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * What the audit needs from object storage, blocking (the audit runs on threads of its own, never
 * on an event loop). Listings stream page by page: the audit never holds a bucket's listing.
 */
public interface AuditObjects {

  /** One object of a listing. */
  record StoredObject(String key, long size, Instant lastModified) {}

  /** A multipart upload begun and neither completed nor aborted. */
  record OpenMultipart(String key, String uploadId, Instant initiated) {}

  /** Every object whose key starts with {@code prefix}, in key order. */
  void list(String prefix, Consumer<StoredObject> each);

  /** Every open multipart upload whose key starts with {@code prefix}. */
  void listMultipart(String prefix, Consumer<OpenMultipart> each);

  /** The SHA-256 (lower-case hex) of the object's bytes, read as a stream. */
  String sha256(String key);

  void delete(String key);

  void abortMultipart(String key, String uploadId);
}
