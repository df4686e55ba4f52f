package io.mediaedge.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an audit found: per kind of broken invariant how many, the first few examples, and how
 * many {@code --repair} fixed; and what it walked. Safe from several threads (the checks run with
 * bounded concurrency).
 */
public final class AuditReport {

  /** The invariants, each named for what breaks it. */
  public enum Kind {
    /** An original (or the object of a DELETED media) that no live media row owns, past the grace. */
    ORPHAN_OBJECT("objects with no media row", true),
    /** A resumable upload's tail object no live upload points to. */
    ORPHAN_TAIL("tail objects of no resumable upload", true),
    /** A thumbnail whose media is deleted or was never recorded. */
    ORPHAN_THUMBNAIL("thumbnails of no live media", true),
    /** An ACTIVE media row whose object is not in storage. */
    MISSING_OBJECT("active media rows with no object", false),
    SIZE_MISMATCH("objects whose size differs from their row", false),
    SHA256_MISMATCH("objects whose SHA-256 differs from their row", false),
    /** Stored usage (with leases' unfolded charges) against the sum of the user's ACTIVE media. */
    QUOTA_MISMATCH("users whose quota usage differs from their active media", true),
    /** Upload holds older than their TTL, and leases lapsed but not folded. */
    STALE_RESERVATION("users with reservations older than their TTL", true),
    DANGLING_MULTIPART("multipart uploads no resumable upload owns", true),
    /** Events still owed to Kafka after the threshold: the relay is stuck or Kafka is away. */
    OLD_OUTBOX("outbox rows older than the threshold", false),
    STUCK_DELETION("pending deletions older than the threshold", false),
    /** Uploads never recorded and not reconciled: the orphan reconciler is not running. */
    STALE_INTENT("upload intents older than twice the grace", false),
    /** Resumable uploads past their expiry the expiry sweeper has not removed. */
    EXPIRED_RESUMABLE("resumable uploads past their expiry", false);

    private final String description;
    private final boolean repairable;

    Kind(String description, boolean repairable) {
      this.description = description;
      this.repairable = repairable;
    }

    public String description() {
      return description;
    }

    /** Whether {@code --repair} fixes it; the others need a person (or a component that is down). */
    public boolean repairable() {
      return repairable;
    }
  }

  private final int maxExamples;
  private final Instant startedAt;
  private final Map<Kind, AtomicLong> found = new EnumMap<>(Kind.class);
  private final Map<Kind, AtomicLong> repaired = new EnumMap<>(Kind.class);
  private final Map<Kind, List<String>> examples = new EnumMap<>(Kind.class);
  private final Map<String, AtomicLong> walked = new java.util.LinkedHashMap<>();
  private volatile Instant endedAt;

  public AuditReport(int maxExamples, Instant startedAt) {
    this.maxExamples = maxExamples;
    this.startedAt = startedAt;
    for (Kind kind : Kind.values()) {
      found.put(kind, new AtomicLong());
      repaired.put(kind, new AtomicLong());
      examples.put(kind, new ArrayList<>());
    }
    for (String counter : List.of("objects", "objectBytes", "mediaRows", "users", "multipartUploads",
        "resumableUploads", "outboxRows", "pendingDeletions", "intents", "contentVerified")) {
      walked.put(counter, new AtomicLong());
    }
  }

  public void found(Kind kind, String example) {
    found.get(kind).incrementAndGet();
    List<String> kept = examples.get(kind);
    synchronized (kept) {
      if (kept.size() < maxExamples) {
        kept.add(example);
      }
    }
  }

  public void repaired(Kind kind) {
    repaired.get(kind).incrementAndGet();
  }

  /** Counts what was walked: {@code objects}, {@code objectBytes}, {@code mediaRows}, … */
  public void walked(String what, long count) {
    walked.get(what).addAndGet(count);
  }

  public long count(Kind kind) {
    return found.get(kind).get();
  }

  public long repairedCount(Kind kind) {
    return repaired.get(kind).get();
  }

  public List<String> examples(Kind kind) {
    List<String> kept = examples.get(kind);
    synchronized (kept) {
      return List.copyOf(kept);
    }
  }

  public long walkedCount(String what) {
    return walked.get(what).get();
  }

  /** Every violation found (repaired ones too). */
  public long violations() {
    return found.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** What is still broken: found and not repaired. */
  public long remaining() {
    long left = 0;
    for (Kind kind : Kind.values()) {
      left += count(kind) - repairedCount(kind);
    }
    return left;
  }

  void ended(Instant at) {
    endedAt = at;
  }

  public JsonObject toJson() {
    JsonObject kinds = new JsonObject();
    for (Kind kind : Kind.values()) {
      kinds.put(kind.name(), new JsonObject().put("description", kind.description()).put("found", count(kind))
          .put("repaired", repairedCount(kind)).put("repairable", kind.repairable())
          .put("examples", new JsonArray(new ArrayList<>(examples(kind)))));
    }
    JsonObject walkedJson = new JsonObject();
    walked.forEach((what, count) -> walkedJson.put(what, count.get()));
    return new JsonObject().put("startedAt", startedAt.toString())
        .put("endedAt", endedAt == null ? null : endedAt.toString())
        .put("seconds", endedAt == null ? null : Duration.between(startedAt, endedAt).toMillis() / 1000.0)
        .put("violations", violations()).put("remaining", remaining()).put("walked", walkedJson)
        .put("invariants", kinds);
  }

  /** A few lines for a terminal: what was walked, then each invariant that broke. */
  public String summary() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Audited %,d objects (%,d bytes), %,d media rows, %,d users, %,d multipart"
            + " uploads, %,d resumable uploads, %,d outbox rows, %,d pending deletions, %,d intents",
        walkedCount("objects"), walkedCount("objectBytes"), walkedCount("mediaRows"), walkedCount("users"),
        walkedCount("multipartUploads"), walkedCount("resumableUploads"), walkedCount("outboxRows"),
        walkedCount("pendingDeletions"), walkedCount("intents")));
    if (walkedCount("contentVerified") > 0) {
      out.append(String.format(Locale.ROOT, "; SHA-256 of %,d objects checked", walkedCount("contentVerified")));
    }
    out.append('\n');
    if (violations() == 0) {
      return out.append("Every invariant holds.\n").toString();
    }
    for (Kind kind : Kind.values()) {
      if (count(kind) == 0) {
        continue;
      }
      out.append(String.format(Locale.ROOT, "%-18s %,8d %s", kind.name(), count(kind), kind.description()));
      if (repairedCount(kind) > 0) {
        out.append(String.format(Locale.ROOT, " (%,d repaired)", repairedCount(kind)));
      } else if (!kind.repairable()) {
        out.append(" (not repaired by --repair)");
      }
      out.append('\n');
      for (String example : examples(kind)) {
        out.append("    ").append(example).append('\n');
      }
    }
    return out.append(String.format(Locale.ROOT, "%,d violation(s), %,d remaining.%n", violations(), remaining()))
        .toString();
  }
}
