package io.mediaedge.it;

import static io.mediaedge.it.UploadFailuresIT.KIB;
import static io.mediaedge.it.UploadFailuresIT.MIB;
import static io.mediaedge.it.UploadFailuresIT.assertError;
import static io.mediaedge.it.UploadFailuresIT.freshUser;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.mediaedge.testing.S3FaultProxy;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * S3 answering errors instead of storing (503 SlowDown, 500 InternalError), through a proxy in
 * front of the real S3 server that answers before reading the request's body and closes: every
 * upload size gets a clean 503 within seconds, over HTTP/1.1 and HTTP/2, and uploads work again
 * once S3 does. Found by the fault suite, where uploads hung until the client gave up.
 */
class StorageErrorAnswersIT {
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(15);
  private static TestStack stack;
  private static S3FaultProxy proxy;
  private static EdgeServer edge;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    proxy = new S3FaultProxy("127.0.0.1", stack.dev().s3().port());
    edge = stack.startServer(new JsonObject().put("storage", new JsonObject()
        .put("endpoint", "http://127.0.0.1:" + proxy.port())));
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServers(edge);
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void uploadsOfEverySizeGetACleanAnswerWhileS3AnswersErrors() throws Exception {
    String user = freshUser();
    String token = stack.token(user);
    for (S3FaultProxy.Mode mode : List.of(S3FaultProxy.Mode.SLOW_DOWN_503, S3FaultProxy.Mode.INTERNAL_ERROR_500)) {
      proxy.mode(mode);
      for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
        EdgeClient client = new EdgeClient(TestStack.https(edge), stack.dev().tls().caCert(), version);
        for (int size : new int[] {8 * KIB, 256 * KIB, 2 * MIB, 12 * MIB}) {
          long started = System.nanoTime();
          HttpResponse<byte[]> answer = client.upload(token, "image/jpeg", MediaSamples.jpeg(size));
          Duration took = Duration.ofNanos(System.nanoTime() - started);
          String what = mode + " " + version + " " + size + " bytes";
          assertError(503, "STORAGE_UNAVAILABLE", answer);
          assertTrue(took.compareTo(ANSWER_WITHIN) < 0, what + " took " + took);
        }
      }
    }
    proxy.mode(S3FaultProxy.Mode.PASS);
    EdgeClient client = new EdgeClient(TestStack.https(edge), stack.dev().tls().caCert(), HttpClient.Version.HTTP_1_1);
    assertEquals(201, client.upload(token, "image/jpeg", MediaSamples.jpeg(2 * MIB)).statusCode());
  }
}
