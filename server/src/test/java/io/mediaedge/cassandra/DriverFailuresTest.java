package io.mediaedge.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import io.mediaedge.errors.ErrorCode;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class DriverFailuresTest {

  @Test
  void theWarningNamesWhatCausedAClosedConnection() {
    ClosedConnectionException closed = new ClosedConnectionException("Unexpected error on channel",
        new IOException("direct memory exhausted"));
    assertEquals("com.datastax.oss.driver.api.core.connection.ClosedConnectionException: Unexpected error on channel"
        + " <- java.io.IOException: direct memory exhausted", DriverFailures.withCauses(closed));
  }

  @Test
  void aDriverFailureInsideACompletionBecomesHistoryUnavailable() {
    CompletionException wrapped = new CompletionException(new ClosedConnectionException("gone"));
    assertEquals(ErrorCode.HISTORY_UNAVAILABLE, DriverFailures.toApi(wrapped).code());
  }
}
