package io.mediaedge.storage;

import io.mediaedge.config.EdgeConfig.StorageConfig;
import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.storage.MediaStore.ObjectContent;
import io.mediaedge.storage.MediaStore.ObjectInfo;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;

/**
 * Reads objects (downloads, ranges, resumable tails) with a presigned GET through Vert.x's own HTTP
 * client, on the caller's event loop. The SDK's client hands a body out as small heap copies on
 * its own threads, one demand round trip per chunk, which held a download to a fifth of what S3
 * serves; here the bytes go from the S3 socket to the client socket in Netty buffers, with Vert.x
 * backpressure and no thread hop. The SDK still signs (the presigner: no network, no body).
 */
final class S3ObjectReader {
  private static final Logger log = LoggerFactory.getLogger(S3ObjectReader.class);
  private static final String META_PREFIX = "x-amz-meta-";
  /** A presigned request is used at once; the validity only has to cover clock skew. */
  private static final Duration SIGNATURE_VALIDITY = Duration.ofMinutes(5);
  /** Reads are idempotent: a refused connection or a 5xx is tried again, as the SDK's retry would. */
  private static final int ATTEMPTS = 3;
  private static final long FIRST_RETRY_DELAY_MILLIS = 50;
  private static final int CHUNK_SIZE = 64 * 1024;

  private final Vertx vertx;
  private final String bucket;
  private final S3Presigner presigner;
  private final HttpClientAgent http;
  private final long readTimeoutMillis;

  S3ObjectReader(Vertx vertx, StorageConfig config, AwsCredentialsProvider credentials) {
    this.vertx = vertx;
    this.bucket = config.bucket();
    S3Presigner.Builder presign = S3Presigner.builder()
        .region(Region.of(config.region()))
        .credentialsProvider(credentials)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build());
    config.endpoint().ifPresent(presign::endpointOverride);
    this.presigner = presign.build();
    this.readTimeoutMillis = config.readTimeout().toMillis();
    this.http = vertx.createHttpClient(new HttpClientOptions()
            .setConnectTimeout((int) config.connectTimeout().toMillis())
            .setKeepAlive(true)
            .setMaxChunkSize(CHUNK_SIZE)
            .setVerifyHost(true)
            .setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(config.maxConnections()));
  }

  /** Bytes {@code first..last} (inclusive) of {@code key}; the body is paused until its reader resumes it. */
  Future<ObjectContent> get(String key, long first, long last) {
    return attempt(key, first, last, 1);
  }

  Future<Void> close() {
    presigner.close();
    return http.close();
  }

  private Future<ObjectContent> attempt(String key, long first, long last, int attempt) {
    RequestOptions request;
    try {
      request = presignedGet(key, first, last);
    } catch (RuntimeException e) {
      return Future.failedFuture(S3MediaStore.translate(e));
    }
    return http.request(request).compose(outgoing -> outgoing.send().compose(response -> {
      int status = response.statusCode();
      if (status == 200 || status == 206) {
        response.pause();
        return Future.succeededFuture(new ObjectContent(info(key, response), response,
            () -> outgoing.reset(0, new IllegalStateException("the reader went away"))));
      }
      // The error body is small XML; reading it lets the connection be reused.
      return response.body().transform(read -> Future.failedFuture(new S3Status(status,
          read.succeeded() ? errorCode(read.result().toString(StandardCharsets.UTF_8)) : "")));
    })).recover(failure -> {
      if (attempt < ATTEMPTS && retryable(failure)) {
        Promise<ObjectContent> retried = Promise.promise();
        vertx.setTimer(FIRST_RETRY_DELAY_MILLIS << (attempt - 1),
            t -> attempt(key, first, last, attempt + 1).onComplete(retried));
        return retried.future();
      }
      return Future.failedFuture(translate(failure));
    });
  }

  private RequestOptions presignedGet(String key, long first, long last) {
    PresignedGetObjectRequest presigned = presigner.presignGetObject(p -> p.signatureDuration(SIGNATURE_VALIDITY)
        .getObjectRequest(g -> g.bucket(bucket).key(key).range("bytes=" + first + "-" + last)));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setAbsoluteURI(presigned.url())
        .setIdleTimeout(readTimeoutMillis);
    // The range is a signed header: it must go out exactly as signed. Host comes from the URL.
    presigned.signedHeaders().forEach((name, values) -> {
      if (!name.equalsIgnoreCase("host")) {
        options.putHeader(name, String.join(",", values));
      }
    });
    return options;
  }

  private static ObjectInfo info(String key, HttpClientResponse response) {
    MultiMap headers = response.headers();
    Map<String, String> metadata = new HashMap<>();
    headers.forEach((name, value) -> {
      if (name.regionMatches(true, 0, META_PREFIX, 0, META_PREFIX.length())) {
        metadata.put(name.substring(META_PREFIX.length()).toLowerCase(Locale.ROOT),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
    });
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
      return s3.status >= 500 || s3.status == 429;
    }
    return failure instanceof ConnectException || failure instanceof io.vertx.core.http.HttpClosedException;
  }

  private static ApiException translate(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof S3Status s3) {
      if (s3.status == 404) {
        return ErrorCode.NOT_FOUND.error();
      }
      log.warn("S3 answered {} {} to a read", s3.status, s3.code);
      return s3.status >= 500 || s3.status == 429 ? ErrorCode.STORAGE_UNAVAILABLE.error()
          : ErrorCode.STORAGE_ERROR.error();
    }
    if (failure instanceof TimeoutException || failure instanceof io.netty.handler.timeout.TimeoutException
        || failure instanceof io.vertx.core.http.StreamResetException && failure.getCause() instanceof TimeoutException) {
      log.warn("S3 read timed out: {}", failure.toString());
      return ErrorCode.STORAGE_TIMEOUT.error();
    }
    log.warn("S3 unreachable for a read: {}", failure.toString());
    return ErrorCode.STORAGE_UNAVAILABLE.error();
  }

  /** A status S3 answered with instead of the object, and its error code. */
  private static final class S3Status extends RuntimeException {
    final int status;
    final String code;

    S3Status(int status, String code) {
      super("S3 answered " + status + " " + code, null, false, false);
      this.status = status;
      this.code = code;
    }
  }
}
