package io.mediaedge.upload;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** A request body as a client sends it: fixed-size chunks of {@code bytes}, handed out on demand on a context. */
final class ChunkedClient implements ReadStream<Buffer> {
  private final Context context;
  private final byte[] bytes;
  private final int chunk;
  private volatile int sent;
  private volatile int chunksSent;
  private long demand = Long.MAX_VALUE;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;

  ChunkedClient(Context context, byte[] bytes, int chunk) {
    this.context = context;
    this.bytes = bytes;
    this.chunk = chunk;
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
      Buffer piece = Buffer.buffer().appendBytes(bytes, sent, n);
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
