package io.mediaedge.history;

import java.time.Instant;
import java.util.Optional;

/**
 * One size of a media's thumbnails as the thumbnails worker recorded it: READY (its object, its
 * dimensions) or NONE (none can be made, and why).
 */
public record ThumbnailRecord(int size, boolean ready, Optional<String> objectKey, int width, int height, long bytes,
    Optional<String> reason, Instant madeAt) {}
