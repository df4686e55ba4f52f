package io.mediaedge.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

/**
 * A hand-driven HTTP/1.1 connection, for what well-behaved clients will not do: conflicting
 * headers, stopping halfway, trickling. A reader thread collects responses as they arrive, so a
 * response sent while the body is still going out is seen even if the server then resets.
 */
final class RawHttp implements AutoCloseable {
  private static final Object CLOSED = new Object();
  private final Socket socket;
  private final OutputStream out;
  private final BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(60_000);
    this.out = socket.getOutputStream();
    Thread reader = new Thread(this::readResponses, "raw-http-reader");
    reader.setDaemon(true);
    reader.start();
  }

  static RawHttp plain(int port) throws IOException {
    return new RawHttp(new Socket("localhost", port));
  }

  static RawHttp tls(int port) throws IOException {
    SSLSocket socket = (SSLSocket) EdgeClient.trusting(TestStack.get().dev().tls().caCert()).getSocketFactory()
        .createSocket("localhost", port);
    socket.startHandshake();
    return new RawHttp(socket);
  }

  RawHttp send(String text) throws IOException {
    out.write(text.getBytes(US_ASCII));
    out.flush();
    return this;
  }

  RawHttp send(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
    out.flush();
    return this;
  }

  /** One chunk of a chunked body. */
  RawHttp sendChunk(byte[] bytes, int offset, int length) throws IOException {
    int n = Math.min(length, bytes.length - offset);
    send(Integer.toHexString(n) + "\r\n");
    send(bytes, offset, n);
    return send("\r\n");
  }

  /** Sends bytes; false once the server has closed or reset the connection. */
  boolean trySend(byte[] bytes, int offset, int length) {
    try {
      send(bytes, offset, length);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Sends the whole body on a background thread, as pieces or (when {@code chunked}) as chunks
   * and the last-chunk; completes with the bytes written before the server stopped reading.
   */
  CompletableFuture<Long> sendAsync(byte[] body, int piece, boolean chunked) {
    CompletableFuture<Long> sent = new CompletableFuture<>();
    Thread writer = new Thread(() -> {
      long written = 0;
      try {
        for (int offset = 0; offset < body.length; offset += piece) {
          int n = Math.min(piece, body.length - offset);
          if (chunked) {
            sendChunk(body, offset, n);
          } else {
            send(body, offset, n);
          }
          written += n;
        }
        if (chunked) {
          send("0\r\n\r\n");
        }
      } catch (IOException stopped) {
        // the server answered early and closed: that is the point of most callers
      }
      sent.complete(written);
    }, "raw-http-writer");
    writer.setDaemon(true);
    writer.start();
    return sent;
  }

  /** The next response (interim ones included), or a test failure when none comes in time. */
  RawResponse response(Duration timeout) {
    Object next = poll(timeout);
    if (next instanceof RawResponse response) {
      return response;
    }
    return fail(next == CLOSED ? "the connection closed without a response" : "no response within " + timeout);
  }

  /** Whether the server closes the connection (with no further response) within {@code timeout}. */
  boolean closedWithin(Duration timeout) {
    return poll(timeout) == CLOSED;
  }

  /** Drops the connection at once (TCP reset), like a client that crashed or lost its network. */
  void abort() throws IOException {
    if (!(socket instanceof SSLSocket)) {
      socket.setSoLinger(true, 0);
    }
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private Object poll(Duration timeout) {
    try {
      return arrivals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void readResponses() {
    try {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      for (String status = line(in); status != null; status = line(in)) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
          int colon = header.indexOf(':');
          headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        byte[] body;
        if (code < 200) {
          body = new byte[0];
        } else if (headers.containsKey("content-length")) {
          body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
          body = chunkedBody(in);
        } else {
          body = in.readAllBytes();
        }
        arrivals.add(new RawResponse(code, headers, body));
      }
    } catch (IOException closedOrReset) {
      // either way the connection is over
    }
    arrivals.add(CLOSED);
  }

  static byte[] chunkedBody(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
        size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
      body.write(in.readNBytes(size));
      line(in);
    }
    for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
      // trailers are not used by the server
    }
    return body.toByteArray();
  }

  /** One CRLF-terminated line, or null at a clean end of stream. */
  static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        if (line.size() == 0) {
          return null;
        }
        throw new EOFException("the connection ended inside a line");
      }
      line.write(b);
    }
    String text = line.toString(US_ASCII);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }
}
