package io.mediaedge.upload;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.Arrays;
import java.util.function.Function;

/**
 * A request body as a client sends it: fixed-size chunks of {@code bytes}, handed out on demand on
 * a context, each as {@code asChunk} makes it (a heap buffer unless told otherwise).
 */
final class ChunkedClient implements ReadStream<Buffer> {
  private final Context context;
  private final byte[] bytes;
  private final int chunk;
  private final Function<byte[], Buffer> asChunk;
  private volatile int sent;
  private volatile int chunksSent;
  private long demand = Long.MAX_VALUE;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;

  ChunkedClient(Context context, byte[] bytes, int chunk) {
    this(context, bytes, chunk, Buffer::buffer);
  }

  ChunkedClient(Context context, byte[] bytes, int chunk, Function<byte[], Buffer> asChunk) {
    this.context = context;
    this.bytes = bytes;
    this.chunk = chunk;
    this.asChunk = asChunk;
  }

  /** Chunks handed out so far. */
  int chunksSent() {
    return chunksSent;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> h) {
    handler = h;
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    demand = 0;
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    context.runOnContext(v -> emit());
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> h) {
    endHandler = h;
    return this;
  }

  private void emit() {
    while (demand > 0 && sent < bytes.length && handler != null) {
      int n = Math.min(chunk, bytes.length - sent);
      demand--;
      Buffer piece = asChunk.apply(Arrays.copyOfRange(bytes, sent, sent + n));
      sent += n;
      chunksSent++;
      handler.handle(piece);
    }
    if (sent == bytes.length && endHandler != null) {
      Handler<Void> end = endHandler;
      endHandler = null;
      end.handle(null);
    }
  }
}
