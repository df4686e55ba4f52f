package io.mediaedge.storage;

import io.mediaedge.buffers.ReceivedChunk;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpClientConnectionInternal;

/**
 * Hands the bodies S3 sends on an HTTP/1.1 connection to Vert.x as {@link ReceivedChunk}s, so an
 * object's bytes reach the client's socket from the buffer they were read into, with no heap copy
 * on the way. The download writer claims and releases them; the few small bodies nobody claims
 * (S3's error documents, read whole) go back to the pool when they become unreachable.
 */
final class ReceivedBodies extends ChannelInboundHandlerAdapter {
  static final String NAME = "media-edge-received-bodies";
  /** Vert.x's own handler of an HTTP/1.x client connection: ours goes right before it. */
  private static final String VERTX_HANDLER = "handler";

  private ReceivedBodies() {}

  /** Adds the handler to a new S3 connection's pipeline; other kinds of connection are left alone. */
  static void install(HttpConnection connection) {
    if (!(connection instanceof HttpClientConnectionInternal internal)) {
      return;
    }
    ChannelPipeline pipeline = internal.channelHandlerContext().pipeline();
    if (pipeline.get(VERTX_HANDLER) != null && pipeline.get(NAME) == null) {
      pipeline.addBefore(VERTX_HANDLER, NAME, new ReceivedBodies());
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpContent content && content.decoderResult().isSuccess() && content.content().isReadable()) {
      ctx.fireChannelRead(content.replace(new ReceivedChunk(content.content())));
    } else {
      ctx.fireChannelRead(msg);
    }
  }
}
