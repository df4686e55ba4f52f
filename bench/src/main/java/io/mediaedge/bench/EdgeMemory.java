package io.mediaedge.bench;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What a forked media-edge's memory and collector did over one window of a run: the peak heap (the
 * larger of the jstat samples and the GC log's "before" figures, which catch the true peak), the
 * most still live after a collection, resident memory, and the share of the wall time spent in
 * GC pauses. Open the window with {@link #open}, close it with {@link #close}.
 */
final class EdgeMemory {
  private final EdgeFork edge;
  private final ServerSampler sampler;
  private final String phase;
  private final long startNanos;
  private final Map<String, Double> gcAtStart;
  private final double cpuAtStart;

  private EdgeMemory(EdgeFork edge, ServerSampler sampler, String phase) {
    this.edge = edge;
    this.sampler = sampler;
    this.phase = phase;
    this.startNanos = System.nanoTime();
    this.gcAtStart = sampler.gcCounters();
    this.cpuAtStart = Proc.cpuSeconds(edge.pid());
  }

  /** Labels the sampler's samples with {@code phase} and resets the peak RSS (VmHWM). */
  static EdgeMemory open(EdgeFork edge, ServerSampler sampler, String phase) {
    Proc.resetPeakRss(edge.pid());
    sampler.phase(phase);
    return new EdgeMemory(edge, sampler, phase);
  }

  JsonObject close() {
    long endNanos = System.nanoTime();
    double wall = BenchFigures.seconds(endNanos - startNanos);
    List<ServerSampler.Sample> samples = sampler.samples(phase);
    long sampledHeap = samples.stream().mapToLong(ServerSampler.Sample::heapUsedKiB).max().orElse(-1);
    long sampledRss = samples.stream().mapToLong(ServerSampler.Sample::rssKiB).max().orElse(-1);
    double from = edge.uptimeAt(startNanos);
    double to = edge.uptimeAt(endNanos);
    List<GcLog.Event> gcs = GcLog.read(edge.gcLog()).stream()
        .filter(e -> e.uptime() >= from && e.uptime() <= to).toList();
    long gcBefore = gcs.stream().mapToLong(GcLog.Event::beforeKiB).max().orElse(-1);
    long gcAfter = gcs.stream().mapToLong(GcLog.Event::afterKiB).max().orElse(-1);
    double pauseMs = gcs.stream().mapToDouble(GcLog.Event::pauseMs).sum();
    boolean alive = edge.isAlive();
    long hwm = alive ? Proc.statusKiB(edge.pid(), "VmHWM") : -1;
    Map<String, Double> gcAtEnd = sampler.gcCounters();
    Double gcSeconds = gcAtEnd.get("gcSeconds") >= 0 && gcAtStart.get("gcSeconds") >= 0
        ? BenchFigures.round(gcAtEnd.get("gcSeconds") - gcAtStart.get("gcSeconds"), 3) : null;
    double cpu = alive ? Proc.cpuSeconds(edge.pid()) - cpuAtStart : -1;
    sampler.phase("idle");
    return new JsonObject()
        .put("wallSeconds", BenchFigures.round(wall, 2))
        .put("peakHeapUsedMiB", BenchFigures.mib(Math.max(sampledHeap, gcBefore)))
        .put("sampledPeakHeapUsedMiB", BenchFigures.mib(sampledHeap))
        .put("maxHeapBeforeGcMiB", BenchFigures.mib(gcBefore))
        .put("maxHeapAfterGcMiB", BenchFigures.mib(gcAfter))
        .put("peakRssMiB", BenchFigures.mib(Math.max(hwm, sampledRss)))
        .put("rssAtEndMiB", alive ? BenchFigures.mib(Proc.statusKiB(edge.pid(), "VmRSS")) : null)
        .put("youngGcs", delta(gcAtEnd, "youngGcs"))
        .put("fullGcs", delta(gcAtEnd, "fullGcs"))
        .put("gcSeconds", gcSeconds)
        .put("gcPausesLogged", gcs.size())
        .put("gcPauseMsLogged", BenchFigures.round(pauseMs, 1))
        .put("gcPauseMsMax", BenchFigures.round(gcs.stream().mapToDouble(GcLog.Event::pauseMs).max().orElse(0), 1))
        .put("gcTimeShare", wall <= 0 ? null : BenchFigures.round((gcSeconds != null ? gcSeconds : pauseMs / 1000) / wall, 4))
        .put("cpuSeconds", cpu < 0 ? null : BenchFigures.round(cpu, 1))
        .put("samples", samples.size())
        .put("mediaEdgeAlive", alive);
  }

  private Long delta(Map<String, Double> end, String key) {
    Double a = end.get(key);
    Double b = gcAtStart.get(key);
    return a == null || b == null || a < 0 || b < 0 ? null : Math.round(a - b);
  }
}
