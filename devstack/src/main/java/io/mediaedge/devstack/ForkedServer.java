package io.mediaedge.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle every dev-stack server shares: choose ports once, prepare its files, run it in a
 * {@link ForkedJvm}, wait until it serves clients, stop it and start it again on the same ports
 * with the same data. Tests use stop/start to cut a dependency off and give it back.
 *
 * <p>A subclass says only what is its own: its command line, its files, its ports and what
 * "ready" means. Data and {@code NAME.log} live under {@code dataDir} and outlive a stop.
 *
 * @param <S> the server's own type, so that {@link #start()} returns it for chaining
 */
public abstract class ForkedServer<S extends ForkedServer<S>> implements AutoCloseable {

  // named after the subclass, as each server logged before they shared this base
  private final Logger log = LoggerFactory.getLogger(getClass());
  private final String name;
  private final String displayName;
  private final Path dataDir;
  private final Duration startTimeout;
  private ForkedJvm jvm;
  private Duration lastStartTime;

  /**
   * @param name the process name: names the log file ({@code NAME.log}) and the start thread
   * @param displayName what our own log lines call the server
   * @param dataDir holds the server's data, configuration and log; kept across restarts
   * @param startTimeout how long a start may take until the server is ready
   */
  protected ForkedServer(String name, String displayName, Path dataDir, Duration startTimeout) {
    this.name = Objects.requireNonNull(name, "name");
    this.displayName = Objects.requireNonNull(displayName, "displayName");
    this.dataDir = dataDir.toAbsolutePath();
    this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
  }

  /** Picks the ports still at 0; called at every start, so it must keep ports already chosen. */
  protected abstract void choosePorts();

  /** Writes what the server reads at start (configuration, directories); called at every start. */
  protected abstract void prepare();

  /** Everything after {@code java}; read once, since ports and paths never change afterwards. */
  protected abstract List<String> jvmArgs();

  /** Blocks until the server serves clients, through {@link ForkedJvm#waitUntil}. */
  protected abstract void awaitReady(ForkedJvm jvm, Duration timeout);

  /** Our log line once the server is ready, e.g. {@code Kafka 4.4.0 ready at HOST:PORT}. */
  protected abstract String readyLine();

  /** The port named in our log lines. */
  protected abstract int mainPort();

  /** The {@code java} launcher the server runs with; ours unless a server needs another JDK. */
  public Path java() {
    return ForkedJvm.currentJava();
  }

  /** Runs inside the timed start, just before the process launches (e.g. a one-off format). */
  protected void beforeLaunch(ForkedJvm jvm) {
  }

  /** Starts the server and blocks until it is ready. No-op when it runs already. */
  public final synchronized S start() {
    if (isRunning()) {
      return self();
    }
    choosePorts();
    prepare();
    if (jvm == null) {
      // one instance for every start: the command line never changes once the ports are chosen
      jvm = ForkedJvm.builder(name)
          .java(java())
          .workDir(dataDir)
          .logFile(logFile())
          .args(jvmArgs())
          .build();
    }
    long t0 = System.nanoTime();
    beforeLaunch(jvm);
    jvm.start();
    awaitReady(jvm, startTimeout);
    lastStartTime = Duration.ofNanos(System.nanoTime() - t0);
    log.info("{} in {} ms (pid {}, data {}, log {})", readyLine(),
        lastStartTime.toMillis(), jvm.pid(), dataDir, logFile());
    return self();
  }

  /**
   * {@link #start()} on a thread of its own, so the servers can boot side by side:
   * <pre>{@code
   * CompletableFuture<CassandraServer> cassandra = cassandraServer.startAsync();
   * CompletableFuture<KafkaServer> kafka = kafkaServer.startAsync();
   * s3.start();                                     // meanwhile, on this thread
   * CompletableFuture.allOf(cassandra, kafka).join(); // a failure surfaces as CompletionException
   * }</pre>
   * A dedicated thread rather than the common pool: on 2 cores that pool has a single thread, and
   * the starts would run one after the other. {@link #stop()} waits for a start in progress.
   */
  public final CompletableFuture<S> startAsync() {
    CompletableFuture<S> started = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        started.complete(start());
      } catch (Throwable e) {
        started.completeExceptionally(e);
      }
    }, "start-" + name);
    thread.setDaemon(true);
    thread.start();
    return started;
  }

  /** Stops the server (politely first, see {@link ForkedJvm#stop()}); the data stays on disk. */
  public final synchronized void stop() {
    if (jvm != null) {
      jvm.stop();
      log.info("{} on port {} stopped", displayName, mainPort());
    }
  }

  /** Stop, then start again on the same ports with the same data. */
  public final synchronized S restart() {
    stop();
    return start();
  }

  @Override
  public final void close() {
    stop();
  }

  public final synchronized boolean isRunning() {
    return jvm != null && jvm.isAlive();
  }

  /** The server JVM's process id, or -1 when it is not running. */
  public final synchronized long pid() {
    return jvm != null && jvm.isAlive() ? jvm.pid() : -1;
  }

  public final Path dataDir() {
    return dataDir;
  }

  public final Path logFile() {
    return dataDir.resolve(name + ".log");
  }

  /** How long the last {@link #start()} took until the server was ready, or null. */
  public final synchronized Duration lastStartTime() {
    return lastStartTime;
  }

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }
}
