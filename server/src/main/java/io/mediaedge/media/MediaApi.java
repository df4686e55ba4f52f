package io.mediaedge.media;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the media routes ask about stored media: is it the caller's, what is it, its bytes, remove
 * it, list it, its history. With history on Cassandra answers ({@link RecordedMedia}); with it off
 * the object in storage does ({@link StorageOnlyMedia}), and listings and histories fail with
 * HISTORY_DISABLED. Either way a missing id and another user's id fail alike with NOT_FOUND, so
 * ids cannot be probed. The handlers see this port only, never a store or a row.
 */
public interface MediaApi {
  /** The most media one listing page holds. */
  int MAX_PAGE = 200;

  /**
   * Bytes of a media on their way out, paused on the caller's context until the reader resumes
   * them. A reader that stops before the end calls {@code abandon}, which gives the storage
   * connection behind them back. {@code name} and {@code size} are for logs.
   */
  record Bytes(String name, long size, ReadStream<Buffer> body, Runnable abandon) {}

  /** One media of a listing, as the API shows it. */
  record Listed(String id, long size, String contentType, String sha256, Instant createdAt) {}

  /** A page of the caller's media, newest first; {@code lastMediaId} is where the next page starts after. */
  record Page(List<Listed> items, Optional<String> lastMediaId) {}

  /** A media the caller may read: what a download's headers and its storage read are made of. */
  interface Entry {
    String contentType();

    long size();

    /** The strong validator, quoted. */
    String etag();

    /** Whole seconds, as Last-Modified carries them. */
    Instant lastModified();

    /** Bytes {@code first} to {@code last} (inclusive) of the media. */
    Future<Bytes> read(long first, long last);

    /** After the bytes went out; with history on this records the (sampled) DOWNLOAD event. */
    void served(long bytes, long latencyMs, int status, Origin origin);
  }

  /** The caller's media, or NOT_FOUND. */
  Future<Entry> find(String owner, String mediaId);

  /**
   * As {@link #find}, but never from a cache: what signed links serve, so a delete on any instance
   * stops every link to the media at once.
   */
  Future<Entry> findCurrent(String owner, String mediaId);

  /**
   * A thumbnail of the caller's media, {@code size} pixels on its longest side, as the thumbnails
   * worker made it: THUMBNAIL_PENDING while none is recorded yet, NO_THUMBNAIL (with the reason)
   * when none can be made, NOT_FOUND for a size that is not made; HISTORY_DISABLED without history.
   */
  Future<Entry> thumbnail(String owner, String mediaId, int size, boolean current);

  /** A thumbnail ready to be read: its size (the longest side asked for) and what it came out as. */
  record ReadyThumbnail(int size, int width, int height) {}

  /** The ready thumbnails of several of the caller's media (a listing page), in one lookup; HISTORY_DISABLED without history. */
  Future<Map<String, List<ReadyThumbnail>>> thumbnails(String owner, List<String> mediaIds);

  /** Removes the caller's media (NOT_FOUND when there is none). */
  Future<Void> delete(String owner, String mediaId, long startedNanos, Origin origin);

  /** The caller's media, newest first, after {@code after}; HISTORY_DISABLED without history. */
  Future<Page> list(String owner, Optional<String> after, int limit);

  /**
   * A media's history: its events, oldest first, and what the thumbnails worker recorded for it
   * (kept after deletion, as the events are).
   */
  record History(List<HistoryEvent> events, List<SettledThumbnail> thumbnails) {}

  /**
   * One size of a media's thumbnails as the worker settled it: ready (its dimensions and bytes) or
   * not made (and why), and when.
   */
  record SettledThumbnail(int size, boolean ready, int width, int height, long bytes, Optional<String> reason,
      Instant settledAt) {}

  /** The history of a media the caller owns; NOT_FOUND for another's; HISTORY_DISABLED without history. */
  Future<History> history(String owner, String mediaId);
}
