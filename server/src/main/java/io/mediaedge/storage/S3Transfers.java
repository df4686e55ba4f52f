package io.mediaedge.storage;

import io.mediaedge.config.EdgeConfig.StorageConfig;
import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.storage.MediaStore.Body;
import io.mediaedge.storage.MediaStore.BufferedBody;
import io.mediaedge.storage.MediaStore.ObjectContent;
import io.mediaedge.storage.MediaStore.ObjectInfo;
import io.mediaedge.storage.MediaStore.StreamedBody;
import io.mediaedge.storage.S3Errors.S3Status;
import io.mediaedge.trace.RequestScope;
import io.mediaedge.trace.TraceParent;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The calls that move bytes: object reads (downloads, ranges, resumable tails) and writes (single
 * puts and parts), each a presigned request through Vert.x's own HTTP client on the caller's event
 * loop. The SDK's client runs a body on its own threads, one demand round trip per chunk between
 * them and ours; on a busy machine every hop waits for the scheduler, which held downloads to a
 * fifth and uploads to about half of what S3 takes. Here the bytes go from one socket to the other
 * on one thread, with Vert.x backpressure. The SDK still signs ({@link S3RequestSigner}: no network,
 * no body; a presigned request carries an unsigned payload, as the SDK's own client does over HTTPS).
 */
final class S3Transfers {
  private static final Logger log = LoggerFactory.getLogger(S3Transfers.class);
  private static final String META_PREFIX = "x-amz-meta-";
  /** A presigned request is used at once; the validity only has to cover clock skew. */
  private static final Duration SIGNATURE_VALIDITY = Duration.ofMinutes(5);
  /**
   * Reads are idempotent: a refused connection or a 5xx is tried again, as the SDK's retry would.
   * Writes are not: a streamed body cannot be sent twice.
   */
  private static final int ATTEMPTS = 3;
  private static final long FIRST_RETRY_DELAY_MILLIS = 50;
  private static final int CHUNK_SIZE = 64 * 1024;

  private final Vertx vertx;
  private final S3RequestSigner signer;
  private final HttpClientAgent http;
  private final long readTimeoutMillis;

  S3Transfers(Vertx vertx, StorageConfig config, AwsCredentialsProvider credentials) {
    this.vertx = vertx;
    this.signer = new S3RequestSigner(config, credentials, SIGNATURE_VALIDITY, Clock.systemUTC());
    this.readTimeoutMillis = config.readTimeout().toMillis();
    this.http = vertx.httpClientBuilder()
        .with(new HttpClientOptions()
            .setConnectTimeout((int) config.connectTimeout().toMillis())
            .setKeepAlive(true)
            .setMaxChunkSize(CHUNK_SIZE)
            .setVerifyHost(true)
            .setTcpNoDelay(true))
        .with(new PoolOptions().setHttp1MaxSize(config.maxConnections()))
        // A connection S3 resets fails the request on it, which says what it means for that read or
        // write (a read goes on in a new request); without this Vert.x also logs the reset at ERROR.
        .withConnectHandler(connection -> {
          connection.exceptionHandler(failure ->
              log.debug("S3 connection to {} failed: {}", connection.remoteAddress(), failure.toString()));
          ReceivedBodies.install(connection);
        })
        .build();
  }

  /** Bytes {@code first..last} (inclusive) of {@code key}; the body is paused until its reader resumes it. */
  Future<ObjectContent> get(String key, long first, long last) {
    return open(key, first, last, null, 1).map(opened -> {
      ObjectInfo info = info(key, opened.response());
      ResumingObjectBody body = new ResumingObjectBody(key, opened, first, last, info.etag(),
          (from, to, etag) -> rest(key, from, to, etag));
      return new ObjectContent(info, body, () -> body.abandon(new IllegalStateException("the reader went away")));
    });
  }

  /** The rest of a read that broke: bytes {@code first..last} of the same object, as a 206 only. */
  private Future<ResumingObjectBody.Opened> rest(String key, long first, long last, String etag) {
    return open(key, first, last, etag, 1).compose(rest -> {
      if (rest.response().statusCode() == 206) {
        return Future.succeededFuture(rest);
      }
      // a whole object where the rest of it was asked for: its bytes would not line up
      rest.request().reset(0);
      return Future.failedFuture(new S3Status(rest.response().statusCode(), "RangeIgnored"));
    });
  }

  /** Writes {@code body} as the whole object {@code key}; completes with S3's ETag. */
  Future<String> put(String key, Body body, String contentType, Map<String, String> metadata) {
    return write(() -> signer.put(key, body.length(), contentType, metadata), body);
  }

  /** Writes {@code body} as part {@code partNumber} of a multipart upload; completes with the part's ETag. */
  Future<String> uploadPart(String key, String uploadId, int partNumber, Body body) {
    return write(() -> signer.uploadPart(key, uploadId, partNumber, body.length()), body);
  }

  Future<Void> close() {
    return http.close();
  }

  /**
   * Sends a ranged GET and waits for its head: a 200 or 206 comes back paused; an error status,
   * a refused connection or one closed before the head is tried again as the SDK's retry would.
   * With {@code ifMatch}, a changed object is 412 (not retried).
   */
  private Future<ResumingObjectBody.Opened> open(String key, long first, long last, String ifMatch, int attempt) {
    return presigned(() -> signer.get(key, "bytes=" + first + "-" + last, ifMatch))
        .compose(http::request).compose(outgoing -> outgoing.send().compose(response -> {
      int status = response.statusCode();
      if (status == 200 || status == 206) {
        response.pause();
        return Future.succeededFuture(new ResumingObjectBody.Opened(outgoing, response));
      }
      // The error body is small XML; reading it lets the connection be reused.
      return response.body().transform(read -> Future.failedFuture(new S3Status(status,
          read.succeeded() ? errorCode(read.result().toString(StandardCharsets.UTF_8)) : "")));
    })).recover(failure -> {
      if (attempt < ATTEMPTS && retryable(failure)) {
        Promise<ResumingObjectBody.Opened> retried = Promise.promise();
        vertx.setTimer(FIRST_RETRY_DELAY_MILLIS << (attempt - 1),
            t -> open(key, first, last, ifMatch, attempt + 1).onComplete(retried));
        return retried.future();
      }
      return Future.failedFuture(translate(failure));
    });
  }

  /** The request to send for what {@code presign} signs; a signing failure is a failed future. */
  private Future<RequestOptions> presigned(Supplier<S3RequestSigner.Signed> presign) {
    S3RequestSigner.Signed presigned;
    try {
      presigned = presign.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(translate(e));
    }
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.valueOf(presigned.method()))
        .setAbsoluteURI(presigned.url())
        .setIdleTimeout(readTimeoutMillis)
        // Not signed, and need not be: it only names the trace this call belongs to.
        .putHeader(TraceParent.HEADER, RequestScope.outgoingTraceparent());
    // Signed headers (range, length, type, metadata) must go out exactly as signed; Host comes from the URL.
    presigned.headers().forEach(options::putHeader);
    return Future.succeededFuture(options);
  }

  /**
   * One write request: the body streams from its publisher into the request as the connection
   * takes it (a full write queue stops the demand until it drains). S3's answer may come early (an
   * error): then the body is cancelled. A body that fails (the client's upload broke) resets the
   * request, so S3 keeps nothing, and the write fails with the body's own error.
   */
  private Future<String> write(Supplier<S3RequestSigner.Signed> presign, Body body) {
    Promise<String> written = Promise.promise();
    presigned(presign)
        .compose(options -> http.request(options.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length()))))
        .onSuccess(request -> send(request, body, written, new WriteProgress(request, readTimeoutMillis)))
        .onFailure(failure -> written.tryFail(translate(failure)));
    return written.future();
  }

  /**
   * Keeps a write's timeout about the store, not the client. Vert.x's idle timeout counts only
   * bytes received, and S3 answers a PUT after its last byte: an upload streaming for longer than
   * {@code storage.readTimeout} (a 100 MB video from a phone at 5 Mbit/s takes 160 s) failed with
   * 504 although S3 was taking every byte. So each chunk the store's connection takes starts the
   * timeout again; a write fails only when the store took nothing and answered nothing for that
   * long. Restarting the timer costs a timer, so it is restarted at most ten times per period.
   */
  private static final class WriteProgress {
    private final HttpClientRequest request;
    private final long timeoutMillis;
    private final long restartEveryNanos;
    private long restartedAt = System.nanoTime();
    private boolean answered;

    WriteProgress(HttpClientRequest request, long timeoutMillis) {
      this.request = request;
      this.timeoutMillis = timeoutMillis;
      this.restartEveryNanos = timeoutMillis * 1_000_000 / 10;
    }

    /** The store's connection took a chunk of the body. */
    void taken() {
      long now = System.nanoTime();
      if (!answered && now - restartedAt >= restartEveryNanos) {
        restartedAt = now;
        request.idleTimeout(timeoutMillis);
      }
    }

    /** The answer came (or the write ended otherwise): the response has its own timeout from here. */
    void answered() {
      answered = true;
    }
  }

  private static void send(HttpClientRequest request, Body body, Promise<String> written, WriteProgress progress) {
    // The response future below fails with the same error and is where it is translated and
    // logged; without a handler here Vert.x would log it a second time as unhandled.
    request.exceptionHandler(failure -> { });
    Consumer<ByteBuffer> taken = body instanceof StreamedBody streamed ? streamed.taken() : chunk -> { };
    BodyWriter writer = new BodyWriter(request, written, chunk -> {
      progress.taken();
      taken.accept(chunk);
    });
    written.future().onComplete(done -> progress.answered());
    request.response().onComplete(answer -> {
      progress.answered();
      if (written.future().isComplete()) {
        return; // the body failed first and reset the request: its own error is the answer
      }
      writer.cancel();
      if (answer.failed()) {
        written.tryFail(translate(answer.cause()));
      } else if (answer.result().statusCode() == 200) {
        written.tryComplete(answer.result().getHeader("ETag"));
      } else {
        HttpClientResponse response = answer.result();
        int status = response.statusCode();
        // The error's body is read from before the request is reset: reset first, a store that
        // answered early and closed (S3 does, under load) left the read without an outcome, the
        // write never failed and the client waited for its idle timeout (found by the fault suite).
        response.body().onComplete(read -> written.tryFail(translate(new S3Status(status,
            read.succeeded() ? errorCode(read.result().toString(StandardCharsets.UTF_8)) : ""))));
        request.reset(0);
      }
    });
    if (body instanceof StreamedBody streamed) {
      streamed.publisher().subscribe(writer);
    } else {
      for (ByteBuffer chunk : ((BufferedBody) body).chunks()) {
        request.write(wrap(chunk.duplicate())).onSuccess(v -> progress.taken());
      }
      request.end();
    }
  }

  private static Buffer wrap(ByteBuffer chunk) {
    return BufferInternal.buffer(Unpooled.wrappedBuffer(chunk));
  }

  /** Feeds a body publisher into one request, a few chunks ahead of the connection. */
  private static final class BodyWriter implements Subscriber<ByteBuffer> {
    /**
     * Chunks asked for at once; each is at most one read of the client's socket (64 KiB). The
     * demand is a task on this same event loop, so a small lead costs little, and it keeps what an
     * upload holds beyond its read-ahead window to about two chunks plus the connection's queue.
     */
    private static final int AHEAD = 2;
    private final HttpClientRequest request;
    private final Promise<String> written;
    private final Consumer<ByteBuffer> taken;
    private Subscription subscription;
    private int outstanding;
    private boolean cancelled;

    BodyWriter(HttpClientRequest request, Promise<String> written, Consumer<ByteBuffer> taken) {
      this.request = request;
      this.written = written;
      this.taken = taken;
    }

    @Override
    public void onSubscribe(Subscription s) {
      subscription = s;
      if (cancelled) {
        s.cancel();
        return;
      }
      outstanding = AHEAD;
      s.request(AHEAD);
    }

    @Override
    public void onNext(ByteBuffer chunk) {
      outstanding--;
      if (cancelled) {
        taken.accept(chunk); // never to be written: done with it all the same
        return;
      }
      // Taken or not (a failed write fails the whole body), the chunk is no longer on its way.
      request.write(wrap(chunk)).onComplete(done -> taken.accept(chunk));
      if (request.writeQueueFull()) {
        request.drainHandler(drained -> topUp());
      } else {
        topUp();
      }
    }

    private void topUp() {
      if (!cancelled && outstanding < AHEAD) {
        int more = AHEAD - outstanding;
        outstanding += more;
        subscription.request(more);
      }
    }

    @Override
    public void onError(Throwable failure) {
      if (!cancelled) {
        cancelled = true;
        written.tryFail(failure);
        request.reset(0, failure);
      }
    }

    @Override
    public void onComplete() {
      if (!cancelled) {
        request.end();
      }
    }

    void cancel() {
      if (!cancelled) {
        cancelled = true;
        if (subscription != null) {
          subscription.cancel();
        }
      }
    }
  }

  private static ObjectInfo info(String key, HttpClientResponse response) {
    MultiMap headers = response.headers();
    Map<String, String> raw = new HashMap<>();
    headers.forEach((name, value) -> {
      if (name.regionMatches(true, 0, META_PREFIX, 0, META_PREFIX.length())) {
        raw.put(name.substring(META_PREFIX.length()).toLowerCase(Locale.ROOT), value);
      }
    });
    Map<String, String> metadata = S3MediaStore.decode(raw);
    String length = headers.get("Content-Length");
    return new ObjectInfo(key, length == null ? -1 : Long.parseLong(length), headers.get("Content-Type"),
        headers.get("ETag"), lastModified(headers.get("Last-Modified")), metadata);
  }

  private static Instant lastModified(String value) {
    if (value == null) {
      return null;
    }
    try {
      return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The {@code <Code>} of an S3 error document, for the log. */
  static String errorCode(String xml) {
    int start = xml.indexOf("<Code>");
    int end = xml.indexOf("</Code>");
    return start >= 0 && end > start ? xml.substring(start + "<Code>".length(), end) : "";
  }

  private static boolean retryable(Throwable failure) {
    if (failure instanceof S3Status s3) {
      return S3Errors.retryable(s3.status);
    }
    return failure instanceof ConnectException || failure instanceof io.vertx.core.http.HttpClosedException;
  }

  private static ApiException translate(Throwable failure) {
    return S3Errors.translate(failure);
  }
}
