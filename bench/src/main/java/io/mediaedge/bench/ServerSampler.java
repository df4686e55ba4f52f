package io.mediaedge.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Samples a JVM from the outside while it works: heap occupancy and GC counters from
 * {@code jstat -gc} (which reads the JVM's perf-data file, no agent, no safepoint), and resident
 * memory from {@code /proc/PID/status}, every {@code interval}. Each sample carries the phase
 * label current when it was taken and the client's progress, so peaks can be told apart per phase.
 */
final class ServerSampler implements AutoCloseable {

  /** One observation. Sizes in KiB; -1 where unknown. */
  record Sample(long atMillis, String phase, long heapUsedKiB, long heapCommittedKiB,
      long metaspaceUsedKiB, long youngGcs, long fullGcs, long concurrentGcs, double gcSeconds,
      long rssKiB, long clientBytes) {}

  /** The latest {@code jstat -gc} line, by column name. */
  private volatile Map<String, Double> latestGc = Map.of();
  private final long pid;
  private final Duration interval;
  private final LongSupplier clientBytes;
  private final long t0 = System.nanoTime();
  private final List<Sample> samples = new ArrayList<>();
  private volatile String phase = "idle";
  private volatile boolean running;
  private Process jstat;
  private Thread jstatReader;
  private Thread sampler;
  private volatile String jstatProblem;

  ServerSampler(long pid, Duration interval, LongSupplier clientBytes) {
    this.pid = pid;
    this.interval = interval;
    this.clientBytes = clientBytes;
  }

  ServerSampler start() {
    running = true;
    try {
      jstat = new ProcessBuilder(Proc.jdkTool("jstat"), "-gc", Long.toString(pid),
          interval.toMillis() + "ms").redirectErrorStream(true).start();
      jstatReader = new Thread(this::readJstat, "bench-jstat");
      jstatReader.setDaemon(true);
      jstatReader.start();
    } catch (IOException e) {
      jstatProblem = "jstat did not start: " + e.getMessage();
    }
    sampler = new Thread(this::sampleLoop, "bench-sampler");
    sampler.setDaemon(true);
    sampler.start();
    return this;
  }

  /** Waits until jstat has reported once (it needs a moment to attach), at most {@code timeout}. */
  boolean awaitFirstReport(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (latestGc.isEmpty() && jstatProblem == null && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !latestGc.isEmpty();
  }

  void phase(String name) {
    phase = name;
  }

  /** A problem with jstat (e.g. it could not attach), or null. */
  String jstatProblem() {
    return jstatProblem;
  }

  /** The latest GC counters: youngGcs, fullGcs, concurrentGcs, gcSeconds (-1 when unknown). */
  Map<String, Double> gcCounters() {
    Map<String, Double> gc = latestGc;
    Map<String, Double> out = new HashMap<>();
    out.put("youngGcs", gc.getOrDefault("YGC", -1.0));
    out.put("fullGcs", gc.getOrDefault("FGC", -1.0));
    out.put("concurrentGcs", gc.getOrDefault("CGC", -1.0));
    out.put("gcSeconds", gc.getOrDefault("GCT", -1.0));
    return out;
  }

  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  List<Sample> samples(String phaseName) {
    return samples().stream().filter(s -> s.phase().equals(phaseName)).toList();
  }

  @Override
  public void close() {
    running = false;
    if (jstat != null) {
      jstat.destroy();
      try {
        jstat.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      if (sampler != null) {
        sampler.join(5000);
      }
      if (jstatReader != null) {
        jstatReader.join(5000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void readJstat() {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
      String[] header = null;
      String line;
      while ((line = in.readLine()) != null) {
        String[] cols = line.trim().split("\\s+");
        if (cols.length > 0 && cols[0].equals("S0C")) {
          header = cols;
          continue;
        }
        if (header == null || cols.length != header.length) {
          if (running && !line.isBlank()) {
            jstatProblem = "jstat: " + line.trim();
          }
          continue;
        }
        Map<String, Double> values = new HashMap<>();
        for (int i = 0; i < cols.length; i++) {
          try {
            values.put(header[i], Double.parseDouble(cols[i]));
          } catch (NumberFormatException dash) {
            // "-" for counters this collector does not have
          }
        }
        latestGc = values;
      }
    } catch (IOException e) {
      if (running) {
        jstatProblem = "jstat output unreadable: " + e.getMessage();
      }
    }
  }

  private void sampleLoop() {
    while (running) {
      Map<String, Double> gc = latestGc;
      long rss = Proc.statusKiB(pid, "VmRSS");
      Sample s = new Sample(
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), phase,
          sum(gc, "S0U", "S1U", "EU", "OU"), sum(gc, "S0C", "S1C", "EC", "OC"), sum(gc, "MU"),
          (long) (double) gc.getOrDefault("YGC", -1.0), (long) (double) gc.getOrDefault("FGC", -1.0),
          (long) (double) gc.getOrDefault("CGC", -1.0), gc.getOrDefault("GCT", -1.0),
          rss, clientBytes.getAsLong());
      synchronized (this) {
        samples.add(s);
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static long sum(Map<String, Double> gc, String... columns) {
    double total = 0;
    for (String c : columns) {
      Double v = gc.get(c);
      if (v == null) {
        return -1;
      }
      total += v;
    }
    return Math.round(total);
  }
}
