package io.mediaedge.thumbnails.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.devstack.SampleImages;
import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.eventschema.ThumbnailResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The runner's promises, over fakes of the worker's own ports: a job failing outside the image is
 * tried {@code attempts} times and then parked with its reason; a refused image is recorded once
 * and never retried; a decode past the timeout is aborted and recorded; a batch always ends.
 */
class JobRunnerTest {
  private static final List<Integer> SIZES = List.of(200, 800);

  /** S3 in memory; {@code failing} keys throw like a store that is away. */
  private static final class MemoryOriginals implements Originals {
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    final AtomicInteger opens = new AtomicInteger();

    @Override
    public InputStream open(String key) throws IOException {
      opens.incrementAndGet();
      if (failing.contains(key)) {
        throw new IOException("S3 GET " + key + ": connection refused");
      }
      return new ByteArrayInputStream(objects.get(key));
    }

    @Override
    public SeekableByteChannel channel(String key) throws IOException {
      throw new IOException("no videos here");
    }

    @Override
    public void put(String key, byte[] bytes, String contentType) {
      objects.put(key, bytes);
    }

    @Override
    public void delete(String key) {
      objects.remove(key);
    }
  }

  /** Cassandra in memory: media rows and what the worker recorded. */
  private static final class MemoryRecords implements Records {
    final Map<String, Original> media = new ConcurrentHashMap<>();
    final Map<String, List<String>> recorded = new ConcurrentHashMap<>();

    @Override
    public Optional<Original> original(String owner, String mediaId) {
      return Optional.ofNullable(media.get(mediaId));
    }

    @Override
    public Set<Integer> settled(String owner, String mediaId) {
      Set<Integer> sizes = new HashSet<>();
      recorded.getOrDefault(mediaId, List.of()).forEach(entry -> sizes.add(Integer.parseInt(entry.split(":")[0])));
      return sizes;
    }

    @Override
    public void made(String owner, String mediaId, Made thumbnail, Instant uploadedAt) {
      recorded.computeIfAbsent(mediaId, id -> new CopyOnWriteArrayList<>()).add(thumbnail.size() + ":READY");
    }

    @Override
    public void refused(String owner, String mediaId, List<Integer> sizes, String reason, Instant uploadedAt) {
      sizes.forEach(size -> recorded.computeIfAbsent(mediaId, id -> new CopyOnWriteArrayList<>())
          .add(size + ":NONE:" + reason));
    }
  }

  private final MemoryOriginals originals = new MemoryOriginals();
  private final MemoryRecords records = new MemoryRecords();
  private final List<String> parked = new CopyOnWriteArrayList<>();
  private final List<ThumbnailResult> results = new CopyOnWriteArrayList<>();

  private JobRunner runner(Duration timeout) {
    return new JobRunner(new ThumbnailJob(originals, records, SIZES), (event, reason) -> parked.add(
        event.mediaId() + " " + reason), results::add, SIZES, 2, timeout, 3, Duration.ofMillis(10), 50_000_000L,
        64L << 20, 0.85f);
  }

  private HistoryEvent upload(String id, String type, byte[] bytes) {
    records.media.put(id, new Records.Original("media/x/" + id, true, type));
    originals.objects.put("media/x/" + id, bytes);
    return HistoryEvent.upload("ev-" + id, Instant.now(), "owner-1", id, type, bytes.length, "00", 5,
        new Origin("dev", "", "", "", "", "", "", Map.of()));
  }

  @Test
  void madeRefusedAndParkedEachEndTheirWayAndTheBatchEnds() throws Exception {
    HistoryEvent good = upload("good", "image/jpeg", SampleImages.encoded("jpg", 640, 480));
    HistoryEvent bomb = upload("bomb", "image/png", SampleImages.pngClaiming(20_000, 20_000));
    HistoryEvent unreachable = upload("away", "image/jpeg", SampleImages.encoded("jpg", 64, 64));
    originals.failing.add("media/x/away");
    HistoryEvent deleted = upload("gone", "image/jpeg", SampleImages.encoded("jpg", 64, 64));
    records.media.put("gone", new Records.Original("media/x/gone", false, "image/jpeg"));
    try (JobRunner runner = runner(Duration.ofSeconds(30))) {
      runner.runAll(List.of(good, bomb, unreachable, deleted));
      assertEquals(List.of("200:READY", "800:READY"), records.recorded.get("good"));
      assertTrue(originals.objects.containsKey(ThumbnailKeys.of("media/x/good", 200)));
      assertEquals(List.of("200:NONE:TOO_MANY_PIXELS", "800:NONE:TOO_MANY_PIXELS"), records.recorded.get("bomb"));
      // tried three times, then parked with the reason; nothing recorded for it
      assertEquals(1, parked.size(), parked.toString());
      assertTrue(parked.get(0).startsWith("away IOException: S3 GET media/x/away: connection refused"), parked.get(0));
      assertEquals(null, records.recorded.get("away"));
      assertEquals(null, records.recorded.get("gone"), "a deleted media is skipped");
      Map<String, Long> counts = runner.counts();
      assertEquals(1L, counts.get("made"));
      assertEquals(1L, counts.get("refused.TOO_MANY_PIXELS"));
      assertEquals(1L, counts.get("parked"));
      assertEquals(1L, counts.get("skipped"));
      // one result per settled media: made with its sizes, refused with the reason, parked with the
      // kind of its last failure; none for the skipped
      assertEquals(3, results.size(), results.toString());
      ThumbnailResult made = results.stream().filter(r -> r.mediaId().equals("good")).findFirst().orElseThrow();
      assertEquals(ThumbnailResult.Outcome.MADE, made.outcome());
      assertEquals(SIZES, made.sizes());
      assertEquals("dev", made.region());
      ThumbnailResult refused = results.stream().filter(r -> r.mediaId().equals("bomb")).findFirst().orElseThrow();
      assertEquals("TOO_MANY_PIXELS", refused.reason());
      ThumbnailResult parkedResult = results.stream().filter(r -> r.mediaId().equals("away")).findFirst().orElseThrow();
      assertEquals(ThumbnailResult.Outcome.PARKED, parkedResult.outcome());
      assertEquals("IOException", parkedResult.reason());

      // the same events again: settled ones do nothing, the bomb is not retried
      int opensBefore = originals.opens.get();
      originals.failing.clear();
      runner.runAll(List.of(good, bomb));
      assertEquals(2L, runner.counts().get("already_done"));
      assertEquals(opensBefore, originals.opens.get(), "nothing read again");
    }
  }

  @Test
  void thumbnailsOfAMediaDeletedWhileTheyWereMadeAreRemovedAgain() throws Exception {
    HistoryEvent event = upload("raced", "image/jpeg", SampleImages.encoded("jpg", 640, 480));
    // the delete lands while the thumbnails are being written: the media row turns DELETING
    Records racing = new Records() {
      private int reads;

      @Override
      public Optional<Original> original(String owner, String mediaId) {
        return ++reads == 1 ? records.original(owner, mediaId)
            : Optional.of(new Original("media/x/raced", false, "image/jpeg"));
      }

      @Override
      public Set<Integer> settled(String owner, String mediaId) {
        return records.settled(owner, mediaId);
      }

      @Override
      public void made(String owner, String mediaId, Made thumbnail, Instant uploadedAt) {
        records.made(owner, mediaId, thumbnail, uploadedAt);
      }

      @Override
      public void refused(String owner, String mediaId, List<Integer> sizes, String reason, Instant uploadedAt) {
        records.refused(owner, mediaId, sizes, reason, uploadedAt);
      }
    };
    try (JobRunner runner = new JobRunner(new ThumbnailJob(originals, racing, SIZES), (e, reason) -> parked.add(reason),
        results::add, SIZES, 1, Duration.ofSeconds(30), 3, Duration.ofMillis(10), 50_000_000L, 64L << 20, 0.85f)) {
      runner.runAll(List.of(event));
      assertEquals(1L, runner.counts().get("skipped"), runner.counts().toString());
    }
    assertTrue(originals.objects.keySet().stream().noneMatch(key -> key.contains(".thumb-")),
        originals.objects.keySet().toString());
  }

  @Test
  void aDecodePastTheTimeoutIsAbortedAndRecorded() throws Exception {
    byte[] big = SampleImages.encoded("jpg", 4000, 3000);
    HistoryEvent slow = upload("slow", "image/jpeg", big);
    // An original that arrives slowly, as from a store under load: the decode cannot finish in time.
    Originals trickling = new Originals() {
      @Override
      public InputStream open(String key) {
        return new InputStream() {
          private final ByteArrayInputStream bytes = new ByteArrayInputStream(big);

          @Override
          public int read() {
            return bytes.read();
          }

          @Override
          public int read(byte[] b, int off, int len) {
            try {
              Thread.sleep(5);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return bytes.read(b, off, Math.min(len, 2048));
          }
        };
      }

      @Override
      public SeekableByteChannel channel(String key) throws IOException {
        throw new IOException("no videos here");
      }

      @Override
      public void put(String key, byte[] bytes, String contentType) {
        originals.put(key, bytes, contentType);
      }

      @Override
      public void delete(String key) {
        originals.delete(key);
      }
    };
    List<String> parkedHere = new ArrayList<>();
    long started = System.nanoTime();
    try (JobRunner runner = new JobRunner(new ThumbnailJob(trickling, records, SIZES),
        (event, reason) -> parkedHere.add(reason), results::add, SIZES, 1, Duration.ofMillis(300), 3,
        Duration.ofMillis(10), 50_000_000L, 64L << 20, 0.85f)) {
      runner.runAll(List.of(slow));
      assertEquals(1L, runner.counts().get("refused.TIMED_OUT"), runner.counts().toString());
    }
    assertEquals(List.of("200:NONE:TIMED_OUT", "800:NONE:TIMED_OUT"), records.recorded.get("slow"));
    assertTrue(parkedHere.isEmpty());
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(millis < 10_000, "aborted after " + millis + " ms");
  }
}
