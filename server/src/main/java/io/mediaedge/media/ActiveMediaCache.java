package io.mediaedge.media;

import io.mediaedge.history.MediaRecord;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The ACTIVE media rows downloads found lately, so a run of range requests for one media costs
 * one Cassandra read instead of one each. A media row never changes while it is ACTIVE; only a
 * delete ends it. A delete on this instance evicts the row at once and voids the reads still in
 * flight; a delete on another instance is noticed here once the row is older than the ttl: the
 * bound the README documents for {@code history.mediaCacheTtl}. Misses and non-ACTIVE rows are
 * never kept, so a new upload is seen at once.
 *
 * <p>Every event loop shares it, so it is a {@link ConcurrentHashMap} rather than an access-ordered
 * {@code LinkedHashMap}, whose every hit would take a lock. Past the bound, a trim off the event
 * loops drops expired rows, then arbitrary ones, down to nine tenths of the bound: one scan per
 * tenth of the bound in inserts (inserts racing a trim may overshoot until the next one).
 * Dropping an arbitrary row instead of the least recently used costs at most one more read of it.
 */
final class ActiveMediaCache {
  /** What a trim leaves of the bound, so that it runs once per tenth of the bound in inserts. */
  private static final double TRIM_TO = 0.9;

  private record Key(String owner, String mediaId) {}

  private record Cached(MediaRecord media, long expiresAtNanos) {}

  private final Map<Key, Cached> rows = new ConcurrentHashMap<>();
  private final int maxEntries;
  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final Executor trimmer;
  /** Counts evictions: a read that began before one must not cache what it found. */
  private final AtomicLong evictions = new AtomicLong();
  private final AtomicBoolean trimming = new AtomicBoolean();

  ActiveMediaCache(int maxEntries, Duration ttl) {
    this(maxEntries, ttl, System::nanoTime, ForkJoinPool.commonPool());
  }

  ActiveMediaCache(int maxEntries, Duration ttl, LongSupplier nanoClock, Executor trimmer) {
    this.maxEntries = maxEntries;
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
    this.trimmer = trimmer;
  }

  /** The row when it was cached less than the ttl ago. */
  Optional<MediaRecord> get(String owner, String mediaId) {
    Key key = new Key(owner, mediaId);
    Cached cached = rows.get(key);
    if (cached == null) {
      return Optional.empty();
    }
    if (nanoClock.getAsLong() - cached.expiresAtNanos() >= 0) {
      rows.remove(key, cached);
      return Optional.empty();
    }
    return Optional.of(cached.media());
  }

  /** Taken before the Cassandra read whose row may be {@link #put}: it tells a read a delete overtook. */
  long readTicket() {
    return evictions.get();
  }

  /** Keeps an ACTIVE row read since {@code ticket}, unless a delete on this instance came in between. */
  void put(long ticket, MediaRecord media) {
    if (maxEntries == 0 || ttlNanos == 0 || media.status() != MediaRecord.Status.ACTIVE
        || evictions.get() != ticket) {
      return;
    }
    Key key = new Key(media.owner(), media.mediaId());
    Cached cached = new Cached(media, nanoClock.getAsLong() + ttlNanos);
    rows.put(key, cached);
    // an eviction between the check above and the put: take the row out again, as it would have
    if (evictions.get() != ticket) {
      rows.remove(key, cached);
    }
    if (rows.size() > maxEntries && trimming.compareAndSet(false, true)) {
      trimmer.execute(this::trim);
    }
  }

  /** Forgets a media this instance is deleting, and voids every read still in flight. */
  void evict(String owner, String mediaId) {
    evictions.incrementAndGet();
    rows.remove(new Key(owner, mediaId));
  }

  int size() {
    return rows.size();
  }

  private void trim() {
    try {
      long now = nanoClock.getAsLong();
      rows.values().removeIf(cached -> now - cached.expiresAtNanos() >= 0);
      int target = (int) (maxEntries * TRIM_TO);
      Iterator<Cached> rest = rows.values().iterator();
      while (rows.size() > target && rest.hasNext()) {
        rest.next();
        rest.remove();
      }
    } finally {
      trimming.set(false);
    }
  }
}
