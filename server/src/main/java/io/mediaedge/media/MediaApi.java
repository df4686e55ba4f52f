package io.mediaedge.media;

import io.mediaedge.eventschema.Origin;
import io.vertx.core.Future;
import java.time.Instant;

/**
 * What the download and delete routes ask about one media: is it the caller's, what is it, and
 * remove it. With history on Cassandra answers ({@link RecordedMedia}); with it off the
 * object in storage does ({@link StorageOnlyMedia}). Either way a missing id and another
 * user's id fail alike with NOT_FOUND, so ids cannot be probed.
 */
public interface MediaApi {

  /** A media the caller may read: what a download's headers and its storage read are made of. */
  interface Entry {
    String objectKey();

    String contentType();

    long size();

    /** The strong validator, quoted. */
    String etag();

    /** Whole seconds, as Last-Modified carries them. */
    Instant lastModified();

    /** After the bytes went out; with history on this records the (sampled) DOWNLOAD event. */
    void served(long bytes, long latencyMs, int status, Origin origin);
  }

  /** The caller's media, or NOT_FOUND. */
  Future<Entry> find(String owner, String mediaId);

  /** Removes the caller's media (NOT_FOUND when there is none). */
  Future<Void> delete(String owner, String mediaId, long startedNanos, Origin origin);
}
