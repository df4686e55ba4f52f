package io.mediaedge.audit;

import io.mediaedge.audit.AuditReport.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a region's storage and history database and reports every broken invariant
 * ({@link AuditReport.Kind}); with {@code repair} it fixes those that can be fixed without a
 * person: orphan objects deleted, dangling multipart uploads aborted, quota usage recounted, stale
 * holds dropped.
 *
 * <p>Memory is bounded by the shards: per shard the keys its rows own are held as fingerprints
 * ({@link OwnedKeys}), the shard's objects are listed page by page against them, then its rows are
 * read again for what the listing did not show. Objects younger than {@code grace} are never
 * judged: an upload writes its object before its row. Read-only unless {@code repair}; safe while
 * the region serves.
 */
public final class RegionAudit {
  private static final Logger log = LoggerFactory.getLogger(RegionAudit.class);
  private static final String PREFIX = "media/";
  private static final Pattern TAIL = Pattern.compile("(.*/)([^/]+)\\.tail-\\d+");
  private static final Pattern THUMBNAIL = Pattern.compile("(.*)\\.thumb-\\d+\\.jpg");

  /**
   * How the audit runs.
   *
   * @param grace objects and multipart uploads younger than this are left alone (the orphan
   *     reconciler's grace)
   * @param outboxAge an outbox row older than this is reported
   * @param deletionAge a pending deletion older than this is reported
   * @param holdTtl an upload's quota hold older than this should have been dropped
   * @param leaseMaxAge a quota lease not renewed for this long should have been folded
   * @param shards 1 to 256, a power of two: how many passes the objects are split into
   * @param concurrency storage and database calls at once (content checks, repairs, quota reads)
   */
  public record Settings(Duration grace, Duration outboxAge, Duration deletionAge, Duration holdTtl,
      Duration leaseMaxAge, int shards, boolean verifyContent, boolean repair, int concurrency, int maxExamples) {
    public Settings {
      if (shards < 1 || shards > 256 || Integer.bitCount(shards) != 1) {
        throw new IllegalArgumentException("shards must be a power of two from 1 to 256 (got " + shards + ")");
      }
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1");
      }
    }
  }

  private final AuditObjects objects;
  private final AuditRows rows;
  private final Settings settings;
  private final Clock clock;

  public RegionAudit(AuditObjects objects, AuditRows rows, Settings settings, Clock clock) {
    this.objects = objects;
    this.rows = rows;
    this.settings = settings;
    this.clock = clock;
  }

  public AuditReport run() throws InterruptedException {
    Instant now = clock.instant();
    AuditReport report = new AuditReport(settings.maxExamples(), now);
    ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency(), runnable -> {
      Thread thread = new Thread(runnable, "audit-worker");
      thread.setDaemon(true);
      return thread;
    });
    Work work = new Work(pool, settings.concurrency() * 4);
    try {
      // holds first: any quota repair's compare-and-set drops expired holds on its way
      auditUsage(now, report, work);
      for (int shard = 0; shard < settings.shards(); shard++) {
        auditShard(shard, now, report, work);
      }
      auditMultipart(now, report, work);
      auditTransients(now, report);
      work.await();
    } finally {
      pool.shutdownNow();
    }
    report.ended(clock.instant());
    return report;
  }

  /** Rows, then the shard's objects against them, then the rows the listing did not show. */
  private void auditShard(int shard, Instant now, AuditReport report, Work work) throws InterruptedException {
    OwnedKeys owned = new OwnedKeys();
    QuotaTally tally = shard == 0 ? new QuotaTally(report, work) : null;
    rows.media(row -> {
      if (tally != null) {
        report.walked("mediaRows", 1);
        tally.add(row);
      }
      if (inShard(row.objectKey(), shard)) {
        switch (row.status()) {
          case "ACTIVE" -> owned.add(row.objectKey(), row.size());
          // its object goes once the sweeper gets to it
          case "DELETING" -> owned.add(row.objectKey(), OwnedKeys.ANY_SIZE);
          default -> {
            // DELETED: its object must be gone, so it owns nothing
          }
        }
      }
    });
    if (tally != null) {
      tally.finish();
    }
    // uploads in flight own their object before their row exists; so do resumable uploads being assembled
    rows.intents(intent -> {
      if (inShard(intent.objectKey(), shard)) {
        owned.add(intent.objectKey(), OwnedKeys.ANY_SIZE);
      }
    });
    rows.resumables(upload -> {
      if (upload.objectKey() != null && inShard(upload.objectKey(), shard)) {
        owned.add(upload.objectKey(), OwnedKeys.ANY_SIZE);
      }
    });
    log.info("Shard {} of {}: {} keys owned by rows; listing its objects", shard + 1, settings.shards(), owned.size());
    for (String prefix : prefixes(shard)) {
      objects.list(prefix, object -> judge(object, owned, now, report, work));
    }
    work.await();
    rows.media(row -> {
      if (!"ACTIVE".equals(row.status()) || !inShard(row.objectKey(), shard)) {
        return;
      }
      if (!owned.wasSeen(row.objectKey())) {
        // listed after the first read: a media still ACTIVE now whose object was not there
        report.found(Kind.MISSING_OBJECT, row.owner() + "/" + row.mediaId() + " " + row.objectKey());
      } else if (settings.verifyContent() && Long.valueOf(row.size()).equals(owned.expectedSize(row.objectKey()))) {
        // the size matched (a mismatched one is reported already): read the bytes
        work.submit(() -> verifyContent(row, report));
      }
    });
    work.await();
  }

  private void judge(AuditObjects.StoredObject object, OwnedKeys owned, Instant now, AuditReport report, Work work) {
    report.walked("objects", 1);
    report.walked("objectBytes", object.size());
    boolean old = object.lastModified().isBefore(now.minus(settings.grace()));
    Matcher tail = TAIL.matcher(object.key());
    if (tail.matches()) {
      if (old) {
        work.submit(() -> judgeTail(object, tail.group(2), report));
      }
      return;
    }
    Matcher thumbnail = THUMBNAIL.matcher(object.key());
    if (thumbnail.matches()) {
      if (old && !owned.owns(thumbnail.group(1))) {
        orphan(Kind.ORPHAN_THUMBNAIL, object, report, work);
      }
      return;
    }
    Long expected = owned.expectedSize(object.key());
    if (expected == null) {
      if (old) {
        orphan(Kind.ORPHAN_OBJECT, object, report, work);
      }
      return;
    }
    owned.markSeen(object.key());
    if (expected != OwnedKeys.ANY_SIZE && expected != object.size()) {
      report.found(Kind.SIZE_MISMATCH, object.key() + ": " + object.size() + " bytes stored, " + expected
          + " recorded");
      owned.markMismatched(object.key());
    }
  }

  /**
   * A tail belongs to its upload's row while the row exists, whichever state wrote it: the server
   * removes every tail of an upload when the row ends (a tail whose commit was lost waits for that).
   */
  private void judgeTail(AuditObjects.StoredObject object, String uploadId, AuditReport report) {
    if (rows.resumable(uploadId).isEmpty()) {
      report.found(Kind.ORPHAN_TAIL, object.key() + " (" + object.size() + " bytes, " + object.lastModified() + ")");
      if (settings.repair()) {
        objects.delete(object.key());
        report.repaired(Kind.ORPHAN_TAIL);
      }
    }
  }

  private void orphan(Kind kind, AuditObjects.StoredObject object, AuditReport report, Work work) {
    report.found(kind, object.key() + " (" + object.size() + " bytes, " + object.lastModified() + ")");
    if (settings.repair()) {
      work.submit(() -> {
        objects.delete(object.key());
        report.repaired(kind);
      });
    }
  }

  private void verifyContent(AuditRows.MediaRow row, AuditReport report) {
    String stored = objects.sha256(row.objectKey());
    report.walked("contentVerified", 1);
    if (!stored.equalsIgnoreCase(row.sha256())) {
      report.found(Kind.SHA256_MISMATCH, row.owner() + "/" + row.mediaId() + ": stored " + stored + ", recorded "
          + row.sha256());
    }
  }

  /**
   * Sums each user's ACTIVE media as the scan hands them (one owner's rows come together) and
   * compares with the stored usage.
   */
  private final class QuotaTally {
    private final AuditReport report;
    private final Work work;
    private String owner;
    private long bytes;
    private long count;

    QuotaTally(AuditReport report, Work work) {
      this.report = report;
      this.work = work;
    }

    void add(AuditRows.MediaRow row) {
      if (!row.owner().equals(owner)) {
        finish();
        owner = row.owner();
        bytes = 0;
        count = 0;
      }
      if ("ACTIVE".equals(row.status())) {
        bytes += row.size();
        count++;
      }
    }

    void finish() {
      if (owner != null) {
        String user = owner;
        long activeBytes = bytes;
        long activeCount = count;
        work.submit(() -> compareUsage(user, activeBytes, activeCount, report));
        owner = null;
      }
    }
  }

  private void compareUsage(String owner, long activeBytes, long activeCount, AuditReport report) {
    AuditRows.Usage usage = rows.usageOf(owner).orElse(new AuditRows.Usage(owner, 0, 0, java.util.Map.of()));
    if (usage.usedBytes() != activeBytes || usage.mediaCount() != activeCount) {
      report.found(Kind.QUOTA_MISMATCH, String.format(Locale.ROOT, "%s: usage %d bytes in %d media, active media %d"
          + " bytes in %d", owner, usage.usedBytes(), usage.mediaCount(), activeBytes, activeCount));
      if (settings.repair()) {
        rows.adjustUsage(owner, activeBytes - usage.usedBytes(), activeCount - usage.mediaCount());
        report.repaired(Kind.QUOTA_MISMATCH);
      }
    }
  }

  /** Stale holds of every user, and usage of users with no media row at all. */
  private void auditUsage(Instant now, AuditReport report, Work work) throws InterruptedException {
    rows.usage(usage -> {
      report.walked("users", 1);
      List<String> stale = new ArrayList<>();
      usage.holdsReservedAt().forEach((hold, at) -> {
        Duration ttl = hold.startsWith("lease:") ? settings.leaseMaxAge() : settings.holdTtl();
        if (at.plus(ttl).isBefore(now)) {
          stale.add(hold + " since " + at);
        }
      });
      if (!stale.isEmpty()) {
        report.found(Kind.STALE_RESERVATION, usage.owner() + ": " + String.join(", ", stale));
        if (settings.repair()) {
          work.submit(() -> {
            rows.pruneHolds(usage.owner());
            report.repaired(Kind.STALE_RESERVATION);
          });
        }
      }
      if (usage.usedBytes() != 0 || usage.mediaCount() != 0) {
        // users with media were compared during the scan; this catches usage left with none
        work.submit(() -> {
          if (!rows.hasMedia(usage.owner())) {
            compareUsage(usage.owner(), 0, 0, report);
          }
        });
      }
    });
    work.await();
  }

  /**
   * A multipart upload under a resumable upload's key belongs to its row while the row exists
   * (the row's end aborts every one of the key); any other is dangling once past the grace.
   */
  private void auditMultipart(Instant now, AuditReport report, Work work) throws InterruptedException {
    objects.listMultipart(PREFIX, upload -> {
      report.walked("multipartUploads", 1);
      if (!upload.initiated().isBefore(now.minus(settings.grace()))) {
        return;
      }
      work.submit(() -> {
        String uploadId = upload.key().substring(upload.key().lastIndexOf('/') + 1);
        if (rows.resumable(uploadId).isEmpty()) {
          report.found(Kind.DANGLING_MULTIPART, upload.key() + " upload " + upload.uploadId() + " since "
              + upload.initiated());
          if (settings.repair()) {
            objects.abortMultipart(upload.key(), upload.uploadId());
            report.repaired(Kind.DANGLING_MULTIPART);
          }
        }
      });
    });
    work.await();
  }

  /** Rows that should come and go quickly: their age tells which background relay is stuck. */
  private void auditTransients(Instant now, AuditReport report) {
    rows.outbox(row -> {
      report.walked("outboxRows", 1);
      if (row.since().isBefore(now.minus(settings.outboxAge()))) {
        report.found(Kind.OLD_OUTBOX, "event " + row.id() + " waiting since " + row.since());
      }
    });
    rows.pendingDeletions(row -> {
      report.walked("pendingDeletions", 1);
      if (row.since().isBefore(now.minus(settings.deletionAge()))) {
        report.found(Kind.STUCK_DELETION, row.id() + " " + row.objectKey() + " since " + row.since());
      }
    });
    rows.intents(row -> {
      report.walked("intents", 1);
      if (row.since().isBefore(now.minus(settings.grace().multipliedBy(2)))) {
        report.found(Kind.STALE_INTENT, row.id() + " " + row.objectKey() + " since " + row.since());
      }
    });
    rows.resumables(upload -> {
      report.walked("resumableUploads", 1);
      if (!upload.finished() && upload.expiresAt() != null
          && upload.expiresAt().isBefore(now.minus(settings.deletionAge()))) {
        report.found(Kind.EXPIRED_RESUMABLE, upload.uploadId() + " of " + upload.owner() + " expired "
            + upload.expiresAt());
      }
    });
  }

  /** Whether a key is in the shard: by the first two hex digits of its owner prefix. */
  private boolean inShard(String key, int shard) {
    if (settings.shards() == 1) {
      return true;
    }
    if (key == null || key.length() < PREFIX.length() + 2 || !key.startsWith(PREFIX)) {
      return shard == 0;
    }
    int value;
    try {
      value = Integer.parseInt(key.substring(PREFIX.length(), PREFIX.length() + 2), 16);
    } catch (NumberFormatException e) {
      return shard == 0;
    }
    return value / (256 / settings.shards()) == shard;
  }

  /** The listing prefixes of a shard: all of {@code media/} for one shard, else its two-digit prefixes. */
  private List<String> prefixes(int shard) {
    if (settings.shards() == 1) {
      return List.of(PREFIX);
    }
    int width = 256 / settings.shards();
    List<String> prefixes = new ArrayList<>();
    for (int value = shard * width; value < (shard + 1) * width; value++) {
      prefixes.add(PREFIX + String.format(Locale.ROOT, "%02x", value));
    }
    return prefixes;
  }

  /**
   * Storage and database calls in a fixed pool, at most {@code limit} queued or running: a listing
   * that outruns them waits. The first failure is rethrown by {@link #await}.
   */
  private static final class Work {
    private final ExecutorService pool;
    private final Semaphore slots;
    private final int limit;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    Work(ExecutorService pool, int limit) {
      this.pool = pool;
      this.limit = limit;
      this.slots = new Semaphore(limit);
    }

    void submit(Runnable task) {
      slots.acquireUninterruptibly();
      pool.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e);
        } finally {
          slots.release();
        }
      });
    }

    /** Waits until everything submitted has run. */
    void await() throws InterruptedException {
      if (!slots.tryAcquire(limit, 1, TimeUnit.DAYS)) {
        throw new IllegalStateException("audit work did not finish");
      }
      slots.release(limit);
      RuntimeException first = failure.get();
      if (first != null) {
        throw new IllegalStateException("the audit failed: " + first.getMessage(), first);
      }
    }
  }
}
