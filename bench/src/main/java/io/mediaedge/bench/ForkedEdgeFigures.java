package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.mib;
import static io.mediaedge.bench.BenchFigures.round;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@link ForkedEdge}'s measurements are laid out in the result: one phase's memory, GC and CPU
 * figures, and the whole run's one-row-per-second timeline.
 */
final class ForkedEdgeFigures {
  private ForkedEdgeFigures() {}

  /**
   * One phase: peak heap (sampled and from the GC log), heap after GC, peak RSS, GC, CPU.
   * {@code hwmResettable}: VmHWM was reset at every phase's start, so it is this phase's peak;
   * {@code rssAtEnd} is null when media-edge had exited; CPU seconds are the change from
   * {@code cpuStart} to {@code cpuEnd}, per JVM.
   */
  static JsonObject phase(EdgeMemory.Figures f, boolean hwmResettable, JsonObject rssAtEnd,
      Map<String, Double> cpuStart, Map<String, Double> cpuEnd) {
    double wall = f.wallSeconds();
    long hwm = f.peakRssKiB();
    JsonObject out = new JsonObject()
        .put("wallSeconds", round(wall, 2))
        .put("peakHeapUsedMiB", mib(f.peakHeapKiB()))
        .put("sampledPeakHeapUsedMiB", mib(f.sampledPeakHeapKiB()))
        .put("maxHeapBeforeGcMiB", mib(f.gcMaxBeforeKiB()))
        .put("maxHeapAfterGcMiB", mib(f.gcMaxAfterKiB()))
        .put("peakHeapCommittedMiB", mib(f.sampledPeakCommittedKiB()))
        .put("peakRssMiB", hwmResettable && hwm > 0 ? mib(hwm) : mib(f.sampledPeakRssKiB()))
        .put("peakRssSource", hwmResettable && hwm > 0 ? "VmHWM (reset at phase start)" : "max sampled VmRSS")
        .put("sampledPeakRssMiB", mib(f.sampledPeakRssKiB()))
        .put("rssAtEndMiB", rssAtEnd)
        .put("samples", f.samples());
    out.put("gc", new JsonObject()
        .put("youngGcs", f.gcDelta("youngGcs"))
        .put("fullGcs", f.gcDelta("fullGcs"))
        .put("concurrentGcs", f.gcDelta("concurrentGcs"))
        .put("gcSeconds", f.gcSeconds())
        .put("allocatedMiBApprox", f.allocatedKiB() < 0 ? null : mib(f.allocatedKiB()))
        .put("pausesLogged", f.gcs().size())
        .put("pauseMsTotal", round(f.pauseMsTotal(), 1))
        .put("pauseMsMax", round(f.pauseMsMax(), 1)));
    JsonObject cpu = new JsonObject();
    cpuStart.forEach((jvm, start) -> {
      Double end = cpuEnd.get(jvm);
      cpu.put(jvm, start < 0 || end == null || end < 0 ? null : round(end - start, 1));
    });
    out.put("cpuSeconds", cpu.put("cores", Runtime.getRuntime().availableProcessors()).put("wallSeconds", round(wall, 2)));
    return out;
  }

  /** One row per second: the largest heap and RSS seen in that second, and the client's progress. */
  static JsonArray timeline(List<ServerSampler.Sample> samples) {
    Map<Long, ServerSampler.Sample> perSecond = new LinkedHashMap<>();
    Map<Long, long[]> peaks = new LinkedHashMap<>();
    for (ServerSampler.Sample s : samples) {
      long second = s.atMillis() / 1000;
      perSecond.put(second, s);
      peaks.merge(second, new long[] {s.heapUsedKiB(), s.rssKiB()},
          (a, b) -> new long[] {Math.max(a[0], b[0]), Math.max(a[1], b[1])});
    }
    JsonArray rows = new JsonArray()
        .add(new JsonArray(List.of("second", "phase", "heapUsedMiB", "rssMiB", "clientMB", "youngGcs")));
    perSecond.forEach((second, last) -> {
      long[] p = peaks.get(second);
      rows.add(new JsonArray(Arrays.asList(second, last.phase(), mib(p[0]), mib(p[1]),
          Math.round(last.clientBytes() / 1e6), last.youngGcs())));
    });
    return rows;
  }
}
