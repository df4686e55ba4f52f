package io.mediaedge.http;

import io.mediaedge.errors.ErrorCode;
import io.mediaedge.buffers.ReceivedChunk;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Vert.x's HTTP/1.x request decoder held to RFC 9112's framing rules, which Netty applies leniently:
 * given both {@code Content-Length} and {@code Transfer-Encoding: chunked} it drops the length and
 * keeps the connection, folds obs-fold lines into the previous value, reads any Transfer-Encoding
 * that merely mentions chunked as chunked, and reads a request whose only coding is not chunked as
 * having no body. Each of those lets a proxy in front of us and this server disagree on where a
 * request ends: request smuggling. Here they are refused before the request reaches a handler.
 *
 * <p>A refusal becomes an invalid request (its decoder result carries the catalog error), which
 * Vert.x hands to the listener's invalid-request handler and then closes the connection; the
 * decoder discards every byte after it, so nothing the client sent later is read as a request.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  private static final String CHUNKED = "chunked";
  private static final String HTTP_1_1 = "HTTP/1.1";
  private static final String HTTP_1_0 = "HTTP/1.0";
  /** HTTP-version (RFC 9112 section 2.3): well formed, but perhaps not one we speak. */
  private static final Pattern VERSION_SHAPE = Pattern.compile("HTTP/[0-9]\\.[0-9]");
  /** RFC 9110 token characters: what a transfer coding's name may be made of. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  /** uri-host [":" port]: an IP literal or a reg-name (RFC 3986), then an optional port. */
  private static final Pattern HOST = Pattern.compile(
      "(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(:[0-9]{1,5})?");

  /** The path of single-request uploads, whose bodies are kept where Netty read them. */
  private static final String UPLOAD_PATH = "/v1/media";

  /** The request being read is an upload: its body chunks become {@link ReceivedChunk}s. */
  private boolean uploadBody;
  /** The next bytes start a request (possibly after empty lines): no request line read yet. */
  private boolean betweenRequests = true;
  /** A request line was read and its header section has not ended. */
  private boolean inHeaderSection;
  /** The header section being read has a line that starts with whitespace (obs-fold). */
  private boolean foldedLine;
  /** A request was refused: Netty now discards everything, so there is nothing more to check. */
  private boolean refused;

  StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    if (!refused && !foldedLine && (betweenRequests || inHeaderSection)) {
      // Netty joins a folded line to the value before it, so the fold can only be seen here.
      foldedLine = HeaderLines.hasLineStartingWithWhitespace(buffer, betweenRequests);
    }
    int before = out.size();
    super.decode(ctx, buffer, out);
    for (int i = before; i < out.size(); i++) {
      Object decoded = out.get(i);
      if (decoded instanceof HttpObject object && object.decoderResult().isFailure()) {
        refused = true;
      }
      if (decoded instanceof HttpRequest request) {
        uploadBody = isUpload(request);
      } else if (uploadBody && decoded instanceof HttpContent content && content.decoderResult().isSuccess()
          && content.content().isReadable()) {
        out.set(i, content.replace(new ReceivedChunk(content.content())));
      }
      if (decoded instanceof LastHttpContent) {
        betweenRequests = true;
        inHeaderSection = false;
        foldedLine = false;
        uploadBody = false;
      }
    }
  }

  /**
   * A single-request upload: its body chunks stay in the buffers Netty read them into (see
   * {@link ReceivedChunk}); every other body is copied to the heap by Vert.x as usual.
   */
  private static boolean isUpload(HttpRequest request) {
    if (!HttpMethod.POST.equals(request.method())) {
      return false;
    }
    String uri = request.uri();
    int query = uri.indexOf('?');
    return UPLOAD_PATH.equals(query < 0 ? uri : uri.substring(0, query));
  }

  /**
   * Called once the request line is read. Only {@code HTTP/1.1} and {@code HTTP/1.0}, exactly as
   * RFC 9112 spells them, are spoken over this decoder: Netty would also take {@code http/1.1} or
   * {@code HTTP/01.1}, which Vert.x then answers with an empty 501.
   */
  @Override
  protected HttpMessage createMessage(String[] initialLine) {
    String version = initialLine[2];
    if (!HTTP_1_1.equals(version) && !HTTP_1_0.equals(version)) {
      throw VERSION_SHAPE.matcher(version).matches() ? ErrorCode.HTTP_VERSION_NOT_SUPPORTED.error()
          : ErrorCode.BAD_REQUEST.error("The request line's HTTP version is malformed.");
    }
    betweenRequests = false;
    inHeaderSection = true;
    return super.createMessage(initialLine);
  }

  /**
   * Netty calls this once per request, when its header section has been read and before it picks
   * how the body is framed: the one place where the headers are complete and still as sent.
   */
  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage message) {
    inHeaderSection = false;
    if (foldedLine) {
      throw ErrorCode.BAD_FRAMING.error("A header line starts with whitespace (obs-fold); send each field on one line.");
    }
    checkFraming(message.headers(), message.protocolVersion());
    checkHost(message.headers(), message.protocolVersion());
    return super.isContentAlwaysEmpty(message);
  }

  /**
   * RFC 9112 section 6: Transfer-Encoding only alone, once, ending in chunked, and never in HTTP/1.0.
   * Codings we do not implement (gzip, identity and others before chunked) are 501.
   */
  static void checkFraming(HttpHeaders headers, HttpVersion version) {
    List<String> encodings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (encodings.isEmpty()) {
      return;
    }
    if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      throw ErrorCode.BAD_FRAMING.error("Content-Length and Transfer-Encoding must not both be sent.");
    }
    if (HttpVersion.HTTP_1_0.equals(version)) {
      throw ErrorCode.BAD_FRAMING.error("HTTP/1.0 has no Transfer-Encoding; send Content-Length.");
    }
    if (encodings.size() > 1) {
      throw ErrorCode.BAD_FRAMING.error("Transfer-Encoding must be sent once.");
    }
    String[] codings = encodings.get(0).split(",", -1);
    for (int i = 0; i < codings.length; i++) {
      String coding = codings[i].strip();
      boolean last = i == codings.length - 1;
      if (!TOKEN.matcher(coding).matches()) {
        throw ErrorCode.BAD_FRAMING.error("Transfer-Encoding is not a list of transfer codings.");
      }
      if (last != CHUNKED.equalsIgnoreCase(coding)) {
        throw ErrorCode.BAD_FRAMING.error("chunked must be the final transfer coding, and come only once.");
      }
    }
    if (codings.length > 1) {
      throw ErrorCode.UNSUPPORTED_TRANSFER_CODING.error();
    }
  }

  /** RFC 9112 section 3.2: one Host, required in HTTP/1.1, and a valid host[:port]. */
  static void checkHost(HttpHeaders headers, HttpVersion version) {
    List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      throw ErrorCode.INVALID_HOST.error("Host must be sent once.");
    }
    if (hosts.isEmpty()) {
      if (HttpVersion.HTTP_1_1.equals(version)) {
        throw ErrorCode.INVALID_HOST.error();
      }
      return;
    }
    if (!HOST.matcher(hosts.get(0)).matches()) {
      throw ErrorCode.INVALID_HOST.error("Host is not a valid host[:port].");
    }
  }

  /** Finds header lines that begin with whitespace, in bytes not yet handed to Netty's parser. */
  static final class HeaderLines {
    private HeaderLines() {}

    /**
     * Whether a line of the header section in {@code buffer}'s readable bytes starts with SP or
     * HTAB: obs-fold, or whitespace before the first field (RFC 9112 sections 2.2 and 5.2). Stops at
     * the empty line that ends the section. When {@code atRequestLine}, the bytes begin with the
     * request line (perhaps after empty lines), which is skipped; otherwise they begin at the start
     * of a header line, since Netty consumes header lines whole.
     */
    static boolean hasLineStartingWithWhitespace(ByteBuf buffer, boolean atRequestLine) {
      int end = buffer.writerIndex();
      int i = buffer.readerIndex();
      if (atRequestLine) {
        while (i < end && (buffer.getByte(i) == '\r' || buffer.getByte(i) == '\n')) {
          i++;
        }
        int lineEnd = buffer.indexOf(i, end, (byte) '\n');
        if (lineEnd < 0) {
          return false;
        }
        i = lineEnd + 1;
      }
      while (i < end) {
        byte first = buffer.getByte(i);
        if (first == ' ' || first == '\t') {
          return true;
        }
        if (first == '\n' || first == '\r') {
          return false; // the empty line: the header section ends here
        }
        int lineEnd = buffer.indexOf(i, end, (byte) '\n');
        if (lineEnd < 0) {
          return false;
        }
        i = lineEnd + 1;
      }
      return false;
    }
  }
}
