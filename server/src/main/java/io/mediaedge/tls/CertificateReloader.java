package io.mediaedge.tls;

import io.mediaedge.config.EdgeConfig.HttpsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swaps the served certificates when their files change, without a restart and without dropping
 * a connection: every {@code reloadCheckInterval} it compares the files' modification times on a
 * worker thread; when one changed it reads and checks the whole set there (parses, keys match,
 * not expired), and only a set that passes is handed to the running TLS listeners through
 * {@link HttpServer#updateSSLOptions}. Open connections keep the session they have; new
 * handshakes get the new certificates. A set that fails is logged and the old one stays.
 */
public final class CertificateReloader {
  private static final Logger log = LoggerFactory.getLogger(CertificateReloader.class);
  /** A served certificate this close to its end is warned about at every load. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(14);

  private final Vertx vertx;
  private final HttpsConfig https;
  private final Clock clock;
  private final Consumer<CertificateSet> onReload;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean checking = new AtomicBoolean();
  private volatile CertificateSet current;
  /** What the files looked like when last read, successfully or not (so a broken set is read once). */
  private volatile List<String> lastSeen;
  private long timer = -1;

  /** A running TLS listener and how to build its TLS options for a set. */
  private record Listener(HttpServer server, Function<CertificateSet, ServerSSLOptions> options) {}

  private CertificateReloader(Vertx vertx, HttpsConfig https, Clock clock, Consumer<CertificateSet> onReload,
      List<String> stamps, CertificateSet initial) {
    this.vertx = vertx;
    this.https = https;
    this.clock = clock;
    this.onReload = onReload;
    this.lastSeen = stamps;
    this.current = initial;
  }

  /**
   * Reads and checks the configured files (blocking; at start-up, before anything listens).
   *
   * @param onReload told of every later set the listeners took, on a worker thread
   * @throws UnusableCertificateException when the files cannot be served
   */
  public static CertificateReloader load(Vertx vertx, HttpsConfig https, Clock clock,
      Consumer<CertificateSet> onReload) throws UnusableCertificateException {
    // Stamps first: a change between the two reads is then seen by the first check.
    List<String> stamps = stamps(CertificateSet.files(https));
    CertificateReloader reloader = new CertificateReloader(vertx, https, clock, onReload, stamps,
        CertificateSet.load(https, clock.instant()));
    reloader.warnIfExpiringSoon(reloader.current);
    return reloader;
  }

  /** The set the listeners serve now. */
  public CertificateSet current() {
    return current;
  }

  /** Starts checking the files every {@code server.https.reloadCheckInterval}. */
  public void start() {
    timer = vertx.setPeriodic(https.tls().reloadCheckInterval().toMillis(), id -> check());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** A listener now serving {@link #current()} that must follow every reload. */
  public void attach(HttpServer server, Function<CertificateSet, ServerSSLOptions> options) {
    listeners.add(new Listener(server, options));
  }

  public void detach(HttpServer server) {
    listeners.removeIf(listener -> listener.server() == server);
  }

  /**
   * One check: completes with true when a new set was read and every listener took it. Checks
   * never overlap; one asked for while another runs completes with false.
   */
  public Future<Boolean> check() {
    if (!checking.compareAndSet(false, true)) {
      return Future.succeededFuture(false);
    }
    return vertx.executeBlocking(this::readIfChanged, false)
        .compose(set -> set == null ? Future.succeededFuture(false) : apply(set))
        .onComplete(ar -> {
          checking.set(false);
          if (ar.failed()) {
            log.warn("TLS certificate check failed: {}", ar.cause().toString());
          }
        });
  }

  /** On a worker: the new set if the files changed and the set they hold is usable, else null. */
  private CertificateSet readIfChanged() {
    List<String> stamps = stamps(CertificateSet.files(https));
    if (stamps.equals(lastSeen)) {
      return null;
    }
    lastSeen = stamps;
    try {
      return CertificateSet.load(https, clock.instant());
    } catch (UnusableCertificateException e) {
      log.warn("TLS files changed but cannot be served, so the previous certificates stay in use: {}",
          e.getMessage());
      return null;
    }
  }

  /** Hands the set to every listener, one after the other; the set becomes current when all took it. */
  private Future<Boolean> apply(CertificateSet set) {
    Future<Void> chain = Future.succeededFuture();
    for (Listener listener : listeners) {
      chain = chain.compose(v -> listener.server().updateSSLOptions(listener.options().apply(set), false).mapEmpty());
    }
    return chain
        .compose(v -> vertx.executeBlocking(() -> {
          current = set;
          log.info("TLS certificates reloaded: {}", describe(set));
          warnIfExpiringSoon(set);
          onReload.accept(set);
          return true;
        }, false))
        .recover(e -> {
          log.error("The TLS listeners refused the new certificates, so the previous ones stay in use: {}",
              e.toString());
          return Future.succeededFuture(false);
        });
  }

  private static String describe(CertificateSet set) {
    return set.certificates().stream()
        .map(c -> c.hostnames() + " " + c.pin() + " until " + c.notAfter())
        .collect(Collectors.joining("; "));
  }

  private void warnIfExpiringSoon(CertificateSet set) {
    for (ServedCertificate certificate : set.certificates()) {
      if (certificate.notAfter().isBefore(clock.instant().plus(EXPIRY_WARNING))) {
        log.warn("TLS certificate {} for {} expires on {}: replace it (the new files are picked up without a"
            + " restart)", certificate.certFile(), certificate.hostnames(), certificate.notAfter());
      }
    }
  }

  /**
   * Modification time, size and file identity of each file: a rewrite in place and a rename over
   * the file (how most tools install certificates) both change at least one of them.
   */
  private static List<String> stamps(List<Path> files) {
    List<String> stamps = new ArrayList<>();
    for (Path file : files) {
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        stamps.add(attributes.lastModifiedTime().toInstant() + "/" + attributes.size() + "/"
            + Objects.toString(attributes.fileKey(), ""));
      } catch (NoSuchFileException e) {
        stamps.add("missing");
      } catch (IOException e) {
        stamps.add("unreadable: " + e.getMessage());
      }
    }
    return stamps;
  }
}
