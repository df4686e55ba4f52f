package io.mediaedge.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.EdgeConfig;
import io.mediaedge.devstack.DevCertificates;
import io.mediaedge.devstack.DevJwtKeys;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.media.MediaId;
import io.mediaedge.it.MediaSamples;
import io.mediaedge.storage.MediaStore;
import io.mediaedge.upload.UploadService.StoredMedia;
import io.mediaedge.upload.UploadService.UploadRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The streamed multipart path against a store whose answers the test gives by hand: the next part
 * streams while the previous one waits for its answer, never more than two at once, and a failure
 * aborts the upload only after the part still in flight has ended.
 */
class StreamedPartsTest {
  private static final int MIB = 1 << 20;
  private static final int PART = 5 * MIB;

  @TempDir static Path dir;
  private static EdgeConfig config;

  private Vertx vertx;
  private Context context;
  private ScriptedStore store;

  @BeforeAll
  static void loadConfig() {
    DevCertificates.TlsFiles tls = DevCertificates.ensure(dir.resolve("certs"));
    DevJwtKeys jwt = DevJwtKeys.es256(dir.resolve("jwt"));
    config = EdgeConfig.load(Path.of("conf/media-edge.yaml"), Map.of(
        "MEDIA_EDGE_SERVER_HTTPS_CERT_FILE", tls.serverChain().toString(),
        "MEDIA_EDGE_SERVER_HTTPS_KEY_FILE", tls.serverKey().toString(),
        "MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", jwt.publicKeyFile().toString(),
        "MEDIA_EDGE_STORAGE_SINGLE_PUT_THRESHOLD", "1MiB",
        "MEDIA_EDGE_STORAGE_PART_SIZE", "5MiB"));
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    store = new ScriptedStore();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void nextPartStreamsWhileThePreviousAwaitsItsAnswer() throws Exception {
    byte[] body = MediaSamples.mp4(3 * PART);
    Future<StoredMedia> upload = upload(body);

    awaitParts(2);
    assertFalse(store.parts.get(0).answer.future().isComplete(), "part 1 still waits for S3");
    store.parts.get(1).fullyRead.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Thread.sleep(200);
    assertEquals(2, store.parts.size(), "a third part waits until the first has its answer");

    store.parts.get(0).answer.complete();
    awaitParts(3);
    store.parts.get(1).answer.complete();
    // S3 answers a part only after its last byte.
    store.parts.get(2).fullyRead.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    store.parts.get(2).answer.complete();

    StoredMedia media = upload.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(body.length, media.size());
    assertEquals(MediaSamples.sha256(body), media.sha256());
    assertEquals(List.of(PART, PART, PART), store.parts.stream().map(p -> p.bytes).toList());
    assertTrue(store.completed);
  }

  @Test
  void failedPartAbortsOnlyAfterThePartInFlightEnded() throws Exception {
    Future<StoredMedia> upload = upload(MediaSamples.mp4(3 * PART));

    awaitParts(2);
    store.parts.get(0).answer.fail(ErrorCode.STORAGE_ERROR.error());
    Thread.sleep(200);
    assertFalse(store.aborted.future().isComplete(), "part 2 is still in flight");

    store.parts.get(1).answer.fail(ErrorCode.STORAGE_ERROR.error());
    store.aborted.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Throwable failure = upload.transform(ar -> Future.succeededFuture(ar.cause()))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(ErrorCode.STORAGE_ERROR.error().getMessage(), failure.getMessage());
    assertEquals(2, store.parts.size());
    assertFalse(store.completed);
  }

  @Test
  void partCancelledByTheStoreFailsWithTheStoresError() throws Exception {
    store.cancelFirstPart = true;
    Future<StoredMedia> upload = upload(MediaSamples.mp4(3 * PART));

    awaitParts(1);
    Thread.sleep(200);
    store.parts.get(0).answer.fail(ErrorCode.STORAGE_UNAVAILABLE.error());
    Throwable failure = upload.transform(ar -> Future.succeededFuture(ar.cause()))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(ErrorCode.STORAGE_UNAVAILABLE.error().getMessage(), failure.getMessage());
    store.aborted.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(1, store.parts.size());
  }

  private Future<StoredMedia> upload(byte[] body) {
    UploadService service = new UploadService(vertx, store, new MemoryBudget(64L * MIB), config.storage(), config.upload(),
        config.server());
    Promise<StoredMedia> result = Promise.promise();
    context.runOnContext(v -> service.upload(context,
            new UploadRequest("alice", "video/mp4", 1L << 30, body.length, null, Origin.regionOnly("test")),
            new ChunkedClient(context, body, 64 * 1024), MediaId.next())
        .onComplete(result));
    return result.future();
  }

  private void awaitParts(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (store.parts.size() < n) {
      assertTrue(System.nanoTime() < deadline, "waited for part " + n);
      Thread.sleep(10);
    }
  }

  /** One part as the store saw it: its bytes, and the answer the test gives. */
  private static final class Part {
    final Promise<Void> answer = Promise.promise();
    final Promise<Void> fullyRead = Promise.promise();
    volatile int bytes;
  }

  /** Reads every part's body at once; answers only when the test completes the part's promise. */
  private final class ScriptedStore implements MediaStore {
    final List<Part> parts = new CopyOnWriteArrayList<>();
    final Promise<Void> aborted = Promise.promise();
    volatile boolean completed;
    /** The first part's reader cancels after its first chunk, as the SDK does when S3 goes away. */
    volatile boolean cancelFirstPart;

    @Override
    public Future<MultipartUpload> startMultipart(String key, ObjectAttributes attributes) {
      return Future.succeededFuture(new MultipartUpload() {
        @Override
        public String key() {
          return key;
        }

        @Override
        public Future<Void> uploadPart(int partNumber, Body body) {
          Part part = new Part();
          parts.add(part);
          boolean cancels = cancelFirstPart && partNumber == 1;
          StreamedBody streamed = (StreamedBody) body;
          streamed.publisher().subscribe(new Subscriber<ByteBuffer>() {
            private Subscription subscription;

            @Override
            public void onSubscribe(Subscription s) {
              subscription = s;
              s.request(cancels ? 1 : Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer b) {
              part.bytes += b.remaining();
              // taken at once, as a connection with room in its socket takes it
              streamed.taken().accept(b);
              if (cancels) {
                subscription.cancel();
              }
            }

            @Override
            public void onError(Throwable t) {
              part.fullyRead.tryFail(t);
            }

            @Override
            public void onComplete() {
              part.fullyRead.tryComplete();
            }
          });
          Promise<Void> answer = Promise.promise();
          part.answer.future().onComplete(ar -> context.runOnContext(v -> answer.handle(ar)));
          return answer.future();
        }

        @Override
        public Future<ObjectInfo> complete() {
          completed = true;
          return Future.succeededFuture(new ObjectInfo(key, 0, "video/mp4", "etag", null, Map.of()));
        }

        @Override
        public Future<Void> abort() {
          aborted.tryComplete();
          return Future.succeededFuture();
        }
      });
    }

    @Override
    public Future<Void> tag(String key, Map<String, String> tags) {
      return Future.succeededFuture();
    }

    @Override
    public Future<ObjectInfo> put(String key, Body body, ObjectAttributes attributes) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Optional<ObjectInfo>> head(String key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<ObjectContent> get(String key, long first, long last) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> delete(String key) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Integer> abortMultipartUploads(String key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Integer> deleteUnder(String prefix) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }
}
