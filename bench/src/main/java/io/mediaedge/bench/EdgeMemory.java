package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.mib;
import static io.mediaedge.bench.BenchFigures.round;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The one memory/GC window of the harness: what a forked media-edge's memory and collector did
 * between {@link #open} and {@link #measure}. The peak heap is the larger of the jstat samples and
 * the GC log's "before" figures (which catch the true peak between two samples); also the most
 * still live after a collection, resident memory (VmHWM, reset at the start), the collector's
 * counters and pauses. Each benchmark lays the {@link Figures} out under its own result fields;
 * {@link #close} is the layout of the scenario scripts (3 and 6).
 */
final class EdgeMemory {
  private final EdgeFork edge;
  private final ServerSampler sampler;
  private final String phase;
  private final boolean peakRssReset;
  private final long startNanos;
  private final Map<String, Double> gcAtStart;
  private final double cpuAtStart;

  private EdgeMemory(EdgeFork edge, ServerSampler sampler, String phase, boolean peakRssReset) {
    this.edge = edge;
    this.sampler = sampler;
    this.phase = phase;
    this.peakRssReset = peakRssReset;
    this.startNanos = System.nanoTime();
    this.gcAtStart = sampler.gcCounters();
    this.cpuAtStart = Proc.cpuSeconds(edge.pid());
  }

  /** Resets the peak RSS (VmHWM) and labels the sampler's samples with {@code phase} from now on. */
  static EdgeMemory open(EdgeFork edge, ServerSampler sampler, String phase) {
    boolean reset = Proc.resetPeakRss(edge.pid());
    sampler.phase(phase);
    return new EdgeMemory(edge, sampler, phase, reset);
  }

  /** Whether VmHWM could be reset at the start (it cannot on some kernels): then it is the window's peak. */
  boolean peakRssReset() {
    return peakRssReset;
  }

  /** When the window opened, in {@link System#nanoTime()}. */
  long startNanos() {
    return startNanos;
  }

  /** What one window measured; KiB figures are -1 where nothing was seen. */
  record Figures(double wallSeconds, int samples, long sampledPeakHeapKiB, long sampledPeakCommittedKiB,
      long sampledPeakRssKiB, List<GcLog.Event> gcs, long peakRssKiB, boolean alive,
      Map<String, Double> gcAtStart, Map<String, Double> gcAtEnd) {

    long gcMaxBeforeKiB() {
      return gcs.stream().mapToLong(GcLog.Event::beforeKiB).max().orElse(-1);
    }

    long gcMaxAfterKiB() {
      return gcs.stream().mapToLong(GcLog.Event::afterKiB).max().orElse(-1);
    }

    /** The larger of the sampled peak and the GC log's "before" figures. */
    long peakHeapKiB() {
      return Math.max(sampledPeakHeapKiB, gcMaxBeforeKiB());
    }

    double pauseMsTotal() {
      return gcs.stream().mapToDouble(GcLog.Event::pauseMs).sum();
    }

    double pauseMsMax() {
      return gcs.stream().mapToDouble(GcLog.Event::pauseMs).max().orElse(0);
    }

    /** The change of a jstat GC counter over the window, or null when jstat did not say. */
    Long gcDelta(String counter) {
      Double end = gcAtEnd.get(counter);
      Double start = gcAtStart.get(counter);
      return end == null || start == null || end < 0 || start < 0 ? null : Math.round(end - start);
    }

    /** Seconds spent in GC according to jstat, or null when it did not say. */
    Double gcSeconds() {
      double end = gcAtEnd.getOrDefault("gcSeconds", -1.0);
      double start = gcAtStart.getOrDefault("gcSeconds", -1.0);
      return end >= 0 && start >= 0 ? round(end - start, 3) : null;
    }

    /**
     * Heap allocated between the first and the last collection of the window: what each collection
     * found on top of what the one before it left. A lower bound (it misses the tail after the last
     * collection), good enough to compare with the bytes that went through; -1 below two collections.
     */
    long allocatedKiB() {
      long total = 0;
      for (int i = 1; i < gcs.size(); i++) {
        total += Math.max(0, gcs.get(i).beforeKiB() - gcs.get(i - 1).afterKiB());
      }
      return gcs.size() < 2 ? -1 : total;
    }
  }

  /**
   * Ends the window now and measures it. {@code linger} lets the sampler take one more look after
   * the end (so a short window still has samples) before the samples are read.
   */
  Figures measure(Duration linger) {
    long endNanos = System.nanoTime();
    if (!linger.isZero()) {
      BenchRun.sleep(linger.toMillis());
    }
    List<ServerSampler.Sample> samples = sampler.samples(phase);
    double from = edge.uptimeAt(startNanos);
    double to = edge.uptimeAt(endNanos);
    List<GcLog.Event> gcs = GcLog.read(edge.gcLog()).stream()
        .filter(e -> e.uptime() >= from && e.uptime() <= to).toList();
    boolean alive = edge.isAlive();
    Figures figures = new Figures(BenchFigures.seconds(endNanos - startNanos), samples.size(),
        samples.stream().mapToLong(ServerSampler.Sample::heapUsedKiB).max().orElse(-1),
        samples.stream().mapToLong(ServerSampler.Sample::heapCommittedKiB).max().orElse(-1),
        samples.stream().mapToLong(ServerSampler.Sample::rssKiB).max().orElse(-1),
        gcs, alive ? Proc.statusKiB(edge.pid(), "VmHWM") : -1, alive, gcAtStart, sampler.gcCounters());
    sampler.phase("idle");
    return figures;
  }

  /** Ends the window and lays it out as the scenario scripts report it, with media-edge's CPU seconds. */
  JsonObject close() {
    double cpu = edge.isAlive() ? Proc.cpuSeconds(edge.pid()) - cpuAtStart : -1;
    Figures f = measure(Duration.ZERO);
    double wall = f.wallSeconds();
    Double gcSeconds = f.gcSeconds();
    return new JsonObject()
        .put("wallSeconds", round(wall, 2))
        .put("peakHeapUsedMiB", mib(f.peakHeapKiB()))
        .put("sampledPeakHeapUsedMiB", mib(f.sampledPeakHeapKiB()))
        .put("maxHeapBeforeGcMiB", mib(f.gcMaxBeforeKiB()))
        .put("maxHeapAfterGcMiB", mib(f.gcMaxAfterKiB()))
        .put("peakRssMiB", mib(Math.max(f.peakRssKiB(), f.sampledPeakRssKiB())))
        .put("rssAtEndMiB", f.alive() ? mib(Proc.statusKiB(edge.pid(), "VmRSS")) : null)
        .put("youngGcs", f.gcDelta("youngGcs"))
        .put("fullGcs", f.gcDelta("fullGcs"))
        .put("gcSeconds", gcSeconds)
        .put("gcPausesLogged", f.gcs().size())
        .put("gcPauseMsLogged", round(f.pauseMsTotal(), 1))
        .put("gcPauseMsMax", round(f.pauseMsMax(), 1))
        .put("gcTimeShare", wall <= 0 ? null : round((gcSeconds != null ? gcSeconds : f.pauseMsTotal() / 1000) / wall, 4))
        .put("cpuSeconds", cpu < 0 ? null : round(cpu, 1))
        .put("samples", f.samples())
        .put("mediaEdgeAlive", f.alive());
  }
}
