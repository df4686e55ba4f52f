package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static io.mediaedge.it.HistoryFlowsIT.MIB;
import static io.mediaedge.it.HistoryFlowsIT.client;
import static io.mediaedge.it.HistoryFlowsIT.freshUser;
import static io.mediaedge.it.HistoryFlowsIT.usage;
import static io.mediaedge.it.UploadFailuresIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.mediaedge.history.QuotaStore.Usage;
import io.mediaedge.it.UploadFailuresIT.Leftovers;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One user uploading through two instances at once, each spending from its own quota lease: the
 * limit holds across both, every accepted upload is counted once, and once the leases are given
 * back what is left of the quota is free to the byte.
 */
class QuotaAcrossInstancesIT {
  private static final long QUOTA = 20L * MIB;
  private static TestStack stack;
  private static EdgeServer a;
  private static EdgeServer b;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    JsonObject small = new JsonObject().put("quota", new JsonObject()
        .put("defaultBytes", "20MiB").put("leaseIdle", "300ms"));
    a = stack.startServer(small);
    b = stack.startServer(small.copy());
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServers(a, b);
  }

  @Test
  void uploadsThroughBothInstancesNeverTogetherPassTheQuota() throws Exception {
    List<EdgeClient> instances = List.of(client(a, HttpClient.Version.HTTP_1_1), client(b, HttpClient.Version.HTTP_1_1));
    String user = freshUser("quota-two-instances");
    String token = stack.token(user);
    int size = MIB;
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Callable<HttpResponse<byte[]>>> uploads = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        byte[] body = MediaSamples.withHead(MediaSamples.JPEG_HEAD, size, 900 + i);
        EdgeClient via = instances.get(i % 2);
        uploads.add(() -> via.upload(token, "image/jpeg", body));
      }
      long stored = 0;
      int accepted = 0;
      for (Future<HttpResponse<byte[]>> answer : pool.invokeAll(uploads)) {
        HttpResponse<byte[]> response = answer.get();
        if (response.statusCode() == 201) {
          accepted++;
          stored += json(response).getLong("size");
        } else {
          assertError(413, "QUOTA_EXCEEDED", response);
        }
      }
      assertTrue(stored <= QUOTA, "accepted " + stored + " bytes past a quota of " + QUOTA);
      // the other instance's spare can refuse early, by at most a quarter of what was free
      assertTrue(accepted >= 15, "accepted only " + accepted + " of 20 that fit");

      Usage settled = HistoryFlowsIT.poll(() -> usage(a, user), u -> u.leasedBytes() == 0, Duration.ofSeconds(20));
      assertEquals(new Usage(stored, 0, accepted, QUOTA, 0), settled, "every accepted upload counted once");
      assertEquals(settled, usage(b, user));
      assertEquals(accepted, Leftovers.objects(user).size(), "objects in S3");

      // the rest of the quota, to the byte, through either instance; then not one byte more
      long free = QUOTA - stored;
      if (free > 0) {
        byte[] rest = MediaSamples.withHead(MediaSamples.JPEG_HEAD, (int) free, 999);
        assertEquals(201, instances.get(1).upload(token, "image/jpeg", rest).statusCode(), "the last " + free + " bytes");
      }
      byte[] oneMore = MediaSamples.withHead(MediaSamples.JPEG_HEAD, 1024, 1000);
      assertError(413, "QUOTA_EXCEEDED", instances.get(0).upload(token, "image/jpeg", oneMore));
    } finally {
      pool.shutdownNow();
    }
  }
}
