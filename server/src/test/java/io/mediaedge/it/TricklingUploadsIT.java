package io.mediaedge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that send their upload headers and then trickle the body, against a real server with two
 * S3 connections and a limit of three uploads per user: they hold only their first share of the
 * memory budget, no S3 connection, and past the limit they are refused at once, while everyone
 * else's uploads go through. A body that keeps coming for longer than the storage timeout is
 * stored (the store answers a PUT only after its last byte).
 */
@Timeout(120)
class TricklingUploadsIT {
  private static final long FIRST_SHARE = 128 * 1024;
  private static final int LIMIT = 3;
  private static final int STORAGE_TIMEOUT_SECONDS = 3;

  private static TestStack stack;
  private static EdgeServer edge;
  private static EdgeClient client;
  private final List<Socket> trickling = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    edge = stack.startServer(new JsonObject()
        // A short storage timeout: a body that streams for longer must still be stored.
        .put("storage", new JsonObject().put("maxConnections", 2).put("readTimeout", STORAGE_TIMEOUT_SECONDS + "s"))
        .put("upload", new JsonObject().put("maxPerUser", LIMIT))
        // the guards stay out of the way: these clients are cut by the test, not by the server
        .put("server", new JsonObject().put("minUploadRateInterval", "60s").put("idleTimeout", "90s")));
    client = new EdgeClient(TestStack.https(edge), stack.dev().tls().caCert(), HttpClient.Version.HTTP_1_1);
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServers(edge);
  }

  @AfterEach
  void closeTricklers() throws IOException {
    for (Socket socket : trickling) {
      socket.close();
    }
    trickling.clear();
  }

  @Test
  void tricklingBodiesHoldTheirFirstShareAndNoStorageConnection() throws Exception {
    // More trickling bodies than the store has connections, from users of their own.
    for (int i = 0; i < 3; i++) {
      trickle(stack.token("trickler-" + i + "-" + System.nanoTime()));
    }
    awaitBudgetInUse(3 * FIRST_SHARE);

    // A client that sends its body at once is not kept waiting for a storage connection.
    String token = stack.token("prompt-" + System.nanoTime());
    long started = System.nanoTime();
    HttpResponse<byte[]> stored = client.upload(token, "image/jpeg", MediaSamples.jpeg(1 << 20));
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(201, stored.statusCode(), new String(stored.body(), StandardCharsets.UTF_8));
    assertTrue(millis < 20_000, "the upload took " + millis + " ms");
    assertEquals(3 * FIRST_SHARE, budgetInUse(), "the trickling bodies still hold their first share only");
  }

  @Test
  void uploadsPastTheUsersLimitAreRefusedAtOnce() throws Exception {
    String user = "many-" + System.nanoTime();
    String token = stack.token(user);
    for (int i = 0; i < LIMIT; i++) {
      trickle(token);
    }
    awaitBudgetInUse(LIMIT * FIRST_SHARE);

    HttpResponse<byte[]> refused = client.upload(token, "image/jpeg", MediaSamples.jpeg(100_000));
    assertEquals(429, refused.statusCode());
    assertEquals("TOO_MANY_UPLOADS", EdgeClient.json(refused).getString("error"));
    assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));

    HttpResponse<byte[]> other = client.upload(stack.token("other-" + System.nanoTime()), "image/jpeg",
        MediaSamples.jpeg(100_000));
    assertEquals(201, other.statusCode(), "another user is not limited");

    // One trickler gives up: its slot frees, and the user may upload again.
    trickling.remove(0).close();
    awaitBudgetInUse((LIMIT - 1) * FIRST_SHARE);
    HttpResponse<byte[]> again = client.upload(token, "image/jpeg", MediaSamples.jpeg(100_000));
    assertEquals(201, again.statusCode(), new String(again.body(), StandardCharsets.UTF_8));
  }

  @Test
  void aBodyThatStreamsForLongerThanTheStorageTimeoutIsStored() throws Exception {
    // S3 answers a PUT after its last byte: while the body is still coming, the store has
    // nothing to say, and that is no timeout as long as it takes what we send.
    byte[] body = MediaSamples.jpeg(300_000);
    try (Socket socket = new Socket("127.0.0.1", edge.httpPort())) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/media HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
          + stack.token("slow-phone-" + System.nanoTime()) + "\r\nContent-Type: image/jpeg\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      int sent = 100_000; // past the first 64 KiB: the storage request is open from here on
      out.write(body, 0, sent);
      out.flush();
      long started = System.nanoTime();
      while (sent < body.length) {
        Thread.sleep(350);
        int n = Math.min(10_000, body.length - sent);
        out.write(body, sent, n);
        out.flush();
        sent += n;
      }
      long streamedMillis = (System.nanoTime() - started) / 1_000_000;
      assertTrue(streamedMillis > 2_000L * STORAGE_TIMEOUT_SECONDS, "streamed for " + streamedMillis + " ms");
      String head = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertEquals("HTTP/1.1 201", head, "stored after " + streamedMillis + " ms of streaming");
    }
  }

  /** Sends an upload's headers and the first bytes of a 1 MB JPEG body, then nothing more. */
  private void trickle(String token) throws IOException {
    assertTrue(edge.httpPort() > 0, "the test server has a cleartext listener");
    Socket socket = new Socket("127.0.0.1", edge.httpPort());
    trickling.add(socket);
    OutputStream out = socket.getOutputStream();
    out.write(("POST /v1/media HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: image/jpeg\r\nContent-Length: 1000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(MediaSamples.jpeg(2_000));
    out.flush();
  }

  private void awaitBudgetInUse(long bytes) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    long now;
    while ((now = budgetInUse()) != bytes) {
      assertTrue(System.nanoTime() < deadline, "budget in use " + now + ", expected " + bytes);
      Thread.sleep(50);
    }
  }

  private long budgetInUse() {
    String metrics = new String(client.get("/metrics", null).body(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("(?m)^media_edge_memory_budget_in_use_bytes(?:\\{[^}]*})? ([0-9.E+]+)$")
        .matcher(metrics);
    assertTrue(m.find(), metrics);
    return (long) Double.parseDouble(m.group(1));
  }
}
