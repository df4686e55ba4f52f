package io.mediaedge.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line the suite's scenario scripts share: {@code --quick}, {@code --results DIR},
 * {@code --work DIR}, {@code --xmx SIZE}, {@code --jvm-arg ARG} and {@code --set PATH=VALUE}
 * (repeatable), {@code --runtime-classpath FILE} (the script passes it), plus each scenario's own
 * {@code --name value} options, named up front so a typo is refused.
 */
final class ScenarioArgs {
  private final Map<String, String> values = new HashMap<>();
  private final List<String> jvmArgs = new ArrayList<>();
  private final Map<String, String> overrides = new LinkedHashMap<>();
  private boolean quick;

  /** Thrown for --help. */
  static final class HelpWanted extends RuntimeException {
    HelpWanted() {
      super(null, null, false, false);
    }
  }

  /**
   * For a scenario's main: the parsed arguments, or null after printing the usage (--help); a bad
   * command line prints the problem and the usage and exits with 2.
   */
  static ScenarioArgs parseOrExit(String[] argv, Set<String> ownOptions, String scenario, String usage) {
    try {
      return parse(argv, ownOptions);
    } catch (HelpWanted help) {
      System.out.print(usage);
      return null;
    } catch (IllegalArgumentException e) {
      System.err.println(scenario + ": " + e.getMessage());
      System.err.print(usage);
      System.exit(2);
      return null;
    }
  }

  static ScenarioArgs parse(String[] args, Set<String> ownOptions) {
    ScenarioArgs a = new ScenarioArgs();
    BenchArgs in = new BenchArgs(args);
    while (in.hasNext()) {
      String arg = in.next();
      switch (arg) {
        case "-h", "--help" -> throw new HelpWanted();
        case "--quick" -> a.quick = true;
        case "--jvm-arg" -> a.jvmArgs.add(in.value(arg));
        case "--set" -> in.override(arg, a.overrides);
        default -> {
          String name = arg.startsWith("--") ? arg.substring(2) : "";
          if (!ownOptions.contains(name) && !Set.of("results", "work", "xmx", "runtime-classpath").contains(name)) {
            throw new IllegalArgumentException("unknown option " + arg);
          }
          a.values.put(name, in.value(arg));
        }
      }
    }
    if (a.values.get("runtime-classpath") == null) {
      throw new IllegalArgumentException("--runtime-classpath FILE is required (the bench script passes it)");
    }
    return a;
  }

  boolean quick() {
    return quick;
  }

  /** An option's value, or {@code full} / {@code quick} when it is not given. */
  String get(String name, String full, String quickDefault) {
    return values.getOrDefault(name, quick ? quickDefault : full);
  }

  int integer(String name, int full, int quickDefault) {
    return Integer.parseInt(get(name, Integer.toString(full), Integer.toString(quickDefault)));
  }

  long size(String name, String full, String quickDefault) {
    return BenchOptions.parseSize(get(name, full, quickDefault));
  }

  Path results() {
    return Path.of(values.getOrDefault("results", "bench/results"));
  }

  Path work(String fallback) {
    return Path.of(values.getOrDefault("work", fallback)).toAbsolutePath();
  }

  String xmx(String fallback) {
    return values.getOrDefault("xmx", fallback);
  }

  Path runtimeClasspath() {
    return Path.of(values.get("runtime-classpath"));
  }

  List<String> jvmArgs() {
    return List.copyOf(jvmArgs);
  }

  Map<String, String> overrides() {
    return new LinkedHashMap<>(overrides);
  }
}
