package io.mediaedge.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The side-by-side suite's settings: the full run's by default, smaller ones with --quick. */
record SuiteOptions(boolean quick, Set<String> scenarios, Path workDir, Path resultsDir, Path runtimeClasspathFile,
    Path nginx, String noNginxReason, List<String> extraScenarios, String edgeXmx, int repetitions,
    long largeSize, long flatSize, String flatXmx, int clients, int oneUserClients, int oneUserSize,
    Duration warmup, Duration measure, int ranges, int rangeClients, long seed, List<String> edgeJvmArgs) {

  static final List<String> ALL_SCENARIOS = List.of("large", "download", "small", "small-one-user", "flat");
  /** The one-user variant's bodies come from the same 2 MiB pool as scenario 4's. */
  static final int MAX_ONE_USER_SIZE = 2 << 20;

  static final String USAGE = """
      usage: bench/suite.sh [--quick] [options]
             bench/suite.sh --table bench/results/suite-<time>.json   (print an earlier run's table)
        --quick                 small sizes and short runs (under 5 minutes)
        --only LIST             scenarios to run, comma separated: large,download,small,small-one-user,
                                flat (default all, then the extra scenario scripts; with --only, no extras)
        --repetitions N         rounds of the large-upload and full-download transfers (full 2, quick 1)
        --large-size SIZE       scenario 1 and 5 object size (full 1GiB, quick 256MiB)
        --flat-size SIZE        scenario 2 upload size (full 1600MB, quick 400MB)
        --flat-xmx SIZE         scenario 2 media-edge heap (64m)
        --edge-xmx SIZE         media-edge heap for scenarios 1, 4, 5 (512m)
        --edge-jvm-arg ARG      one more JVM option for every media-edge the suite starts, e.g. a JFR
                                recording to profile it (repeatable)
        --clients N             scenario 4 concurrent clients (full 300, quick 40)
        --one-user-clients N    small-one-user: concurrent clients, all one user (40)
        --one-user-size SIZE    small-one-user: body size, at most 2MiB (512KiB)
        --seconds N             scenario 4 (both variants) measured seconds per system (full 60, quick 10)
        --warmup N              scenario 4 (both variants) warm-up seconds per system (10)
        --ranges N              scenario 5 random 1 MiB ranges per system (full 1000, quick 200)
        --range-clients N       scenario 5 ranges in flight (4)
        --seed N                body generator seed
        --nginx PATH            the nginx binary (bench/suite.sh finds or installs it)
        --no-nginx REASON       run without the nginx column, saying why
        --extra COMMAND         an extra scenario script, run after the suite (repeatable)
        --work DIR              server data and logs (target/bench-suite)
        --results DIR           where the result JSON goes (bench/results)
        --runtime-classpath F   media-edge's runtime class path file (bench/suite.sh writes it)
      """;

  static SuiteOptions parse(String[] args) {
    boolean quick = List.of(args).contains("--quick");
    Set<String> scenarios = new LinkedHashSet<>(ALL_SCENARIOS);
    Path work = Path.of("target/bench-suite");
    Path results = Path.of("bench/results");
    Path runtimeCp = Path.of("target/bench-suite/classpath-runtime.txt");
    Path nginx = null;
    String noNginx = "no nginx binary was given (--nginx PATH)";
    List<String> extras = new ArrayList<>();
    List<String> edgeJvmArgs = new ArrayList<>();
    boolean only = false;
    String edgeXmx = "512m";
    int reps = quick ? 1 : 2;
    long large = quick ? 256L << 20 : 1L << 30;
    long flat = quick ? 400_000_000L : 1_600_000_000L;
    String flatXmx = "64m";
    int clients = quick ? 40 : 300;
    // an album going up from one phone or browser: 40 in flight whatever the suite's size
    int oneUserClients = 40;
    long oneUserSize = 512 << 10;
    // A freshly started JVM spends about half its CPU compiling in its first seconds of load; 10 s
    // of warm-up per system and round measure the server that runs for days, not its start.
    Duration warmup = Duration.ofSeconds(10);
    Duration measure = Duration.ofSeconds(quick ? 10 : 60);
    int ranges = quick ? 200 : 1000;
    int rangeClients = 4;
    long seed = 20261123L;
    BenchArgs in = new BenchArgs(args);
    while (in.hasNext()) {
      String a = in.next();
      switch (a) {
        case "--quick" -> { }
        case "--help", "-h" -> throw new BenchOptions.UsageException(USAGE);
        case "--only" -> {
          scenarios = new LinkedHashSet<>(List.of(in.value(a).split(",")));
          only = true;
          if (!ALL_SCENARIOS.containsAll(scenarios)) {
            throw new IllegalArgumentException("--only takes some of " + ALL_SCENARIOS + ", got " + scenarios);
          }
        }
        case "--repetitions" -> reps = Integer.parseInt(in.value(a));
        case "--large-size" -> large = in.size(a);
        case "--flat-size" -> flat = in.size(a);
        case "--flat-xmx" -> flatXmx = in.value(a);
        case "--edge-xmx" -> edgeXmx = in.value(a);
        case "--edge-jvm-arg" -> edgeJvmArgs.add(in.value(a));
        case "--clients" -> clients = Integer.parseInt(in.value(a));
        case "--one-user-clients" -> oneUserClients = Integer.parseInt(in.value(a));
        case "--one-user-size" -> oneUserSize = in.size(a);
        case "--seconds" -> measure = Duration.ofSeconds(Long.parseLong(in.value(a)));
        case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(in.value(a)));
        case "--ranges" -> ranges = Integer.parseInt(in.value(a));
        case "--range-clients" -> rangeClients = Integer.parseInt(in.value(a));
        case "--seed" -> seed = Long.parseLong(in.value(a));
        case "--nginx" -> {
          nginx = Path.of(in.value(a));
          noNginx = null;
        }
        case "--no-nginx" -> {
          noNginx = in.value(a);
          nginx = null;
        }
        case "--extra" -> extras.add(in.value(a));
        case "--work" -> work = Path.of(in.value(a));
        case "--results" -> results = Path.of(in.value(a));
        case "--runtime-classpath" -> runtimeCp = Path.of(in.value(a));
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (reps < 1 || clients < 1 || ranges < 1 || rangeClients < 1 || large < (2 << 20) || flat < 1) {
      throw new IllegalArgumentException("repetitions, clients, ranges must be >= 1 and --large-size >= 2MiB");
    }
    if (oneUserClients < 1 || oneUserSize < 1 || oneUserSize > MAX_ONE_USER_SIZE) {
      throw new IllegalArgumentException("--one-user-clients must be >= 1 and --one-user-size 1 B to 2MiB");
    }
    // The extra scenario scripts belong to a whole run; --only picks among the suite's own.
    return new SuiteOptions(quick, scenarios, work, results, runtimeCp, nginx, noNginx,
        only ? List.of() : List.copyOf(extras),
        edgeXmx, reps, large, flat, flatXmx.toLowerCase(Locale.ROOT), clients, oneUserClients, (int) oneUserSize,
        warmup, measure, ranges, rangeClients, seed, List.copyOf(edgeJvmArgs));
  }
}
