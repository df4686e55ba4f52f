package io.mediaedge.eventschema;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What became of one uploaded media's thumbnails: the value of a record on the thumbnails topic
 * (key = media id), written by the thumbnails worker once it has settled the media, made or
 * refused. Dashboards read it for the lag from upload to thumbnail and the failures by reason; a
 * redelivered upload can give a second record for the same media, which a reader counts once by
 * media id.
 *
 * <p>The JSON form ({@link ThumbnailResultJson}, {@code thumbnail-result.schema.json}) is the
 * contract: fields may be added within a {@link #SCHEMA_VERSION}; renaming or removing one needs a
 * new version.
 *
 * @param uploadedAt when the upload was recorded (its UPLOAD event's time)
 * @param settledAt when the worker recorded the thumbnails, or that none can be made, or parked the
 *     media after its last attempt
 * @param reason empty when made; when refused, why none can be (TOO_MANY_PIXELS, TOO_LARGE,
 *     UNREADABLE, UNSUPPORTED_FORMAT, TIMED_OUT); when parked, the kind of the last failure (the
 *     exception's class name, such as {@code SdkClientException})
 * @param sizes the sizes made (empty unless made)
 * @param region the region the upload came in through (its UPLOAD event's origin)
 */
public record ThumbnailResult(String mediaId, String userId, String contentType, Instant uploadedAt,
    Instant settledAt, Outcome outcome, String reason, List<Integer> sizes, String region) {

  /** The version of the JSON form, written into every record as {@code schemaVersion}. */
  public static final int SCHEMA_VERSION = 1;

  /**
   * MADE: the thumbnails exist. REFUSED: none can be made from this original, recorded so and never
   * tried again. PARKED: every attempt failed for a reason outside the original (S3 or Cassandra
   * away) and the upload event went to the dead-letter topic, to be replayed once the cause is
   * fixed: a replayed media can later be MADE too.
   */
  public enum Outcome { MADE, REFUSED, PARKED }

  public ThumbnailResult {
    Objects.requireNonNull(mediaId, "mediaId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(uploadedAt, "uploadedAt");
    Objects.requireNonNull(settledAt, "settledAt");
    Objects.requireNonNull(outcome, "outcome");
    contentType = contentType == null ? "" : contentType;
    reason = reason == null ? "" : reason;
    sizes = sizes == null ? List.of() : List.copyOf(sizes);
    region = region == null ? "" : region;
  }

  /** From upload to thumbnails (never negative, whatever the clocks say). */
  public Duration lag() {
    Duration lag = Duration.between(uploadedAt, settledAt);
    return lag.isNegative() ? Duration.ZERO : lag;
  }
}
