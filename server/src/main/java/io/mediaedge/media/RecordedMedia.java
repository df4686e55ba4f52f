package io.mediaedge.media;

import io.mediaedge.eventschema.Origin;
import io.mediaedge.history.MediaRecord;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Media as Cassandra records them (history on): the media row says what exists and whose it is;
 * downloads are recorded as events; a delete marks the row and leaves the object to the sweeper.
 */
public final class RecordedMedia implements MediaApi {
  private final MediaService media;

  public RecordedMedia(MediaService media) {
    this.media = media;
  }

  @Override
  public Future<Entry> find(String owner, String mediaId) {
    return media.findActive(owner, mediaId).map(found -> new Recorded(found, media));
  }

  @Override
  public Future<Void> delete(String owner, String mediaId, long startedNanos, Origin origin) {
    return media.delete(owner, mediaId, startedNanos, origin);
  }

  /** A media row; its SHA-256 is the ETag, so the validator names the content itself. */
  private record Recorded(MediaRecord row, MediaService media) implements Entry {
    @Override
    public String objectKey() {
      return row.objectKey();
    }

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
    public void served(long bytes, long latencyMs, int status, Origin origin) {
      media.recordDownload(row, bytes, latencyMs, status, origin);
    }
  }
}
