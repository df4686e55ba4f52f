package io.mediaedge.storage;

import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The one table from S3's failures to catalog errors, for the SDK's control calls and for the
 * presigned requests our own HTTP client sends alike: 404 is NOT_FOUND, 5xx and 429 are
 * STORAGE_UNAVAILABLE (and worth another try), other answers STORAGE_ERROR, timeouts
 * STORAGE_TIMEOUT, an unreachable S3 STORAGE_UNAVAILABLE. A catalog error raised on our side (a
 * client's mistake found while streaming) wins over what S3 made of it.
 */
final class S3Errors {
  private static final Logger log = LoggerFactory.getLogger(S3Errors.class);

  private S3Errors() {}

  /** A status S3 answered a presigned request with instead of what was asked, and its error code. */
  static final class S3Status extends RuntimeException {
    final int status;
    final String code;

    S3Status(int status, String code) {
      super("S3 answered " + status + " " + code, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  /** Whether S3 answered with a status another attempt may get past. */
  static boolean retryable(int status) {
    return status >= 500 || status == 429;
  }

  static ApiException translate(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ApiException api) {
        return api;
      }
    }
    Throwable root = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (root instanceof NoSuchKeyException || root instanceof NoSuchUploadException) {
      return ErrorCode.NOT_FOUND.error();
    }
    if (root instanceof S3Exception s3) {
      return forStatus(s3.statusCode(), s3.awsErrorDetails() == null ? s3.getMessage()
          : s3.awsErrorDetails().errorCode());
    }
    if (root instanceof S3Status s3) {
      return forStatus(s3.status, s3.code);
    }
    if (root instanceof ApiCallTimeoutException || root instanceof ApiCallAttemptTimeoutException
        || hasCause(root, TimeoutException.class) || hasCause(root, io.netty.handler.timeout.TimeoutException.class)) {
      log.warn("S3 call timed out: {}", root.toString());
      return ErrorCode.STORAGE_TIMEOUT.error();
    }
    if (root instanceof SdkClientException || hasCause(root, ConnectException.class)
        || root instanceof io.vertx.core.http.HttpClosedException || root instanceof java.io.IOException
        || root instanceof io.vertx.core.VertxException) {
      log.warn("S3 unreachable: {}", root.toString());
      return ErrorCode.STORAGE_UNAVAILABLE.error();
    }
    log.error("Unexpected storage failure", root);
    return ErrorCode.INTERNAL_ERROR.error();
  }

  private static ApiException forStatus(int status, String code) {
    if (status == 404) {
      return ErrorCode.NOT_FOUND.error();
    }
    log.warn("S3 answered {} {}", status, code);
    return retryable(status) ? ErrorCode.STORAGE_UNAVAILABLE.error() : ErrorCode.STORAGE_ERROR.error();
  }

  private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
