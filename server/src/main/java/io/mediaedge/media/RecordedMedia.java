package io.mediaedge.media;

import io.mediaedge.errors.ErrorCode;
import io.mediaedge.history.ThumbnailRecord;

import io.mediaedge.eventschema.Origin;
import io.mediaedge.history.MediaRecord;
import io.mediaedge.storage.MediaStore;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Media as Cassandra records them (history on): the media row says what exists and whose it is;
 * downloads are recorded as events; a delete marks the row and leaves the object to the sweeper.
 * The bytes come from storage, under the key the row names.
 */
public final class RecordedMedia implements MediaApi {
  private final MediaService media;
  private final MediaStore store;

  public RecordedMedia(MediaService media, MediaStore store) {
    this.media = media;
    this.store = store;
  }

  @Override
  public Future<Entry> find(String owner, String mediaId) {
    return media.findActive(owner, mediaId).map(found -> new Recorded(found, media, store));
  }

  @Override
  public Future<Entry> findCurrent(String owner, String mediaId) {
    return media.findActive(owner, mediaId, false).map(found -> new Recorded(found, media, store));
  }

  @Override
  public Future<Entry> thumbnail(String owner, String mediaId, int size, boolean current) {
    return media.findActive(owner, mediaId, !current).compose(found -> media.thumbnails(found).compose(rows -> {
      ThumbnailRecord row = rows.stream().filter(r -> r.size() == size).findFirst().orElse(null);
      if (row == null && !rows.isEmpty()) {
        // other sizes were made: this one never is
        return Future.failedFuture(ErrorCode.NOT_FOUND.error());
      }
      if (row == null && !thumbnailed(found.contentType())) {
        return Future.failedFuture(ErrorCode.NO_THUMBNAIL.error("No thumbnail is made of " + found.contentType()
            + " media."));
      }
      if (row == null) {
        // The worker records every image and video it takes, made or not: it has not got to this one.
        return Future.failedFuture(ErrorCode.THUMBNAIL_PENDING.error()
            .withHeader("Retry-After", String.valueOf(PENDING_RETRY_SECONDS)));
      }
      if (!row.ready() || row.objectKey().isEmpty()) {
        return Future.failedFuture(ErrorCode.NO_THUMBNAIL.error("No thumbnail can be made of this media: "
            + row.reason().orElse("unknown") + "."));
      }
      return Future.succeededFuture(new Thumbnail(found, row, store));
    }));
  }

  @Override
  public Future<Map<String, List<ReadyThumbnail>>> thumbnails(String owner, List<String> mediaIds) {
    return media.thumbnails(owner, mediaIds).map(rows -> {
      Map<String, List<ReadyThumbnail>> out = new java.util.HashMap<>();
      rows.forEach((id, sizes) -> {
        List<ReadyThumbnail> ready = sizes.stream().filter(ThumbnailRecord::ready)
            .map(row -> new ReadyThumbnail(row.size(), row.width(), row.height())).toList();
        if (!ready.isEmpty()) {
          out.put(id, ready);
        }
      });
      return out;
    });
  }

  @Override
  public Future<Void> delete(String owner, String mediaId, long startedNanos, Origin origin) {
    return media.delete(owner, mediaId, startedNanos, origin);
  }

  @Override
  public Future<Page> list(String owner, Optional<String> after, int limit) {
    return media.list(owner, after, limit).map(page -> new Page(page.items().stream()
        .map(row -> new Listed(row.mediaId(), row.size(), row.contentType(), row.sha256(), row.createdAt()))
        .toList(), page.lastMediaId()));
  }

  @Override
  public Future<History> history(String owner, String mediaId) {
    return media.history(owner, mediaId);
  }

  /** The media the thumbnails worker takes: images and videos (audio never has a thumbnail). */
  static boolean thumbnailed(String contentType) {
    return contentType.startsWith("image/") || contentType.startsWith("video/");
  }

  /** Seconds a client waits before asking again for a thumbnail being made. */
  static final int PENDING_RETRY_SECONDS = 5;

  /** A thumbnail: JPEG, its own object; the validator joins the original's hash and the size. */
  private record Thumbnail(MediaRecord original, ThumbnailRecord row, MediaStore store) implements Entry {
    @Override
    public String contentType() {
      return "image/jpeg";
    }

    @Override
    public long size() {
      return row.bytes();
    }

    @Override
    public String etag() {
      return "\"" + original.sha256() + "-t" + row.size() + "\"";
    }

    @Override
    public Instant lastModified() {
      return (row.madeAt() == null ? original.createdAt() : row.madeAt()).truncatedTo(ChronoUnit.SECONDS);
    }

    @Override
    public Future<Bytes> read(long first, long last) {
      return StorageOnlyMedia.read(store, row.objectKey().orElseThrow(), first, last);
    }

    /** Thumbnail reads are not DOWNLOAD events: the dashboards count media, not previews. */
    @Override
    public void served(long bytes, long latencyMs, int status, Origin origin) {}
  }

  /** A media row; its SHA-256 is the ETag, so the validator names the content itself. */
  private record Recorded(MediaRecord row, MediaService media, MediaStore store) implements Entry {
    @Override
    public String contentType() {
      return row.contentType();
    }

    @Override
    public long size() {
      return row.size();
    }

    @Override
    public String etag() {
      return "\"" + row.sha256() + "\"";
    }

    @Override
    public Instant lastModified() {
      return row.createdAt().truncatedTo(ChronoUnit.SECONDS);
    }

    @Override
    public Future<Bytes> read(long first, long last) {
      return StorageOnlyMedia.read(store, row.objectKey(), first, last);
    }

    @Override
    public void served(long bytes, long latencyMs, int status, Origin origin) {
      media.recordDownload(row, bytes, latencyMs, status, origin);
    }
  }
}
