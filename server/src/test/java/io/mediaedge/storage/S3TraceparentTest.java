package io.mediaedge.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.EdgeConfig.StorageConfig;
import io.mediaedge.config.EdgeConfig.StorageCredentials;
import io.mediaedge.storage.MediaStore.BufferedBody;
import io.mediaedge.storage.MediaStore.ObjectAttributes;
import io.mediaedge.trace.RequestScope;
import io.mediaedge.trace.RequestTrace;
import io.mediaedge.trace.TraceParent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.ContextInternal;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The S3 adapter sends the served request's {@code traceparent} on both of its paths (the SDK
 * client's calls and the presigned transfers through Vert.x's client), seen by a recording
 * S3 stand-in on loopback; calls made outside a request start their own trace.
 */
class S3TraceparentTest {
  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final List<String> seen = new CopyOnWriteArrayList<>();
  private static Vertx vertx;
  private static HttpServer s3;
  private static S3MediaStore store;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    s3 = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      seen.add(request.method() + " " + request.getHeader(TraceParent.HEADER));
      var response = request.response().putHeader("ETag", "\"e\"").putHeader("x-amz-request-id", "r");
      switch (request.method().name()) {
        case "HEAD" -> response.putHeader("Content-Length", "3").putHeader("Content-Type", "image/jpeg")
            .putHeader("Last-Modified", "Sat, 05 Dec 2026 12:00:00 GMT").end();
        case "DELETE" -> response.setStatusCode(204).end();
        default -> response.end();
      }
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    store = new S3MediaStore(vertx, new StorageConfig(Optional.of(URI.create("http://127.0.0.1:" + s3.actualPort())),
        "us-east-1", "media", true, Optional.of(new StorageCredentials("key", "secret")), 5L << 30, 8L << 20, 8,
        Duration.ofSeconds(5), Duration.ofSeconds(10)));
  }

  @AfterAll
  static void stop() throws Exception {
    store.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void forget() {
    seen.clear();
  }

  /** Runs {@code call} as a request's handler would: on its own duplicated context, trace bound. */
  private static <T> T duringRequest(RequestTrace trace, Supplier<Future<T>> call) throws Exception {
    ContextInternal request = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
    Promise<T> done = Promise.promise();
    request.runOnContext(v -> {
      RequestScope.bind(request, trace);
      call.get().onComplete(done);
    });
    return done.future().await(10, TimeUnit.SECONDS);
  }

  @Test
  void sdkCallsCarryTheRequestsTraceparent() throws Exception {
    RequestTrace trace = new RequestTrace("id-1", TRACEPARENT);
    assertTrue(duringRequest(trace, () -> store.head("alice/m1")).isPresent());
    duringRequest(trace, () -> store.delete("alice/m1"));
    assertEquals(List.of("HEAD " + TRACEPARENT, "DELETE " + TRACEPARENT), seen);
  }

  @Test
  void presignedTransfersCarryTheRequestsTraceparent() throws Exception {
    RequestTrace trace = new RequestTrace("id-2", TRACEPARENT);
    duringRequest(trace, () -> store.put("alice/m2",
        new BufferedBody(List.of(ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)))),
        new ObjectAttributes("alice", "image/jpeg", Map.of())));
    assertEquals(List.of("PUT " + TRACEPARENT), seen);
  }

  @Test
  void callsOutsideARequestStartTheirOwnTrace() throws Exception {
    vertx.getOrCreateContext();
    Promise<Object> done = Promise.promise();
    vertx.runOnContext(v -> store.head("alice/m3").<Object>map(x -> x)
        .compose(x -> store.delete("alice/m3")).onComplete(done));
    done.future().await(10, TimeUnit.SECONDS);
    assertEquals(2, seen.size(), seen::toString);
    String first = seen.get(0).substring("HEAD ".length());
    String second = seen.get(1).substring("DELETE ".length());
    assertEquals(Optional.of(first), TraceParent.parse(first));
    assertEquals(Optional.of(second), TraceParent.parse(second));
    assertNotEquals(TraceParent.traceId(first), TraceParent.traceId(second), "each call its own trace");
  }
}
