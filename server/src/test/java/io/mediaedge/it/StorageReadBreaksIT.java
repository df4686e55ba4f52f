package io.mediaedge.it;

import static io.mediaedge.it.UploadFailuresIT.MIB;
import static io.mediaedge.it.UploadFailuresIT.freshUser;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mediaedge.EdgeServer;
import io.mediaedge.testing.CuttingProxy;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A connection to S3 that breaks while a download's body is on its way (S3, a load balancer or
 * the network dropping it) costs the client nothing: media-edge asks S3 for the rest, of the same
 * object, and the client gets every byte in one response. A media-edge here reaches S3 through a
 * proxy that resets the connection after a chosen number of response bytes.
 */
class StorageReadBreaksIT {
  private static TestStack stack;
  private static CuttingProxy proxy;
  private static EdgeServer throughProxy;
  private static EdgeClient client;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    var s3 = stack.dev().s3().endpoint();
    proxy = new CuttingProxy(s3.getHost(), s3.getPort());
    throughProxy = stack.startServer(new JsonObject().put("storage", new JsonObject()
        .put("endpoint", "http://127.0.0.1:" + proxy.port())));
    client = new EdgeClient(TestStack.https(throughProxy), stack.dev().tls().caCert(), HttpClient.Version.HTTP_1_1);
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServers(throughProxy);
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void aDownloadWhoseStorageConnectionBreaksGetsEveryByteInOneResponse() throws Exception {
    String token = stack.token(freshUser());
    byte[] body = MediaSamples.mp4(6 * MIB);
    String id = uploaded(token, body);

    int cutsBefore = proxy.cuts();
    proxy.cutDownstream(2 * MIB + 12_345);
    HttpResponse<byte[]> whole = client.get("/v1/media/" + id, token);
    assertEquals(200, whole.statusCode());
    assertEquals(cutsBefore + 1, proxy.cuts(), "S3's connection was cut under the download");
    assertArrayEquals(body, whole.body());
  }

  @Test
  void aRangeWhoseStorageConnectionBreaksTwiceGetsEveryByteOfTheRange() throws Exception {
    String token = stack.token(freshUser());
    byte[] body = MediaSamples.mp4(6 * MIB);
    String id = uploaded(token, body);
    int first = MIB + 7;
    int last = 5 * MIB - 3;

    int cutsBefore = proxy.cuts();
    proxy.cutDownstream(MIB, MIB);
    HttpResponse<byte[]> range = client.get("/v1/media/" + id, token, "Range", "bytes=" + first + "-" + last);
    assertEquals(206, range.statusCode());
    assertEquals(cutsBefore + 2, proxy.cuts(), "the first answer and the one that resumed it were both cut");
    assertArrayEquals(Arrays.copyOfRange(body, first, last + 1), range.body());
  }

  @Test
  void aStorageConnectionThatKeepsBreakingEndsTheDownloadShort() throws Exception {
    String token = stack.token(freshUser());
    byte[] body = MediaSamples.mp4(6 * MIB);
    String id = uploaded(token, body);

    // The answer is cut mid-body, then every request for the rest before a byte of it arrives.
    proxy.cutDownstream(2 * MIB, 0, 0, 0, 0, 0, 0, 0, 0);
    try (InputStream in = client.stream(client.request("/v1/media/" + id, token).build()).body()) {
      assertThrows(IOException.class, in::readAllBytes, "a download cut short must not look complete");
    }
    assertEquals(200, client.get("/healthz", null).statusCode(), "the server stays up");
  }

  @AfterEach
  void disarm() {
    proxy.cutDownstream();
  }

  private static String uploaded(String token, byte[] body) {
    HttpResponse<byte[]> created = client.upload(token, "video/mp4", body);
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    return EdgeClient.json(created).getString("id");
  }
}
