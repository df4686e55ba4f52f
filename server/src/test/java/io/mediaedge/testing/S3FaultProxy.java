package io.mediaedge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback proxy in front of the S3 server (plain HTTP) that tests and the fault suite switch between
 * passing bytes through, refusing connections (each is reset as soon as it is accepted) and
 * answering every request with an S3 error ({@code 503 SlowDown} or {@code 500 InternalError},
 * {@code Connection: close}). Switching resets the connections open at that moment, so keep-alive
 * connections meet the new mode at once.
 */
public final class S3FaultProxy implements AutoCloseable {
  public enum Mode { PASS, REFUSE, SLOW_DOWN_503, INTERNAL_ERROR_500 }

  private static final int BUFFER = 64 * 1024;
  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong errorsAnswered = new AtomicLong();
  private volatile Mode mode = Mode.PASS;
  private volatile boolean closed;

  public S3FaultProxy(String host, int port) {
    target = new InetSocketAddress(host, port);
    try {
      listener = new ServerSocket();
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread acceptor = new Thread(this::accept, "s3-fault-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Switches the mode and resets every connection open now. */
  public void mode(Mode next) {
    mode = next;
    for (Socket socket : open) {
      reset(socket);
    }
  }

  public long refused() {
    return refused.get();
  }

  public long errorsAnswered() {
    return errorsAnswered.get();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Thread t = new Thread(() -> serve(client), "s3-fault-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) {
          System.err.println("s3 fault proxy: " + e);
        }
      }
    }
  }

  private void serve(Socket client) {
    Mode now = mode;
    switch (now) {
      case REFUSE -> {
        refused.incrementAndGet();
        reset(client);
      }
      case SLOW_DOWN_503 -> answer(client, 503, "Slow Down", "SlowDown", "Please reduce your request rate.");
      case INTERNAL_ERROR_500 -> answer(client, 500, "Internal Server Error", "InternalError",
          "We encountered an internal error. Please try again.");
      default -> pass(client);
    }
  }

  private void pass(Socket client) {
    Socket server = new Socket();
    try {
      server.connect(target, 5_000);
    } catch (IOException e) {
      reset(client);
      return;
    }
    open.add(client);
    open.add(server);
    Thread up = new Thread(() -> pipe(client, server), "s3-fault-proxy-up");
    up.setDaemon(true);
    up.start();
    pipe(server, client);
  }

  private void pipe(Socket from, Socket to) {
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      reset(to);
      reset(from);
    } finally {
      open.remove(from);
    }
  }

  /** Reads the request head, answers the S3 error and closes (the body, if any, is not read). */
  private void answer(Socket client, int status, String reason, String code, String message) {
    try (client) {
      client.setSoTimeout(10_000);
      InputStream in = client.getInputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      int b;
      while (matched < end.length && (b = in.read()) >= 0) {
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
          + "</Message><RequestId>fault-suite</RequestId></Error>";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      OutputStream out = client.getOutputStream();
      out.write(("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\nContent-Length: "
          + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      errorsAnswered.incrementAndGet();
    } catch (IOException e) {
      // the client went away first: nothing to answer
    }
  }

  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    open.forEach(S3FaultProxy::reset);
  }
}
