package io.mediaedge.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.it.UploadFailuresIT.Leftovers;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an attacker's hand-made requests get, over real sockets (cleartext and TLS) against the real
 * server: request smuggling refused with one JSON answer and a closed connection, malformed
 * targets, headers, versions and chunked bodies answered with our JSON 4xx instead of 500, a plain
 * text page or silence, and each refusal counted in {@code /metrics}.
 */
class HostileInputIT {
  private static final Duration PATIENCE = Duration.ofSeconds(5);
  private static TestStack stack;
  private static EdgeClient h1;

  @BeforeAll
  static void start() {
    stack = TestStack.get();
    h1 = EdgeClient.http11(stack);
  }

  // ---- request smuggling: framing a proxy and this server could read differently ----

  /** A request head with {@code framing} lines, then a last-chunk and a second request as its "body". */
  static List<Arguments> smugglingAttempts() {
    List<Arguments> attempts = new ArrayList<>();
    String[][] cases = {
        {"Content-Length next to chunked", "Content-Length: 47\r\nTransfer-Encoding: chunked", "400", "BAD_FRAMING"},
        {"chunked, identity", "Transfer-Encoding: chunked, identity", "400", "BAD_FRAMING"},
        {"identity, chunked", "Transfer-Encoding: identity, chunked", "501", "UNSUPPORTED_TRANSFER_CODING"},
        {"gzip, chunked", "Transfer-Encoding: gzip, chunked", "501", "UNSUPPORTED_TRANSFER_CODING"},
        {"two Transfer-Encoding headers", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", "400",
            "BAD_FRAMING"},
        {"chunked twice in one header", "Transfer-Encoding: chunked, chunked", "400", "BAD_FRAMING"},
        {"obs-folded Transfer-Encoding", "Transfer-Encoding:\r\n chunked", "400", "BAD_FRAMING"},
        {"obs-fold on another header", "X-Note: a\r\n\tb\r\nTransfer-Encoding: chunked", "400", "BAD_FRAMING"},
        {"Chunked next to Content-Length", "Content-Length: 47\r\nTransfer-Encoding: Chunked", "400", "BAD_FRAMING"},
        {"CHUNKED next to Content-Length", "Transfer-Encoding: CHUNKED\r\nContent-Length: 47", "400", "BAD_FRAMING"},
        {"padded chunked next to Content-Length", "Transfer-Encoding:  chunked \t\r\nContent-Length: 47", "400",
            "BAD_FRAMING"},
        {"chunk next to Content-Length", "Transfer-Encoding: chunk\r\nContent-Length: 47", "400", "BAD_FRAMING"},
        {"a coding that is not chunked", "Transfer-Encoding: gzip", "400", "BAD_FRAMING"},
        {"chunked with a parameter", "Transfer-Encoding: chunked;q=1", "400", "BAD_FRAMING"},
        {"empty Transfer-Encoding", "Transfer-Encoding: ", "400", "BAD_FRAMING"},
    };
    for (Transport transport : Transport.values()) {
      for (String[] c : cases) {
        attempts.add(Arguments.of(c[0], transport, c[1], Integer.parseInt(c[2]), c[3]));
      }
    }
    return attempts;
  }

  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("smugglingAttempts")
  void smugglingAttemptGetsOneJsonAnswerAndTheConnectionCloses(String why, Transport transport, String framing,
      int status, String code) throws IOException {
    try (RawHttp conn = transport.open(stack.server())) {
      conn.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n" + framing + "\r\n\r\n"
          + "0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
      RawResponse first = conn.response(PATIENCE);
      assertEquals(status, first.status(), () -> why + ": " + first.text());
      assertEquals(code, first.json().getString("error"), why);
      assertTrue(conn.closedWithin(PATIENCE), why + ": a second answer came, or the connection stayed open");
    }
  }

  /**
   * The same over HTTP/1.0, and with whitespace before the first header line (Netty refuses that
   * line's name itself, so the code is the general one).
   */
  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "POST /healthz HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n | BAD_FRAMING",
      "GET /healthz HTTP/1.1\\r\\n Host: localhost\\r\\nHost: localhost\\r\\n\\r\\n | BAD_REQUEST"})
  void framingOutsideTheRulesIsRefused(String request, String code) throws IOException {
    try (RawHttp conn = RawHttp.plain(stack.server().httpPort())) {
      conn.send(request.replace("\\r\\n", "\r\n") + "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
      RawResponse first = conn.response(PATIENCE);
      assertEquals(400, first.status(), first::text);
      assertEquals(code, first.json().getString("error"));
      assertTrue(conn.closedWithin(PATIENCE), "one answer, then the connection closes");
    }
  }

  @Test
  void chunkedInAnyCaseAloneStillUploads() throws IOException {
    String user = UploadFailuresIT.freshUser();
    byte[] jpeg = MediaSamples.jpeg(5000);
    try (RawHttp conn = RawHttp.tls(stack.server().httpsPort())) {
      conn.send(UploadFailuresIT.head(user, "image/jpeg", "Transfer-Encoding: CHUNKED"));
      conn.sendChunk(jpeg, 0, 3000).sendChunk(jpeg, 3000, 2000).send("0\r\n\r\n");
      RawResponse created = conn.response(PATIENCE);
      assertEquals(201, created.status(), created::text);
      assertEquals(5000, created.json().getLong("size"));
      // and the connection is still good for another request
      conn.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertEquals(200, conn.response(PATIENCE).status());
    }
  }

  // ---- malformed chunked bodies: answered, not just dropped ----

  static List<Arguments> malformedChunks() {
    String hugeTrailer = "X-Trailer: " + "t".repeat(64 * 1024) + "\r\n";
    return List.of(
        Arguments.of("a chunk size that is not hex", "zz\r\nhello\r\n", 400, "BAD_FRAMING"),
        Arguments.of("a chunk size line too long", "5;" + "e".repeat(64 * 1024) + "\r\nhello\r\n", 400, "BAD_FRAMING"),
        Arguments.of("a chunk without its CRLF", "5\r\nhelloXX\r\n", 400, "BAD_FRAMING"),
        Arguments.of("a chunk size past 2^31", "fffffffffff\r\n", 400, "BAD_FRAMING"),
        Arguments.of("a trailer section too large", "0\r\n" + hugeTrailer + "\r\n", 431, "HEADERS_TOO_LARGE"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedChunks")
  void malformedChunkedBodyGetsAJsonAnswerAndLeavesNothing(String why, String badPart, int status, String code)
      throws Exception {
    String user = UploadFailuresIT.freshUser();
    byte[] jpeg = MediaSamples.jpeg(4096);
    try (RawHttp conn = RawHttp.tls(stack.server().httpsPort())) {
      conn.send(UploadFailuresIT.head(user, "image/jpeg", "Transfer-Encoding: chunked"));
      conn.sendChunk(jpeg, 0, jpeg.length);
      conn.trySend(badPart.getBytes(US_ASCII), 0, badPart.length());
      RawResponse answer = conn.response(PATIENCE);
      assertEquals(status, answer.status(), () -> why + ": " + answer.text());
      assertEquals(code, answer.json().getString("error"), why);
      assertEquals("close", answer.headers().get("connection"));
      assertTrue(answer.headers().get("x-request-id").matches(FRESH_ID), why + ": " + answer.headers());
      assertTrue(conn.closedWithin(PATIENCE), why + ": the connection is closed after the answer");
    }
    Leftovers.awaitNone(user, stack.server());
  }

  // ---- request targets and headers that used to give 500 or plain text ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/v1/media?cursor=%ZZ", "/v1/media?limit=%ZZ", "/v1/media?limit=10&cursor=%4",
      "/v1/media/%zz", "/v1/media/%zz/history", "/v1/uploads/%E0%A4%A"})
  void malformedPercentEscapeIs400Json(String target) throws IOException {
    for (String token : new String[] {stack.token(UploadFailuresIT.freshUser()), null}) {
      RawResponse answer = get(target, token);
      assertEquals(400, answer.status(), answer::text);
      assertEquals("INVALID_ESCAPE", answer.json().getString("error"));
    }
  }

  /** A GET as written (java.net.URI would refuse a malformed escape before sending it). */
  static RawResponse get(String target, String token) throws IOException {
    try (RawHttp conn = RawHttp.plain(stack.server().httpPort())) {
      conn.send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n"
          + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n");
      return conn.response(PATIENCE);
    }
  }

  @ParameterizedTest(name = "override ''{0}''")
  @ValueSource(strings = {"DELETE, PATCH", "", "GET", "POST", "PATCH PATCH", "P\u00c1TCH"})
  void methodOverrideThatIsNotOneMethodIs400(String override) throws IOException {
    try (RawHttp conn = RawHttp.plain(stack.server().httpPort())) {
      conn.send("POST /v1/uploads/01abc HTTP/1.1\r\nHost: localhost\r\nTus-Resumable: 1.0.0\r\n"
          + "Authorization: Bearer " + stack.token(UploadFailuresIT.freshUser()) + "\r\n"
          + "X-HTTP-Method-Override: " + override + "\r\nContent-Length: 0\r\n\r\n");
      RawResponse answer = conn.response(PATIENCE);
      assertEquals(400, answer.status(), answer::text);
      assertEquals("BAD_REQUEST", answer.json().getString("error"));
    }
  }

  @Test
  void twoMethodOverridesAre400() throws IOException {
    try (RawHttp conn = RawHttp.plain(stack.server().httpPort())) {
      conn.send("POST /v1/uploads/01abc HTTP/1.1\r\nHost: localhost\r\nTus-Resumable: 1.0.0\r\n"
          + "X-HTTP-Method-Override: PATCH\r\nX-HTTP-Method-Override: DELETE\r\nContent-Length: 0\r\n\r\n");
      RawResponse answer = conn.response(PATIENCE);
      assertEquals(400, answer.status(), answer::text);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"PATCH", "DELETE", "HEAD", "patch"})
  void methodOverrideNeverSkipsTheTokenCheck(String override) throws IOException {
    try (RawHttp conn = RawHttp.plain(stack.server().httpPort())) {
      conn.send("POST /v1/uploads/01abc HTTP/1.1\r\nHost: localhost\r\nTus-Resumable: 1.0.0\r\n"
          + "Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
          + "X-HTTP-Method-Override: " + override + "\r\nContent-Length: 0\r\n\r\n");
      RawResponse answer = conn.response(PATIENCE);
      assertEquals(401, answer.status(), answer::text);
      assertEquals("UNAUTHORIZED", answer.json().getString("error"));
    }
  }

  static List<Arguments> badHosts() {
    return List.of(
        Arguments.of("no Host in HTTP/1.1", "GET /healthz HTTP/1.1\r\n\r\n"),
        Arguments.of("two Host headers", "GET /healthz HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n"),
        Arguments.of("an empty Host", "GET /healthz HTTP/1.1\r\nHost: \r\n\r\n"),
        Arguments.of("a Host with a path", "GET /healthz HTTP/1.1\r\nHost: a/b\r\n\r\n"),
        Arguments.of("a Host with a user", "GET /v1/edge HTTP/1.1\r\nHost: user@localhost\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badHosts")
  void invalidHostIs400(String why, String request) throws IOException {
    for (Transport transport : Transport.values()) {
      try (RawHttp conn = transport.open(stack.server())) {
        conn.send(request);
        RawResponse answer = conn.response(PATIENCE);
        assertEquals(400, answer.status(), () -> why + ": " + answer.text());
        assertEquals("INVALID_HOST", answer.json().getString("error"), why);
        assertTrue(conn.closedWithin(PATIENCE), why);
      }
    }
  }

  @Test
  void http10WithoutHostIsServed() throws IOException {
    try (RawHttp conn = RawHttp.plain(stack.server().httpPort())) {
      conn.send("GET /healthz HTTP/1.0\r\n\r\n");
      assertEquals(200, conn.response(PATIENCE).status());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"HTTP/1.2", "HTTP/2.0", "HTTP/3.0", "HTTP/0.9", "HTTP/9.9"})
  void unsupportedHttpVersionIs505Json(String version) throws IOException {
    for (Transport transport : Transport.values()) {
      try (RawHttp conn = transport.open(stack.server())) {
        conn.send("GET /healthz " + version + "\r\nHost: localhost\r\n\r\n");
        RawResponse answer = conn.response(PATIENCE);
        assertEquals(505, answer.status(), answer::text);
        assertEquals("HTTP_VERSION_NOT_SUPPORTED", answer.json().getString("error"));
        assertTrue(conn.closedWithin(PATIENCE));
      }
    }
  }

  @Test
  void plainListenerDoesNotSpeakH2cPriorKnowledge() throws IOException {
    try (RawHttp conn = RawHttp.plain(stack.server().httpPort())) {
      conn.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
      RawResponse answer = conn.response(PATIENCE);
      assertEquals(505, answer.status(), answer::text);
      assertTrue(conn.closedWithin(PATIENCE));
    }
  }

  // ---- request ids: on every response, the client's kept when sane ----

  private static final String FRESH_ID = "[0-9a-f]{32}";

  @Test
  void everyResponseCarriesARequestIdAndASaneClientIdIsKept() {
    HttpResponse<byte[]> made = h1.get("/healthz", null);
    assertEquals(200, made.statusCode());
    assertTrue(made.headers().firstValue("X-Request-Id").orElse("").matches(FRESH_ID), made.headers()::toString);

    HttpResponse<byte[]> kept = h1.send(h1.request("/healthz", null).header("X-Request-Id", "app-7f3a:retry-2").build());
    assertEquals(200, kept.statusCode());
    assertEquals("app-7f3a:retry-2", kept.headers().firstValue("X-Request-Id").orElse(null));

    HttpResponse<byte[]> refused = h1.send(h1.request("/v1/edge", "not.a.token")
        .header("X-Request-Id", "app-7f3a:retry-3")
        .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").build());
    UploadFailuresIT.assertError(401, "UNAUTHORIZED", refused);
    assertEquals("app-7f3a:retry-3", refused.headers().firstValue("X-Request-Id").orElse(null));

    HttpResponse<byte[]> noRoute = h1.get("/v1/no-such-thing", stack.token());
    assertEquals(404, noRoute.statusCode());
    assertTrue(noRoute.headers().firstValue("X-Request-Id").orElse("").matches(FRESH_ID));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"<script>alert(1)</script>", "two words", "quote\"d", "new%0d%0aline: injected",
      "{\"json\":true}", "ends-with-tab\t.", "\u00e9t\u00e9"})
  void hostileRequestIdIsReplaced(String hostile) throws IOException {
    try (RawHttp conn = RawHttp.plain(stack.server().httpPort())) {
      conn.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: " + hostile + "\r\n\r\n");
      RawResponse answer = conn.response(PATIENCE);
      assertEquals(200, answer.status(), answer::text);
      assertTrue(answer.headers().get("x-request-id").matches(FRESH_ID), answer.headers()::toString);
    }
  }

  @Test
  void overlongOrRepeatedRequestIdIsReplaced() throws IOException {
    try (RawHttp conn = RawHttp.plain(stack.server().httpPort())) {
      conn.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: " + "a".repeat(129) + "\r\n\r\n"
          + "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: one\r\nX-Request-Id: two\r\n\r\n");
      for (int i = 0; i < 2; i++) {
        RawResponse answer = conn.response(PATIENCE);
        assertEquals(200, answer.status(), answer::text);
        assertTrue(answer.headers().get("x-request-id").matches(FRESH_ID), answer.headers()::toString);
      }
    }
  }

  @Test
  void requestTheCodecRefusesStillGetsARequestId() throws IOException {
    try (RawHttp conn = RawHttp.plain(stack.server().httpPort())) {
      conn.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: smuggler-1\r\nContent-Length: 5\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n");
      RawResponse answer = conn.response(PATIENCE);
      assertEquals(400, answer.status(), answer::text);
      assertEquals("smuggler-1", answer.headers().get("x-request-id"), answer.headers()::toString);
    }
  }

  // ---- refusals are counted by kind ----

  @Test
  void refusalsAreCountedByCodeInMetrics() throws IOException {
    double framingBefore = errorCount("BAD_FRAMING");
    double escapeBefore = errorCount("INVALID_ESCAPE");
    double tokenBefore = errorCount("UNAUTHORIZED");
    double forgedBefore = counter("media_edge_token_refusals_total\\{reason=\"invalid\"}");
    try (RawHttp conn = RawHttp.plain(stack.server().httpPort())) {
      conn.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n");
      assertEquals(400, conn.response(PATIENCE).status());
    }
    assertEquals(400, get("/v1/media/%zz", null).status());
    UploadFailuresIT.assertError(401, "UNAUTHORIZED", h1.get("/v1/edge", "not.a.token"));
    assertTrue(errorCount("BAD_FRAMING") >= framingBefore + 1, "BAD_FRAMING counted");
    assertTrue(errorCount("INVALID_ESCAPE") >= escapeBefore + 1, "INVALID_ESCAPE counted");
    assertTrue(errorCount("UNAUTHORIZED") >= tokenBefore + 1, "UNAUTHORIZED counted");
    assertTrue(counter("media_edge_token_refusals_total\\{reason=\"invalid\"}") >= forgedBefore + 1,
        "a forged token counted as invalid");
  }

  /** The server's {@code media_edge_error_responses_total} for one code, from a real scrape. */
  static double errorCount(String code) {
    return counter("media_edge_error_responses_total\\{code=\"" + code + "\",status=\"\\d+\"}");
  }

  /** The value of the series whose name and labels match {@code series} (a regex), from a real scrape. */
  static double counter(String series) {
    HttpResponse<byte[]> scrape = h1.get("/metrics", null);
    assertEquals(200, scrape.statusCode());
    Matcher line = Pattern.compile("(?m)^" + series + " ([0-9.Ee+-]+)$").matcher(new String(scrape.body(), US_ASCII));
    assertTrue(line.find(), "no series " + series);
    return Double.parseDouble(line.group(1));
  }
}
