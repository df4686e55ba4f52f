package io.mediaedge.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Thousands of misbehaving connections held cheaply on a few Vert.x event loops: each opens, then
 * trickles or idles as its {@link Kind} says, until the server closes it. Each records how long it
 * lived and the first response line it got (e.g. {@code HTTP/1.1 408}), so the server's guards can
 * be seen at work.
 */
final class HostileConnections {

  /** What a connection does once it is open. */
  enum Kind {
    /** TLS, then a request line and one more header line every trickle interval: never finishes its headers. */
    SLOWLORIS(true),
    /** TLS, complete upload headers (Content-Length 1 MB), then the body at 100 bytes a second. */
    SLOW_BODY(true),
    /** TLS handshake, then nothing. */
    IDLE_TLS(true),
    /** TLS, one {@code GET /healthz} on a kept-alive connection, then nothing. */
    IDLE_KEEP_ALIVE(true),
    /** A TCP connection to the HTTPS port that never starts its TLS handshake. */
    IDLE_TCP(false);

    final boolean tls;

    Kind(boolean tls) {
      this.tls = tls;
    }
  }

  /** Lifetime from the connect call (TCP connect and TLS handshake included), as the server's guards count. */
  private record Ended(Kind kind, long lifetimeNanos, long handshakeNanos, String firstLine, boolean byServer) {}

  private final Vertx vertx;
  /** One client per source address, for TLS and for plain TCP. */
  private final List<NetClient> tlsClients = new ArrayList<>();
  private final List<NetClient> tcpClients = new ArrayList<>();
  private final int sourceAddresses;
  private final java.util.concurrent.atomic.AtomicLong nextSource = new java.util.concurrent.atomic.AtomicLong();
  private final int port;
  private final String token;
  private final long trickleMillis;
  private final boolean reconnect;
  private final Map<Kind, AtomicInteger> opened = new EnumMap<>(Kind.class);
  private final Map<Kind, AtomicInteger> open = new EnumMap<>(Kind.class);
  private final Map<Kind, AtomicInteger> connectFailures = new EnumMap<>(Kind.class);
  private final Map<Kind, String> failureExample = new java.util.concurrent.ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Ended> ended = new ConcurrentLinkedQueue<>();
  private final List<NetSocket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile boolean attacking = true;
  private final String tlsEngine;

  HostileConnections(int port, String token, long trickleMillis, boolean reconnect) {
    this(port, token, trickleMillis, reconnect, 1);
  }

  /**
   * With {@code sourceAddresses} above 1, the connections come in turn from 127.0.0.2,
   * 127.0.0.3, … (any loopback address can be a source on Linux without configuring it): many
   * clients, as far as the server can tell.
   */
  HostileConnections(int port, String token, long trickleMillis, boolean reconnect, int sourceAddresses) {
    this.vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(2));
    // OpenSSL (netty-tcnative, as media-edge uses) when it loads: the JDK engine's client handshakes
    // cost several times more CPU, and on two cores the hostile side could not open its connections.
    NetClientOptions tls = new NetClientOptions().setSsl(true).setTrustAll(true)
        .setHostnameVerificationAlgorithm("").setConnectTimeout(60_000);
    if (io.vertx.core.net.OpenSSLEngineOptions.isAvailable()) {
      tls.setSslEngineOptions(new io.vertx.core.net.OpenSSLEngineOptions());
    }
    this.tlsEngine = io.vertx.core.net.OpenSSLEngineOptions.isAvailable() ? "OpenSSL (netty-tcnative)" : "JDK";
    for (int i = 0; i < sourceAddresses; i++) {
      String local = sourceAddresses == 1 ? null : "127.0.0." + (2 + i);
      tlsClients.add(vertx.createNetClient(new NetClientOptions(tls).setLocalAddress(local)));
      tcpClients.add(vertx.createNetClient(new NetClientOptions().setConnectTimeout(60_000).setLocalAddress(local)));
    }
    this.sourceAddresses = sourceAddresses;
    this.port = port;
    this.token = token;
    this.trickleMillis = trickleMillis;
    this.reconnect = reconnect;
    for (Kind k : Kind.values()) {
      opened.put(k, new AtomicInteger());
      open.put(k, new AtomicInteger());
      connectFailures.put(k, new AtomicInteger());
    }
  }

  /** Opens {@code count} connections of {@code kinds} (in turn) spread evenly over {@code rampMillis}. */
  void start(int count, List<Kind> kinds, long rampMillis) {
    for (int i = 0; i < count; i++) {
      Kind kind = kinds.get(i % kinds.size());
      long at = Math.max(1, rampMillis * i / Math.max(1, count));
      vertx.setTimer(at, t -> connect(kind));
    }
  }

  int openNow() {
    return open.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  private void connect(Kind kind) {
    if (!attacking) {
      return;
    }
    long start = System.nanoTime();
    int source = (int) Math.floorMod(nextSource.getAndIncrement(), (long) sourceAddresses);
    (kind.tls ? tlsClients : tcpClients).get(source).connect(port, "127.0.0.1").onComplete(ar -> {
      if (ar.failed()) {
        connectFailures.get(kind).incrementAndGet();
        failureExample.putIfAbsent(kind, String.valueOf(ar.cause()));
        return;
      }
      NetSocket socket = ar.result();
      sockets.add(socket);
      opened.get(kind).incrementAndGet();
      open.get(kind).incrementAndGet();
      long connected = System.nanoTime();
      StringBuilder firstLine = new StringBuilder();
      long[] timer = {-1};
      socket.handler(data -> {
        if (firstLine.indexOf("\n") < 0 && firstLine.length() < 200) {
          firstLine.append(data.toString(StandardCharsets.ISO_8859_1), 0, Math.min(data.length(), 200));
        }
      });
      socket.closeHandler(v -> {
        vertx.cancelTimer(timer[0]);
        open.get(kind).decrementAndGet();
        int eol = firstLine.indexOf("\r");
        ended.add(new Ended(kind, System.nanoTime() - start, connected - start,
            eol >= 0 ? firstLine.substring(0, eol) : firstLine.toString(), attacking));
        sockets.remove(socket);
        if (reconnect && attacking) {
          vertx.setTimer(1000, t -> connect(kind));
        }
      });
      behave(kind, socket, timer);
    });
  }

  private void behave(Kind kind, NetSocket socket, long[] timer) {
    switch (kind) {
      case SLOWLORIS -> {
        socket.write("POST /v1/media HTTP/1.1\r\nHost: localhost\r\n");
        AtomicInteger n = new AtomicInteger();
        timer[0] = vertx.setPeriodic(trickleMillis, t -> socket.write("X-Pad-" + n.incrementAndGet() + ": a\r\n"));
      }
      case SLOW_BODY -> {
        socket.write("POST /v1/media HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
            + "\r\nContent-Type: image/jpeg\r\nContent-Length: 1000000\r\n\r\n");
        socket.write(Buffer.buffer(io.mediaedge.it.MediaSamples.JPEG_HEAD));
        byte[] hundred = new byte[100];
        // 100 bytes a second, whatever the trickle interval of the header writers.
        timer[0] = vertx.setPeriodic(1000, t -> socket.write(Buffer.buffer(hundred)));
      }
      case IDLE_KEEP_ALIVE -> socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
      default -> {
        // IDLE_TLS, IDLE_TCP: nothing at all
      }
    }
  }

  /** Stops opening connections and closes the ones still open (those the server did not close). */
  void stop() {
    attacking = false;
    List<NetSocket> left;
    synchronized (sockets) {
      left = new ArrayList<>(sockets);
    }
    left.forEach(s -> vertx.runOnContext(v -> s.close()));
  }

  void close() {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the benchmark is ending anyway
    }
  }

  String tlsEngine() {
    return tlsEngine;
  }

  /** Per kind: opened, connect failures, closed by the server and after how long, what it answered. */
  JsonObject report() {
    JsonObject out = new JsonObject();
    for (Kind kind : Kind.values()) {
      Histogram lifetime = new Histogram(TimeUnit.HOURS.toNanos(1), 3);
      Histogram handshake = new Histogram(TimeUnit.HOURS.toNanos(1), 3);
      Map<String, Integer> answers = new LinkedHashMap<>();
      int byServer = 0;
      int byUs = 0;
      for (Ended e : ended) {
        if (e.kind() != kind) {
          continue;
        }
        if (!e.byServer()) {
          byUs++;
          continue;
        }
        byServer++;
        lifetime.recordValue(Math.max(1, e.lifetimeNanos()));
        handshake.recordValue(Math.max(1, e.handshakeNanos()));
        answers.merge(e.firstLine().isEmpty() ? "(closed without an answer)" : e.firstLine(), 1, Integer::sum);
      }
      JsonObject k = new JsonObject()
          .put("opened", opened.get(kind).get())
          .put("connectFailures", connectFailures.get(kind).get())
          .put("connectFailureExample", failureExample.get(kind))
          .put("closedByServer", byServer)
          .put("stillOpenAtEnd", byUs)
          .put("serverAnswers", new JsonObject(new LinkedHashMap<>(answers)));
      if (byServer > 0) {
        k.put("secondsUntilClosed", new JsonObject()
            .put("min", BenchFigures.round(lifetime.getMinValue() / 1e9, 2))
            .put("p50", BenchFigures.round(lifetime.getValueAtPercentile(50) / 1e9, 2))
            .put("p90", BenchFigures.round(lifetime.getValueAtPercentile(90) / 1e9, 2))
            .put("max", BenchFigures.round(lifetime.getMaxValue() / 1e9, 2)))
            .put("secondsToConnect", new JsonObject()
                .put("p50", BenchFigures.round(handshake.getValueAtPercentile(50) / 1e9, 2))
                .put("max", BenchFigures.round(handshake.getMaxValue() / 1e9, 2)));
      }
      out.put(kind.name(), k);
    }
    return out;
  }
}
