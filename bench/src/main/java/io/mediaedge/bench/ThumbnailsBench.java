package io.mediaedge.bench;

import io.mediaedge.devstack.SampleVideos;
import io.mediaedge.thumbnails.images.Rendition;
import io.mediaedge.thumbnails.images.ThumbnailMaker;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * What the thumbnails worker's decoding sustains (issue 17): thumbnails (both default sizes, 200
 * and 800) per second of a 12-megapixel JPEG and of a 1080p H.264 MP4, on one thread (per core)
 * and on as many threads as cores, with the heap's peak while they run. The sources are made here:
 * the JPEG from a picture with noise in it (a photo's entropy, about 1.5 bits per pixel), the MP4
 * by JCodec's encoder. Decoding only: the worker adds an S3 read and write and two Cassandra
 * requests per media.
 */
public final class ThumbnailsBench {
  private static final String USAGE = """
      bench/thumbnails.sh [--seconds N] [--results DIR] [--quick]
        --seconds N     measured seconds per case (default 20; --quick 5), after a warm-up of half that
        --results DIR   where the result JSON goes (default bench/results)""";
  private static final List<Integer> SIZES = List.of(200, 800);

  public static void main(String[] args) throws Exception {
    int seconds = 20;
    Path results = Path.of("bench/results");
    BenchArgs in = new BenchArgs(args);
    while (in.hasNext()) {
      String option = in.next();
      switch (option) {
        case "--seconds" -> seconds = in.wholeNumber(option);
        case "--results" -> results = Path.of(in.value(option));
        case "--quick" -> seconds = 5;
        case "--help" -> {
          System.out.println(USAGE);
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
      }
    }
    BenchRun run = new BenchRun("thumbnails");
    Path work = Files.createDirectories(Path.of("target/bench-thumbnails"));
    byte[] jpeg = photo(4000, 3000);
    Path mp4 = work.resolve("sample-1080p.mp4");
    Files.write(mp4, SampleVideos.mp4(1920, 1080, 50));
    int cores = Runtime.getRuntime().availableProcessors();
    JsonObject result = new JsonObject().put("machine", BenchFigures.machine())
        .put("heapMaxMiB", Runtime.getRuntime().maxMemory() >> 20)
        .put("sizes", SIZES.toString())
        .put("jpeg", new JsonObject().put("width", 4000).put("height", 3000).put("bytes", jpeg.length))
        .put("mp4", new JsonObject().put("width", 1920).put("height", 1080).put("frames", 50)
            .put("bytes", Files.size(mp4)));
    Case image = maker -> maker.make(new ByteArrayInputStream(jpeg), SIZES);
    Case video = maker -> {
      try (SeekableByteChannel channel = Files.newByteChannel(mp4)) {
        return maker.makeFromVideo(channel, SIZES);
      }
    };
    result.put("jpeg12mpOneThread", measure("12 MP JPEG, 1 thread", image, 1, seconds));
    result.put("jpeg12mpAllCores", measure("12 MP JPEG, " + cores + " threads", image, cores, seconds));
    result.put("mp4OneThread", measure("1080p MP4, 1 thread", video, 1, seconds));
    result.put("mp4AllCores", measure("1080p MP4, " + cores + " threads", video, cores, seconds));
    Path file = run.writeResult(results, result);
    System.out.println(result.encodePrettily());
    System.out.println("written to " + file);
  }

  private interface Case {
    List<Rendition> run(ThumbnailMaker maker) throws Exception;
  }

  /** Thumbnails made per second by {@code threads} threads, and the heap's peak meanwhile. */
  private static JsonObject measure(String name, Case work, int threads, int seconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      run(work, threads, pool, Math.max(2, seconds / 2) * 1_000_000_000L, new AtomicInteger());
      System.gc();
      ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
      long cpuBefore = BenchFigures.processCpuNanos();
      AtomicInteger media = new AtomicInteger();
      long started = System.nanoTime();
      run(work, threads, pool, seconds * 1_000_000_000L, media);
      double wall = (System.nanoTime() - started) / 1e9;
      double cpu = (BenchFigures.processCpuNanos() - cpuBefore) / 1e9;
      long peakHeap = 0;
      for (MemoryPoolMXBean memory : ManagementFactory.getMemoryPoolMXBeans()) {
        if (memory.getType() == MemoryType.HEAP && memory.getPeakUsage() != null) {
          peakHeap += memory.getPeakUsage().getUsed();
        }
      }
      JsonObject out = new JsonObject().put("threads", threads).put("seconds", BenchFigures.round(wall, 1))
          .put("media", media.get())
          .put("mediaPerSecond", BenchFigures.round(media.get() / wall, 2))
          .put("mediaPerCpuSecond", BenchFigures.round(media.get() / cpu, 2))
          .put("cpuMsPerMedia", BenchFigures.round(cpu * 1000 / media.get(), 1))
          .put("thumbnailsPerSecond", BenchFigures.round(media.get() * SIZES.size() / wall, 2))
          .put("peakHeapMiB", peakHeap >> 20);
      System.out.println(name + ": " + out.encode());
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void run(Case work, int threads, ExecutorService pool, long nanos, AtomicInteger media)
      throws Exception {
    long deadline = System.nanoTime() + nanos;
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      running.add(pool.submit(() -> {
        ThumbnailMaker maker = new ThumbnailMaker(50_000_000L, 64L << 20, 0.85f);
        while (System.nanoTime() < deadline) {
          List<Rendition> made = work.run(maker);
          if (made.size() != SIZES.size()) {
            throw new IllegalStateException("made " + made.size() + " thumbnails");
          }
          media.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> one : running) {
      one.get();
    }
  }

  /** A JPEG with a photo's entropy: smooth areas and noise, at quality 0.9 (the JDK's encoder). */
  private static byte[] photo(int width, int height) throws Exception {
    BufferedImage image = io.mediaedge.devstack.SampleImages.picture(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(17);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = image.getRGB(x, y);
        int noise = random.nextInt(24) - 12;
        int r = clamp(((rgb >> 16) & 0xFF) + noise);
        int g = clamp(((rgb >> 8) & 0xFF) + noise);
        int b = clamp((rgb & 0xFF) + noise);
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
