package io.mediaedge.devstack;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One server (S3, Cassandra, Kafka, ...) running in its own JVM.
 *
 * <p>Each server gets its own process so its classpath never mixes with ours, and so tests can
 * stop and start it like a real outage. Its output goes to a log file rather than our console,
 * which stays readable; when the server fails, the tail of that log is put in the exception.
 *
 * <p>A shutdown hook stops the process when our JVM exits normally or on Ctrl-C, so no server
 * outlives the build. (Nothing can run on SIGKILL of the parent; the next run picks fresh ports.)
 *
 * <p>The same instance can be started again after {@link #stop()} with the same command line,
 * which is what a restart on the same port and data directory needs.
 */
public final class ForkedJvm implements AutoCloseable {

  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final int TAIL_LINES = 40;

  private final String name;
  private final Path java;
  private final List<String> args;
  private final Path workDir;
  private final Path logFile;
  private final Map<String, String> env;
  private Process process;
  private boolean hookRegistered;

  private ForkedJvm(Builder b) {
    this.name = b.name;
    this.java = b.java != null ? b.java : currentJava();
    this.args = List.copyOf(b.args);
    this.workDir = Objects.requireNonNull(b.workDir, "workDir");
    this.logFile = b.logFile != null ? b.logFile : workDir.resolve(name + ".log");
    this.env = Map.copyOf(b.env);
  }

  /** @param name short name used in messages and the default log file name */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * The {@code java} launcher of the JVM we run in: the forked server then runs on the same JDK
   * the developer already uses (no second installation needed).
   */
  public static Path currentJava() {
    String exe = System.getProperty("os.name", "").startsWith("Windows") ? "java.exe" : "java";
    Path fromHome = Path.of(System.getProperty("java.home"), "bin", exe);
    if (Files.isExecutable(fromHome)) {
      return fromHome;
    }
    return ProcessHandle.current().info().command().map(Path::of)
        .orElseThrow(() -> new IllegalStateException(
            "cannot find the java launcher of this JVM; is java.home (" + fromHome + ") complete?"));
  }

  /** Launches the process; returns at once (pair it with {@link #waitUntil}). */
  public synchronized ForkedJvm start() {
    if (isAlive()) {
      throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
    }
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(args);
    try {
      Files.createDirectories(workDir);
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      // Appending keeps the log of a previous run (e.g. before a restart) for diagnosis.
      Files.writeString(logFile, "=== " + Instant.now() + " starting " + name + ": "
          + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      ProcessBuilder pb = new ProcessBuilder(command)
          .directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .redirectInput(ProcessBuilder.Redirect.PIPE);
      pb.environment().putAll(env);
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + " with " + command, e);
    }
    if (!hookRegistered) {
      Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "stop-" + name));
      hookRegistered = true;
    }
    return this;
  }

  /**
   * Blocks until {@code ready} answers true. Throws, after stopping the process, when the process
   * dies first or {@code timeout} passes; the message carries the tail of the log. A {@code ready}
   * check that throws counts as "not yet" (the usual case while the port is still closed).
   */
  public void waitUntil(BooleanSupplier ready, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException lastError = null;
    while (true) {
      Process p;
      synchronized (this) {
        p = process;
      }
      if (p == null || !p.isAlive()) {
        String code = p == null ? "never started" : "exit code " + p.exitValue();
        throw new IllegalStateException(name + " exited before it was ready (" + code + "). "
            + tailForMessage());
      }
      try {
        if (ready.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      if (System.nanoTime() - deadline > 0) {
        stop();
        throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds()
            + " s" + (lastError != null ? " (last check: " + lastError + ")" : "")
            + "; stopped it. " + tailForMessage(), lastError);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    }
  }

  /**
   * Stops the process and anything it spawned: politely first (SIGTERM lets servers flush and
   * release their ports), forcibly after a few seconds. Returns once they are gone. Idempotent.
   */
  public synchronized void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    // Snapshot the children before the parent dies; afterwards they would be re-parented.
    List<ProcessHandle> descendants = p.descendants().toList();
    descendants.forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
      for (ProcessHandle child : descendants) {
        if (child.isAlive()) {
          child.destroyForcibly();
          child.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      descendants.forEach(ProcessHandle::destroyForcibly);
    } catch (Exception e) {
      // a child that would not die within the grace period: nothing more we can do from here
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The pid of the running process, or -1. */
  public synchronized long pid() {
    return process != null ? process.pid() : -1;
  }

  public String name() {
    return name;
  }

  public Path logFile() {
    return logFile;
  }

  /** The last {@code lines} lines of the log (reads only the end of the file, however big). */
  public String logTail(int lines) {
    try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
      long length = file.length();
      int chunk = (int) Math.min(length, 64 * 1024);
      byte[] bytes = new byte[chunk];
      file.seek(length - chunk);
      file.readFully(bytes);
      String[] all = new String(bytes, StandardCharsets.UTF_8).split("\\R");
      int from = Math.max(0, all.length - lines);
      return String.join(System.lineSeparator(), List.of(all).subList(from, all.length));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private String tailForMessage() {
    return "Last lines of " + logFile + ":" + System.lineSeparator() + logTail(TAIL_LINES);
  }

  /** Collects the command line; only {@code workDir} is required. */
  public static final class Builder {
    private final String name;
    private Path java;
    private final List<String> args = new ArrayList<>();
    private Path workDir;
    private Path logFile;
    private final Map<String, String> env = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Another JDK's launcher, e.g. when a server needs a specific Java version. */
    public Builder java(Path launcher) {
      this.java = launcher;
      return this;
    }

    /** Everything after {@code java}: JVM options, then {@code -jar x.jar} or a main class, then its args. */
    public Builder args(List<String> arguments) {
      args.addAll(arguments);
      return this;
    }

    public Builder args(String... arguments) {
      return args(List.of(arguments));
    }

    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    /** Where stdout and stderr go; defaults to {@code workDir/NAME.log}. */
    public Builder logFile(Path file) {
      this.logFile = file;
      return this;
    }

    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public ForkedJvm build() {
      return new ForkedJvm(this);
    }
  }
}
