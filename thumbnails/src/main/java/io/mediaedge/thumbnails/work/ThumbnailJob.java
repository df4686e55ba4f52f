package io.mediaedge.thumbnails.work;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.thumbnails.images.RefusedImage;
import io.mediaedge.thumbnails.images.Rendition;
import io.mediaedge.thumbnails.images.ThumbnailMaker;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The thumbnails of one uploaded media: idempotent by media id, so an event delivered twice (the
 * consumer is at-least-once) finds its sizes settled and does nothing. A media deleted since, or
 * unknown, is skipped; an original no thumbnail can be made of is recorded as such with the reason
 * and never retried; a failure of S3 or Cassandra is thrown, for the runner to retry.
 */
public final class ThumbnailJob {
  /** What became of a media. */
  public enum Outcome { MADE, REFUSED, ALREADY_DONE, SKIPPED }

  private final Originals originals;
  private final Records records;
  private final List<Integer> sizes;

  public ThumbnailJob(Originals originals, Records records, List<Integer> sizes) {
    this.originals = originals;
    this.records = records;
    this.sizes = List.copyOf(sizes);
  }

  /** Videos whose frames JCodec decodes (H.264 in MP4 or MOV); other videos get "no thumbnail". */
  static final java.util.Set<String> DECODED_VIDEOS = java.util.Set.of("video/mp4", "video/quicktime");

  /** Whether the worker makes (or records that it cannot make) thumbnails of this event's media. */
  public static boolean wanted(HistoryEvent event) {
    return event.action() == HistoryEvent.Action.UPLOAD && event.mediaId() != null && event.contentType() != null
        && (event.contentType().startsWith("image/") || event.contentType().startsWith("video/"));
  }

  public Outcome run(HistoryEvent event, ThumbnailMaker maker) throws Exception {
    String owner = event.userId();
    String mediaId = event.mediaId();
    Optional<Records.Original> original = records.original(owner, mediaId);
    if (original.isEmpty() || !original.get().active()) {
      return Outcome.SKIPPED;
    }
    Set<Integer> settled = records.settled(owner, mediaId);
    if (settled.containsAll(sizes)) {
      return Outcome.ALREADY_DONE;
    }
    List<Rendition> renditions;
    String type = event.contentType();
    try {
      renditions = type.startsWith("image/") ? image(original.get(), maker) : video(original.get(), type, maker);
    } catch (RefusedImage refused) {
      records.refused(owner, mediaId, sizes, refused.reason().name(), event.occurredAt());
      throw new Refused(refused);
    }
    List<String> written = new java.util.ArrayList<>();
    for (Rendition rendition : renditions) {
      String key = ThumbnailKeys.of(original.get().objectKey(), rendition.size());
      // The object before its row: a row always points at bytes that exist.
      originals.put(key, rendition.jpeg(), Rendition.CONTENT_TYPE);
      written.add(key);
      records.made(owner, mediaId, new Records.Made(rendition.size(), key, rendition.width(), rendition.height(),
          rendition.jpeg().length), event.occurredAt());
    }
    // A delete may have come while the thumbnails were being made. Looking again after the rows
    // are written closes the gap: a delete before this read is seen here, and the thumbnails go
    // now; a delete after it comes after the rows, and media-edge's sweeper, which reads the rows
    // once the media is marked, removes them with the original.
    Optional<Records.Original> now = records.original(owner, mediaId);
    if (now.isEmpty() || !now.get().active()) {
      for (String key : written) {
        originals.delete(key);
      }
      return Outcome.SKIPPED;
    }
    return Outcome.MADE;
  }

  private List<Rendition> image(Records.Original original, ThumbnailMaker maker) throws Exception {
    try (InputStream bytes = originals.open(original.objectKey())) {
      return maker.make(bytes, sizes);
    }
  }

  private List<Rendition> video(Records.Original original, String type, ThumbnailMaker maker) throws Exception {
    if (!DECODED_VIDEOS.contains(type)) {
      throw new RefusedImage(RefusedImage.Reason.UNSUPPORTED_FORMAT, type + " is not decoded here");
    }
    try (java.nio.channels.SeekableByteChannel channel = originals.channel(original.objectKey())) {
      return maker.makeFromVideo(channel, sizes);
    }
  }

  /** The original was refused for good, and that is recorded: the runner counts it and moves on. */
  public static final class Refused extends Exception {
    private final RefusedImage.Reason reason;

    Refused(RefusedImage cause) {
      super(cause.getMessage(), cause);
      this.reason = cause.reason();
    }

    public RefusedImage.Reason reason() {
      return reason;
    }
  }
}
