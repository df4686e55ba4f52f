package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static io.mediaedge.it.HistoryFlowsIT.freshUser;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.mediaedge.testing.CuttingProxy;
import io.tus.java.client.ProtocolException;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusExecutor;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real tus client (tus-java-client, what Android and JVM apps use) against the real server:
 * a 64 MiB upload whose connection is cut five times at random offsets by a proxy on loopback,
 * resumed each time; and an upload begun on one instance and finished on another.
 */
class TusClientIT {
  private static final int MIB = 1 << 20;

  private static TestStack stack;
  private static EdgeServer second;
  private static SSLSocketFactory tls;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    second = stack.startServer(new JsonObject());
    tls = EdgeClient.trusting(stack.dev().tls().caCert()).getSocketFactory();
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServer(second);
  }

  @Test
  void fiveCutsAtRandomOffsetsAndTheClientResumesToTheRightHash() throws Exception {
    String user = freshUser("tus-client");
    byte[] file = MediaSamples.mp4(64 * MIB);
    Path source = write(file);
    Random random = new Random(42);
    try (CuttingProxy proxy = new CuttingProxy("127.0.0.1", stack.server().httpsPort())) {
      TusClient client = client("https://localhost:" + proxy.port(), stack.token(user));
      TusUpload upload = new TusUpload(source.toFile());
      upload.setMetadata(Map.of("filetype", "video/mp4", "filename", "clip.mp4"));
      CompletableFuture<URL> done = CompletableFuture.supplyAsync(() -> uploadWithRetries(client, upload));
      for (int cut = 1; cut <= 5; cut++) {
        // Somewhere inside the next few requests' bytes, mid-part or not.
        proxy.cutAfterUpstreamBytes(1 + random.nextInt(10 * MIB));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (proxy.cuts() < cut && !done.isDone()) {
          assertTrue(System.nanoTime() < deadline, "cut " + cut + " did not happen");
          Thread.sleep(20);
        }
      }
      URL location = done.get(300, TimeUnit.SECONDS);
      assertEquals(5, proxy.cuts(), "every cut happened before the upload finished");
      assertStored(user, location, file);
    }
  }

  @Test
  void anUploadBegunOnOneInstanceIsResumedOnAnother() throws Exception {
    String user = freshUser("tus-client");
    String token = stack.token(user);
    byte[] file = MediaSamples.mp4(24 * MIB + 5);
    Path source = write(file);
    TusUpload upload = new TusUpload(source.toFile());
    upload.setMetadata(Map.of("filetype", "video/mp4"));

    TusClient first = client(TestStack.https(stack.server()).toString(), token);
    TusUploader uploader = first.createUpload(upload);
    uploader.setRequestPayloadSize(3 * MIB);
    while (uploader.getOffset() < 10 * MIB) {
      uploader.uploadChunk();
    }
    // Ends the PATCH under way (the client's way of pausing): everything sent so far is durable.
    uploader.finish(false);
    long sent = uploader.getOffset();
    URL onFirst = uploader.getUploadURL();
    // The first instance is left mid-upload (as if it had died); the second reads the state and tail.
    TusClient other = client(TestStack.https(second).toString(), token);
    URL onSecond = new URL(TestStack.https(second).toString() + onFirst.getPath());
    TusUploader resumed = other.beginOrResumeUploadFromURL(upload, onSecond);
    assertEquals(sent, resumed.getOffset(), "the second instance knows the durable offset");
    resumed.setRequestPayloadSize(4 * MIB);
    while (resumed.uploadChunk() > -1) {
      // until the last byte
    }
    resumed.finish();
    assertStored(user, onSecond, file);
  }

  private static URL uploadWithRetries(TusClient client, TusUpload upload) {
    URL[] location = new URL[1];
    TusExecutor executor = new TusExecutor() {
      @Override
      protected void makeAttempt() throws ProtocolException, IOException {
        TusUploader uploader = client.resumeOrCreateUpload(upload);
        uploader.setChunkSize(256 * 1024);
        uploader.setRequestPayloadSize(8 * MIB);
        location[0] = uploader.getUploadURL();
        while (uploader.uploadChunk() > -1) {
          // until the last byte
        }
        uploader.finish();
      }
    };
    int[] delays = new int[12];
    Arrays.fill(delays, 200);
    executor.setDelays(delays);
    try {
      if (!executor.makeAttempts()) {
        throw new AssertionError("the tus client gave up");
      }
    } catch (ProtocolException | IOException e) {
      throw new AssertionError("the tus client failed: " + e, e);
    }
    return location[0];
  }

  private static TusClient client(String base, String token) throws Exception {
    TusClient client = new TusClient() {
      @Override
      public void prepareConnection(HttpURLConnection connection) {
        super.prepareConnection(connection);
        if (connection instanceof HttpsURLConnection https) {
          https.setSSLSocketFactory(tls);
        }
        connection.setReadTimeout(60_000);
      }
    };
    client.setUploadCreationURL(new URL(base + "/v1/uploads/"));
    client.setHeaders(Map.of("Authorization", "Bearer " + token));
    client.enableResuming(new TusURLMemoryStore());
    return client;
  }

  private static void assertStored(String user, URL location, byte[] file) {
    String path = location.getPath();
    String id = path.substring(path.lastIndexOf('/') + 1);
    EdgeClient edge = EdgeClient.http11(stack);
    String token = stack.token(user);
    JsonObject media = json(edge.get("/v1/media?limit=1", token)).getJsonArray("items").getJsonObject(0);
    assertEquals(id, media.getString("id"));
    assertEquals(file.length, media.getLong("size"));
    assertEquals(MediaSamples.sha256(file), media.getString("sha256"), "the stored hash is the source's");
    assertArrayEquals(file, edge.get("/v1/media/" + id, token).body(), "the stored bytes are the source's");
  }

  private static Path write(byte[] file) throws IOException {
    Path dir = Files.createDirectories(Path.of("target/it/tus-client"));
    Path source = Files.createTempFile(dir, "source", ".mp4");
    Files.write(source, file);
    return source;
  }
}
