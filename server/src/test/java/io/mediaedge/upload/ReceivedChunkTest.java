package io.mediaedge.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.buffers.ReceivedChunk;
import io.mediaedge.errors.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Body chunks kept in pooled direct buffers: Vert.x hands them on without a copy, the body hashes
 * and hands out the very bytes, and every pooled buffer goes back to the pool once the store's
 * connection took its bytes, or the body failed, or nobody claimed it and it became unreachable.
 */
class ReceivedChunkTest {
  private static final int KIB = 1024;
  private static final PooledByteBufAllocator POOL = new PooledByteBufAllocator(true);

  private Vertx vertx;
  private Context context;
  private final List<ByteBuf> pooled = java.util.Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aSliceOfAClassicPooledBufferReadsAsItsOwnBytes() {
    // Under -Dio.netty.allocator.type=pooled the decoder's body chunks are PooledSlicedByteBufs:
    // slices of the buffer the head was read into. Wrapped by a DuplicatedByteBuf they read as the
    // head's bytes ("HTTP/1.1 ..."); the chunk must read as the slice.
    ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(64);
    read.writeBytes("HTTP/1.1 200 OK\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    int headLength = read.readableBytes();
    read.writeBytes(new byte[] {10, 20, 30, 40});
    read.skipBytes(headLength);
    ByteBuf body = read.readRetainedSlice(4);
    read.release();
    ReceivedChunk chunk = new ReceivedChunk(body);
    Buffer buffer = BufferInternal.buffer(chunk);
    assertArrayEquals(new byte[] {10, 20, 30, 40}, buffer.getBytes());
    ByteBuf claimed = ReceivedChunk.claim(buffer);
    assertNotNull(claimed);
    assertEquals(1, claimed.refCnt());
    assertTrue(claimed.release(), "the chunk's one reference frees the pooled memory");
  }

  @Test
  void vertxHandsTheChunkOnWithoutACopy() {
    ByteBuf direct = pooledCopyOf(new byte[] {1, 2, 3, 4});
    ReceivedChunk chunk = new ReceivedChunk(direct);
    Buffer handed = BufferInternal.safeBuffer(chunk);
    assertEquals(1, direct.refCnt(), "not copied and released, as Vert.x does with pooled buffers");
    Buffer slice = handed.slice(1, 3);
    assertEquals(2, slice.getByte(0));
    assertNotNull(ReceivedChunk.claim(slice), "a slice still leads to its chunk");
    assertNull(ReceivedChunk.claim(handed), "claimed once only");
    assertNull(ReceivedChunk.claim(Buffer.buffer("heap")));
    direct.release();
  }

  @Test
  void streamedBodyGivesEveryBufferBackOnceTheStoreTookItsBytes() throws Exception {
    byte[] body = random(40 * 64 * KIB + 123);
    Stored stored = stream(body, 64 * KIB, false);
    assertEquals(sha256(body), stored.sha256, "hashed as received");
    assertEquals(sha256(body), sha256(stored.received.toByteArray()), "the store got the very bytes");
    pooled.forEach(b -> assertEquals(0, b.refCnt(), "every pooled buffer went back"));
  }

  @Test
  void failedBodyGivesBackWhatItQueuedAndWhatTheStoreStillHad() throws Exception {
    byte[] body = random(20 * 64 * KIB);
    Stored stored = stream(body, 50 * KIB, true);
    assertTrue(stored.failure != null, "the body failed");
    pooled.forEach(b -> assertEquals(0, b.refCnt(), "every pooled buffer went back"));
  }

  @Test
  void aChunkGoesBackOnlyWhenItsOwnBytesWereTakenWhateverTheOrder() throws Exception {
    // Parts of a multipart upload go over different connections: their chunks may be taken out of
    // order. Nothing may go back to the pool before its own bytes were taken.
    int chunks = 8;
    byte[] body = random(chunks * 16 * KIB);
    List<ByteBuffer> handed = java.util.Collections.synchronizedList(new ArrayList<>());
    UploadBody upload = streamHeld(body, 16 * KIB, handed);
    assertEquals(chunks, handed.size());
    assertEquals(chunks, pooled.size());
    for (int i = chunks - 1; i >= 0; i--) {
      ByteBuffer piece = handed.get(i);
      onContext(() -> upload.taken(piece));
      for (int j = 0; j < chunks; j++) {
        assertEquals(j < i ? 1 : 0, pooled.get(j).refCnt(), "chunk " + j + " after chunk " + i + " was taken");
      }
    }
  }

  @Test
  void unclaimedChunkGoesBackWhenUnreachable() throws Exception {
    ByteBuf direct = pooledCopyOf(new byte[64 * KIB]);
    new ReceivedChunk(direct);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (direct.refCnt() > 0 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    assertEquals(0, direct.refCnt());
  }

  private record Stored(java.io.ByteArrayOutputStream received, String sha256, Throwable failure) {}

  /**
   * Streams {@code body} in pooled chunks of {@code chunk} bytes through an upload body with a
   * growing lease into a store that copies what it is handed and reports each piece taken a
   * moment later; with {@code abort}, the body is aborted halfway.
   */
  private Stored stream(byte[] body, int chunk, boolean abort) throws Exception {
    MemoryBudget budget = new MemoryBudget(64L * 1024 * KIB);
    CompletableFuture<Stored> result = new CompletableFuture<>();
    context.runOnContext(v -> budget.acquire(context, 128 * KIB, Duration.ofSeconds(5)).onSuccess(lease -> {
      // chunks as Netty reads them: pooled direct buffers, as received chunks
      ChunkedClient client = new ChunkedClient(context, body, chunk,
          piece -> BufferInternal.safeBuffer(new ReceivedChunk(pooledCopyOf(piece))));
      UploadBody upload = new UploadBody(context, client, 1L << 30, body.length, null, 512 * KIB)
          .growsWithin(lease, 768 * KIB).start();
      java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
      upload.slice(body.length).subscribe(new Subscriber<ByteBuffer>() {
        @Override
        public void onSubscribe(Subscription s) {
          s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ByteBuffer piece) {
          int n = piece.remaining();
          byte[] copy = new byte[n];
          piece.get(copy);
          received.writeBytes(copy);
          if (abort && received.size() >= body.length / 2) {
            upload.abort(ErrorCode.STORAGE_ERROR.error());
          }
          vertx.setTimer(1, t -> upload.taken(piece));
        }

        @Override
        public void onError(Throwable t) {
          vertx.setTimer(50, x -> result.complete(new Stored(received, null, t)));
        }

        @Override
        public void onComplete() {
          vertx.setTimer(50, x -> result.complete(new Stored(received, HexFormat.of().formatHex(upload.sha256()),
              null)));
        }
      });
    }));
    return result.get(10, TimeUnit.SECONDS);
  }

  /** Streams {@code body} to a store that reports nothing taken until the test does; returns the body. */
  private UploadBody streamHeld(byte[] body, int chunk, List<ByteBuffer> handed) throws Exception {
    UploadBody[] upload = new UploadBody[1];
    CompletableFuture<Void> complete = new CompletableFuture<>();
    context.runOnContext(v -> new MemoryBudget(64L * 1024 * KIB).acquire(context, 1024 * KIB, Duration.ofSeconds(5))
        .onSuccess(lease -> {
          ChunkedClient client = new ChunkedClient(context, body, chunk,
              piece -> BufferInternal.safeBuffer(new ReceivedChunk(pooledCopyOf(piece))));
          upload[0] = new UploadBody(context, client, 1L << 30, body.length, null, 512 * KIB)
              .growsWithin(lease, 1024 * KIB).start();
          upload[0].slice(body.length).subscribe(new Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Subscription s) {
              s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer piece) {
              handed.add(piece);
            }

            @Override
            public void onError(Throwable t) {
              complete.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
              complete.complete(null);
            }
          });
        }));
    complete.get(10, TimeUnit.SECONDS);
    return upload[0];
  }

  private void onContext(Runnable task) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      task.run();
      done.complete(null);
    });
    done.get(10, TimeUnit.SECONDS);
  }

  private ByteBuf pooledCopyOf(byte[] bytes) {
    ByteBuf direct = POOL.directBuffer(bytes.length);
    direct.writeBytes(bytes);
    pooled.add(direct);
    return direct;
  }

  private static byte[] random(int n) {
    byte[] bytes = new byte[n];
    new Random(n).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
