package io.mediaedge.tus;

import io.mediaedge.history.ResumableStore;
import io.mediaedge.media.BucketRounds;
import io.mediaedge.tus.ResumableUploads;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires resumable uploads left untouched past their {@code Upload-Expires}: aborts the assembly
 * of their parts, removes the tail and the state, gives the quota back. Uploads whose bytes are
 * all there are finished instead; finished ones lose their bookkeeping row. Safe with several
 * instances: each upload is handled under its lease.
 */
public final class ResumableExpiry extends BucketRounds {
  private static final Logger log = LoggerFactory.getLogger(ResumableExpiry.class);
  private static final int BATCH = 500;

  private final ResumableStore states;
  private final ResumableUploads uploads;

  public ResumableExpiry(Vertx vertx, ResumableStore states, ResumableUploads uploads, Duration interval) {
    super(vertx, states.buckets(), interval, log);
    this.states = states;
    this.uploads = uploads;
  }

  @Override
  protected Future<Integer> round(int bucket) {
    return states.uploadsInBucket(bucket, BATCH)
        .compose(ids -> eachOf(ids, uploads::expireIfDue, id -> "Resumable upload " + id));
  }
}
