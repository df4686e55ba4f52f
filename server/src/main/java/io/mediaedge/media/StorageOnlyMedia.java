package io.mediaedge.media;

import io.mediaedge.errors.ErrorCode;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.storage.MediaStore.ObjectInfo;
import io.mediaedge.storage.ObjectKeys;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Media as the objects in storage are (history off). The key is made from the caller and the id
 * ({@link ObjectKeys#mediaKey}), so looking up someone else's id finds nothing: ownership holds by
 * construction, with no row to consult. A delete removes the object at once (no sweeper runs).
 * Listings and histories need the rows: they fail with HISTORY_DISABLED.
 */
public final class StorageOnlyMedia implements MediaApi {
  private final MediaStore store;

  public StorageOnlyMedia(MediaStore store) {
    this.store = store;
  }

  @Override
  public Future<Entry> find(String owner, String mediaId) {
    return object(owner, mediaId).map(info -> new StoredObject(info, store));
  }

  /** Thumbnails are recorded in Cassandra by their worker: none without history. */
  @Override
  public Future<Entry> thumbnail(String owner, String mediaId, int size, boolean current) {
    return Future.failedFuture(ErrorCode.HISTORY_DISABLED.error());
  }

  @Override
  public Future<java.util.Map<String, java.util.List<ReadyThumbnail>>> thumbnails(String owner,
      java.util.List<String> mediaIds) {
    return Future.failedFuture(ErrorCode.HISTORY_DISABLED.error());
  }

  /** Every lookup asks storage: nothing is cached without history. */
  @Override
  public Future<Entry> findCurrent(String owner, String mediaId) {
    return find(owner, mediaId);
  }

  @Override
  public Future<Void> delete(String owner, String mediaId, long startedNanos, Origin origin) {
    // Deleting a missing key succeeds in S3; asking first keeps the 404 a client gets with history
    // on. Two deletes racing may both get 204: without a row there is nothing to compare-and-set.
    return object(owner, mediaId).compose(info -> store.delete(info.key()));
  }

  /** The caller's object with this id, or NOT_FOUND. */
  private Future<ObjectInfo> object(String owner, String mediaId) {
    if (!MediaId.isValid(mediaId)) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.error());
    }
    return store.head(ObjectKeys.mediaKey(owner, mediaId)).compose(found -> found
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ErrorCode.NOT_FOUND.error())));
  }

  @Override
  public Future<Page> list(String owner, Optional<String> after, int limit) {
    return Future.failedFuture(ErrorCode.HISTORY_DISABLED.error());
  }

  @Override
  public Future<History> history(String owner, String mediaId) {
    return Future.failedFuture(ErrorCode.HISTORY_DISABLED.error());
  }

  /** Bytes of the object at {@code key}, whichever way its media was found. */
  static Future<Bytes> read(MediaStore store, String key, long first, long last) {
    return store.get(key, first, last).map(content -> new Bytes(content.info().key(), content.info().size(),
        content.body(), content.abandon()));
  }

  /**
   * An object as S3 describes it. The SHA-256 is not at hand: the upload cannot put it in the
   * object's metadata, which is fixed before the last byte (and the hash) arrives. S3's own ETag
   * names the content just as strictly, so it is the validator here.
   */
  private record StoredObject(ObjectInfo info, MediaStore store) implements Entry {
    @Override
    public String contentType() {
      // every upload names its type; an object written by anything else may not
      return info.contentType() == null ? "application/octet-stream" : info.contentType();
    }

    @Override
    public long size() {
      return info.size();
    }

    @Override
    public String etag() {
      String etag = info.etag();
      return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    @Override
    public Instant lastModified() {
      return info.lastModified().truncatedTo(ChronoUnit.SECONDS);
    }

    @Override
    public Future<Bytes> read(long first, long last) {
      return StorageOnlyMedia.read(store, info.key(), first, last);
    }

    @Override
    public void served(long bytes, long latencyMs, int status, Origin origin) {
      // nothing is recorded without history
    }
  }
}
