package io.mediaedge.http;

import io.mediaedge.errors.ErrorCode;
import io.mediaedge.trace.RequestIds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.json.JsonObject;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Answers a malformed HTTP/1.x body (a bad chunk size, an over-long chunk line, a missing chunk
 * terminator, oversized trailers) with our JSON error before closing the connection. Vert.x would
 * fail the connection at once, and the answer a handler writes then never leaves: the close comes
 * while the write still waits for the end of the read. Sits between the HTTP codec and Vert.x, and
 * watches the responses going out so that it answers only when no response for that request (or a
 * pipelined one before it) has begun; otherwise what was written is flushed and the connection
 * closed. Either way Vert.x learns of it as a closed connection, which every handler cleans up after.
 */
final class BodyFramingGuard extends ChannelDuplexHandler {
  static final String NAME = "mediaEdgeBodyFramingGuard";

  private final Consumer<ErrorCode> refusals;
  private long requestsIn;
  private long finalResponsesOut;
  private boolean responseOpen;
  /** The connection is ours to close: nothing more goes to Vert.x or out from it. */
  private boolean takenOver;
  /** The latest request's {@code X-Request-Id}, settled here so that our answer and Vert.x's agree. */
  private String requestId;

  /** @param refusals told of each body refused here, for the metrics */
  BodyFramingGuard(Consumer<ErrorCode> refusals) {
    this.refusals = refusals;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (takenOver) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      requestsIn++;
      requestId = RequestIds.keepOrMake(request.headers().getAll(RequestIds.HEADER));
      request.headers().set(RequestIds.HEADER, requestId);
    } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
      // Only the trailer section can overflow the header limit once the body has begun.
      ErrorCode code = content.decoderResult().cause() instanceof TooLongHttpHeaderException
          ? ErrorCode.HEADERS_TOO_LARGE : ErrorCode.BAD_FRAMING;
      ReferenceCountUtil.release(msg);
      takenOver = true;
      refusals.accept(code);
      if (finalResponsesOut == requestsIn - 1 && !responseOpen) {
        answerAndClose(ctx, code);
      } else {
        // An answer is already on its way (perhaps whole, perhaps not): let what was written leave.
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (takenOver) {
      ReferenceCountUtil.release(msg);
      if (!promise.isVoid()) {
        promise.tryFailure(new ClosedChannelException());
      }
      return;
    }
    if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      finalResponsesOut++;
      responseOpen = true;
    }
    if (msg instanceof LastHttpContent) {
      responseOpen = false;
    }
    ctx.write(msg, promise);
  }

  private void answerAndClose(ChannelHandlerContext ctx, ErrorCode code) {
    String message = code == ErrorCode.HEADERS_TOO_LARGE ? "The chunked body's trailer section is too large."
        : "The chunked body is malformed (chunk size, chunk line or chunk terminator). The connection is closed.";
    byte[] json = new JsonObject().put("error", code.name()).put("message", message).encode()
        .getBytes(StandardCharsets.UTF_8);
    ByteBuf body = Unpooled.wrappedBuffer(json);
    DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(code.status()), body);
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, json.length)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
        .set(RequestIds.HEADER, requestId);
    // Written from here, so it passes the encoder but not this handler's own write filter.
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
