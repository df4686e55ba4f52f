package io.mediaedge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy that can cut connections the way a flaky network does: abruptly, at a
 * chosen byte of what the client sends. It forwards bytes untouched, so TLS passes through and the
 * client talks HTTPS to the target via {@code https://localhost:<port()>} (the dev certificate
 * covers localhost and 127.0.0.1). Listens on 127.0.0.1 only.
 *
 * <p>A cut resets both sides ({@code SO_LINGER} 0, so each peer gets a TCP RST rather than an
 * orderly FIN) and is counted in {@link #cuts()}. Orderly closes and half-closes are passed on as
 * such. Test code: one platform thread accepts, and each connection has one thread per direction.
 */
public final class CuttingProxy implements AutoCloseable {

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int BUFFER_SIZE = 64 * 1024;
  private static final long NOT_ARMED = -1;

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicLong armedCut = new AtomicLong(NOT_ARMED);
  private final Object downstreamLock = new Object();
  /** Bytes to forward to clients before each downstream cut still armed, the next first. */
  private final Deque<Long> downstreamCuts = new ArrayDeque<>();
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean closed;

  /** Starts a proxy on a free loopback port that forwards every connection to host:port. */
  public CuttingProxy(String targetHost, int targetPort) {
    this.target = new InetSocketAddress(targetHost, targetPort);
    try {
      listener = new ServerSocket();
      listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    } catch (IOException e) {
      throw new UncheckedIOException("cutting proxy could not listen on 127.0.0.1", e);
    }
    acceptor = new Thread(this::acceptLoop, "cutting-proxy-" + port() + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The loopback port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /**
   * Arms one cut: the first connection whose client-to-server byte count, counted from its
   * start, reaches {@code n} is reset right after its n-th byte is forwarded. That may be a
   * connection already open (if it has forwarded fewer than n bytes) or a later one; connections
   * already past n are left alone, so an idle keep-alive connection cannot take the cut. The
   * target receives at most n bytes on it, exactly n when it keeps reading (bytes still queued in
   * the proxy's socket are lost with the RST, as on a real network). Afterwards connections pass
   * through. Arming again before the cut happened replaces the threshold.
   */
  public void cutAfterUpstreamBytes(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("byte count must be >= 0, was " + n);
    }
    armedCut.set(n);
  }

  /**
   * Arms cuts on the way back, as a server or network dropping a response mid-body does: the
   * i-th resets the connection that forwards the {@code afterBytes[i]}-th server-to-client byte
   * counted over all connections from the cut before (the first: from now), right after that
   * byte. 0 cuts the next read from a server before any of it is forwarded. Arming again replaces
   * what is left; no arguments disarm.
   */
  public void cutDownstream(long... afterBytes) {
    for (long n : afterBytes) {
      if (n < 0) {
        throw new IllegalArgumentException("byte counts must be >= 0, were " + Arrays.toString(afterBytes));
      }
    }
    synchronized (downstreamLock) {
      downstreamCuts.clear();
      for (long n : afterBytes) {
        downstreamCuts.add(n);
      }
    }
  }

  /** How many of {@code reading} bytes to forward before a cut, or -1 when no cut is due within them. */
  private int downstreamCutWithin(int reading) {
    synchronized (downstreamLock) {
      Long left = downstreamCuts.peekFirst();
      if (left == null) {
        return -1;
      }
      if (left > reading) {
        downstreamCuts.removeFirst();
        downstreamCuts.addFirst(left - reading);
        return -1;
      }
      downstreamCuts.removeFirst();
      return (int) (long) left;
    }
  }

  /** Resets every open connection now; each one counts as a cut. An armed cut stays armed. */
  public void cutAllNow() {
    for (Link link : links) {
      link.cut();
    }
  }

  /** Connections reset so far, by {@link #cutAfterUpstreamBytes} or {@link #cutAllNow}. */
  public int cuts() {
    return cuts.get();
  }

  /** Client connections accepted so far. */
  public int connectionsAccepted() {
    return accepted.get();
  }

  /** Stops listening (the port is free when this returns) and resets open connections. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // the listening socket is ours; nothing useful to do if closing it fails
    }
    for (Link link : links) {
      link.abort();
    }
    try {
      acceptor.join(CONNECT_TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      Socket server = new Socket();
      try {
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        server.connect(target, CONNECT_TIMEOUT_MILLIS);
      } catch (IOException e) {
        reset(client);
        reset(server);
        continue;
      }
      Link link = new Link(client, server);
      links.add(link);
      if (closed) {
        link.abort(); // close() may have walked the set before this link joined it
      }
      link.start();
    }
  }

  /**
   * Takes the armed cut for a connection that has forwarded {@code forwarded} bytes and is about
   * to forward {@code reading} more, when this read reaches the threshold; else NOT_ARMED.
   */
  private long takeCutReachedBy(long forwarded, int reading) {
    while (true) {
      long cutAt = armedCut.get();
      if (cutAt == NOT_ARMED || forwarded > cutAt || forwarded + reading < cutAt) {
        return NOT_ARMED;
      }
      if (armedCut.compareAndSet(cutAt, NOT_ARMED)) {
        return cutAt;
      }
    }
  }

  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // already closed: nothing left to reset
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing with linger 0 sends RST; a failure means the socket is gone anyway
    }
  }

  /** One proxied connection: a client socket, its target socket, and a pump per direction. */
  private final class Link {
    private final Socket client;
    private final Socket server;
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicInteger directionsFinished = new AtomicInteger();

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void start() {
      String name = "cutting-proxy-" + port() + "-" + client.getPort();
      Thread up = new Thread(this::pumpUpstream, name + "-up");
      Thread down = new Thread(this::pumpDownstream, name + "-down");
      up.setDaemon(true);
      down.setDaemon(true);
      up.start();
      down.start();
    }

    /** Client to server, where the cut happens. */
    private void pumpUpstream() {
      byte[] buffer = new byte[BUFFER_SIZE];
      long forwarded = 0;
      try {
        InputStream in = client.getInputStream();
        OutputStream out = server.getOutputStream();
        while (true) {
          int read = in.read(buffer);
          if (read < 0) {
            server.shutdownOutput();
            finishDirection();
            return;
          }
          long cutAt = takeCutReachedBy(forwarded, read);
          if (cutAt == NOT_ARMED) {
            out.write(buffer, 0, read);
            forwarded += read;
            continue;
          }
          out.write(buffer, 0, (int) (cutAt - forwarded));
          cut();
          return;
        }
      } catch (IOException e) {
        abort(); // a peer reset, or we were cut: pass the abruptness on
      }
    }

    private void pumpDownstream() {
      byte[] buffer = new byte[BUFFER_SIZE];
      try {
        InputStream in = server.getInputStream();
        OutputStream out = client.getOutputStream();
        int read;
        while ((read = in.read(buffer)) >= 0) {
          int beforeCut = downstreamCutWithin(read);
          if (beforeCut >= 0) {
            out.write(buffer, 0, beforeCut);
            cut();
            return;
          }
          out.write(buffer, 0, read);
        }
        client.shutdownOutput();
        finishDirection();
      } catch (IOException e) {
        abort();
      }
    }

    /** Both directions ended with an orderly EOF: close both sockets normally. */
    private void finishDirection() {
      if (directionsFinished.incrementAndGet() == 2 && done.compareAndSet(false, true)) {
        links.remove(this);
        try {
          client.close();
        } catch (IOException ignored) {
          // both directions are finished; the socket has nothing left to lose
        }
        try {
          server.close();
        } catch (IOException ignored) {
          // as above
        }
      }
    }

    /** Resets both sides; true for the call that did it, false when the link had already ended. */
    boolean abort() {
      return end(false);
    }

    /**
     * Resets the link as a cut. It is counted before the reset, so whoever sees the reset also sees
     * the count.
     */
    boolean cut() {
      return end(true);
    }

    private boolean end(boolean counted) {
      if (!done.compareAndSet(false, true)) {
        return false;
      }
      if (counted) {
        cuts.incrementAndGet();
      }
      links.remove(this);
      reset(client);
      reset(server);
      return true;
    }
  }
}
