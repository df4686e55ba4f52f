package io.mediaedge.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.devstack.DevTokens;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seeded generator of malformed requests, sent over raw sockets (cleartext and TLS) to every
 * route of the real server, as an attacker would: broken framing and smuggling attempts, bad
 * escapes, versions, Host and header lines, forged tokens, and garbage in every header a route
 * reads. It checks what the server promises for bad input: no 5xx but 501/505, every error our
 * JSON, one answer per request (never a smuggled second), {@code /healthz} up throughout, and no
 * ERROR log line from the HTTP layer caused by input alone.
 *
 * <p>{@code -Dfuzz.seed=N -Dfuzz.cases=N} reproduce or widen a run; a failure names its seed and case.
 */
class MalformedRequestFuzzIT {
  private static final long SEED = Long.getLong("fuzz.seed", 20261205L);
  private static final int CASES = Integer.getInteger("fuzz.cases", 3000);
  private static final int WORKERS = 4;
  /** How long a case waits for more after its answer before taking the connection as done. */
  private static final int QUIET_MILLIS = 250;
  private static final int ANSWER_MILLIS = 10_000;
  /** ERROR lines from these loggers come from handling requests: input must never cause one. */
  private static final Pattern REQUEST_PATH_ERROR = Pattern.compile(
      "\\] ERROR (io\\.mediaedge\\.http|io\\.mediaedge\\.auth|io\\.mediaedge\\.edge|io\\.vertx|io\\.netty)\\S* - ");

  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] [0-9]{3} ");

  private static TestStack stack;
  private static EdgeClient h1;
  private static String token;
  private static String otherKeyToken;

  @BeforeAll
  static void start() {
    stack = TestStack.get();
    h1 = EdgeClient.http11(stack);
    token = stack.token("fuzz-user");
    // a token in the right shape whose signature the server cannot verify: alg none
    otherKeyToken = DevTokens.unsigned(new JsonObject().put("sub", "fuzz-user")
        .put("exp", Instant.now().plusSeconds(3600).getEpochSecond()));
  }

  @Test
  void malformedRequestsGetJsonFourHundredsOneAnswerEachAndTheServerStaysUp() throws Exception {
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    List<String> errorLines = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, Integer> statuses = Collections.synchronizedMap(new LinkedHashMap<>());
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(new LineWatch(stderr, line -> {
      if (REQUEST_PATH_ERROR.matcher(line).find()) {
        errorLines.add(line);
      }
    }), true, StandardCharsets.UTF_8));
    AtomicBoolean running = new AtomicBoolean(true);
    Thread health = new Thread(() -> watchHealth(running, problems), "fuzz-health");
    health.start();
    try {
      ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        int worker = w;
        workers.add(pool.submit(() -> {
          Random random = new Random(SEED * 31 + worker);
          for (int i = worker; i < CASES; i += WORKERS) {
            FuzzCase fuzz = FuzzCase.generate(random, i);
            String problem = run(fuzz, statuses);
            if (problem != null) {
              problems.add("seed " + SEED + " case " + i + " (" + fuzz.label + "): " + problem + "\n    sent: "
                  + printable(fuzz.bytes));
            }
          }
          return null;
        }));
      }
      for (Future<?> worker : workers) {
        worker.get(10, TimeUnit.MINUTES);
      }
      pool.shutdown();
    } finally {
      running.set(false);
      health.join();
      System.setErr(stderr);
    }
    System.out.println("fuzz: " + CASES + " cases, seed " + SEED + ", answers by status " + new java.util.TreeMap<>(
        statuses));
    Map<String, Long> kinds = new java.util.TreeMap<>(problems.stream().collect(java.util.stream.Collectors
        .groupingBy(p -> p.replaceAll("^.*?\\): ", "").replaceAll("[:(].*", "").strip(),
            java.util.stream.Collectors.counting())));
    assertTrue(problems.isEmpty(), problems.size() + " problems " + kinds + ", first ones:\n"
        + String.join("\n", problems.subList(0, Math.min(15, problems.size()))));
    assertTrue(errorLines.isEmpty(), "input caused ERROR log lines:\n"
        + String.join("\n", errorLines.subList(0, Math.min(10, errorLines.size()))));
    assertTrue(statuses.keySet().stream().anyMatch(s -> s >= 400), "the generator produced no refusal at all");
  }

  /** Sends one case and checks what came back; null when all is as promised. */
  private static String run(FuzzCase fuzz, Map<Integer, Integer> statuses) {
    List<Answer> answers = new ArrayList<>();
    try (Socket socket = fuzz.tls ? tls() : new Socket("localhost", stack.server().httpPort())) {
      socket.setSoTimeout(ANSWER_MILLIS);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(fuzz.bytes);
        out.flush();
      } catch (IOException refusedMidway) {
        // the server may answer and close before taking every byte: what it said is still read
      }
      InputStream in = socket.getInputStream();
      Answer first = Answer.read(in, fuzz.head);
      if (first == null) {
        return "no answer (connection closed)";
      }
      answers.add(first);
      if (fuzz.head && "close".equalsIgnoreCase(first.headers.get("connection"))) {
        // A request line the server could not read is answered as a GET would be, body and all,
        // then the connection closes: a client of HEAD takes what is left as nothing.
        socket.setSoTimeout(QUIET_MILLIS * 4);
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        try {
          in.transferTo(rest);
        } catch (SocketTimeoutException lingering) {
          // the server may read on for a while before it closes; what came so far is what counts
        }
        if (STATUS_LINE.matcher(rest.toString(ISO_8859_1)).find()) {
          return "a second answer after the first";
        }
        return check(fuzz, answers, statuses);
      }
      socket.setSoTimeout(QUIET_MILLIS);
      try {
        Answer next = Answer.read(in, fuzz.head);
        if (next != null) {
          answers.add(next);
        }
      } catch (SocketTimeoutException quiet) {
        // kept alive with nothing more to say: one answer
      }
    } catch (SocketTimeoutException e) {
      return answers.isEmpty() ? "no answer within " + ANSWER_MILLIS + " ms" : null;
    } catch (IOException e) {
      if (answers.isEmpty()) {
        return "no answer: " + e;
      }
    } catch (RuntimeException e) {
      return "unreadable answer: " + e;
    }
    return check(fuzz, answers, statuses);
  }

  private static String check(FuzzCase fuzz, List<Answer> answers, Map<Integer, Integer> statuses) {
    Answer answer = answers.get(0);
    statuses.merge(answer.status, 1, Integer::sum);
    if (answers.size() > 1) {
      return "two answers to one request: " + answer.status + " then " + answers.get(1).status;
    }
    if (answer.status >= 500 && answer.status != 501 && answer.status != 505) {
      return "answered " + answer.status + " " + answer.bodyText();
    }
    if (answer.status >= 400) {
      String type = answer.headers.getOrDefault("content-type", "");
      if (!type.startsWith("application/json")) {
        return "error " + answer.status + " is not JSON (" + type + "): " + answer.bodyText();
      }
      if (!fuzz.head) {
        try {
          JsonObject body = new JsonObject(answer.bodyText());
          if (body.getString("error") == null || body.getString("message") == null) {
            return "error " + answer.status + " lacks error/message: " + answer.bodyText();
          }
        } catch (RuntimeException notJson) {
          return "error " + answer.status + " body is not JSON: " + answer.bodyText();
        }
      }
    }
    return null;
  }

  private static void watchHealth(AtomicBoolean running, List<String> problems) {
    while (running.get()) {
      try {
        HttpResponse<byte[]> live = h1.get("/healthz", null);
        if (live.statusCode() != 200) {
          problems.add("/healthz answered " + live.statusCode());
        }
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        problems.add("/healthz failed: " + e);
      }
    }
  }

  private static Socket tls() throws IOException {
    SSLSocket socket = (SSLSocket) EdgeClient.trusting(stack.dev().tls().caCert()).getSocketFactory()
        .createSocket("localhost", stack.server().httpsPort());
    socket.startHandshake();
    return socket;
  }

  static String printable(byte[] bytes) {
    String text = new String(bytes, 0, Math.min(bytes.length, 600), ISO_8859_1);
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      out.append(c == '\r' ? "\\r" : c == '\n' ? "\\n" : c < 0x20 || c > 0x7e ? String.format("\\x%02x", (int) c)
          : String.valueOf(c));
    }
    return bytes.length > 600 ? out + "... (" + bytes.length + " bytes)" : out.toString();
  }

  /** One HTTP/1.x response read off the wire. */
  record Answer(int status, Map<String, String> headers, byte[] body) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The next response, or null at a clean end of stream; 1xx interim answers are skipped. */
    static Answer read(InputStream in, boolean head) throws IOException {
      while (true) {
        String status = line(in);
        if (status == null) {
          return null;
        }
        String[] parts = status.split(" ", 3);
        int code = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
          int colon = header.indexOf(':');
          headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        if (code < 200) {
          continue;
        }
        byte[] body = new byte[0];
        if (!head && code != 204 && code != 304) {
          if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
          } else if (!"chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = in.readAllBytes(); // delimited by the close
          } else {
            body = RawHttp.chunkedBody(in);
          }
        }
        return new Answer(code, headers, body);
      }
    }

    private static String line(InputStream in) throws IOException {
      return RawHttp.line(in);
    }
  }

  /** Passes stderr through and hands each whole line to a watcher. */
  static final class LineWatch extends OutputStream {
    private final PrintStream target;
    private final java.util.function.Consumer<String> watcher;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineWatch(PrintStream target, java.util.function.Consumer<String> watcher) {
      this.target = target;
      this.watcher = watcher;
    }

    @Override
    public synchronized void write(int b) {
      target.write(b);
      if (b == '\n') {
        watcher.accept(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else if (line.size() < 8192) {
        line.write(b);
      }
    }

    @Override
    public void flush() {
      target.flush();
    }
  }

  /** One generated request: its bytes, over which listener, and whether its answer has no body. */
  static final class FuzzCase {
    private static final String[][] ROUTES = {
        {"GET", "/healthz"}, {"HEAD", "/healthz"}, {"GET", "/readyz"}, {"GET", "/metrics"},
        {"GET", "/.well-known/media-edge/pins"}, {"POST", "/v1/media"}, {"GET", "/v1/media"},
        {"GET", "/v1/media/01abcdefghij"}, {"HEAD", "/v1/media/01abcdefghij"}, {"DELETE", "/v1/media/01abcdefghij"},
        {"GET", "/v1/media/01abcdefghij/history"}, {"GET", "/v1/edge"}, {"OPTIONS", "/v1/uploads"},
        {"POST", "/v1/uploads"}, {"HEAD", "/v1/uploads/01abcdefghij"}, {"PATCH", "/v1/uploads/01abcdefghij"},
        {"DELETE", "/v1/uploads/01abcdefghij"}, {"POST", "/v1/uploads/01abcdefghij"}, {"GET", "/nowhere"},
        {"PUT", "/v1/media"}, {"BREW", "/healthz"}, {"TRACE", "/v1/edge"}, {"CONNECT", "/v1/media"}};
    private static final String[] BAD_TARGETS = {"%", "%Z", "%zz", "%E0%A4%A", "%00", "%%", "%u0041"};
    private static final String[] VERSIONS = {"HTTP/1.2", "HTTP/2.0", "HTTP/3", "HTTX/1.1", "HTTP/1.1 extra",
        "HTTP/01.1", "http/1.1", ""};
    private static final String[] FRAMINGS = {
        "Content-Length: 5\r\nTransfer-Encoding: chunked", "Transfer-Encoding: chunked, identity",
        "Transfer-Encoding: identity, chunked", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
        "Transfer-Encoding:\r\n chunked", "Transfer-Encoding: Chunked\r\nContent-Length: 3",
        "Transfer-Encoding:  chunked \t\r\nContent-Length: 3", "Transfer-Encoding: chunk", "Transfer-Encoding: gzip",
        "Transfer-Encoding: \u000bchunked", "Content-Length: 3\r\nContent-Length: 4", "Content-Length: -1",
        "Content-Length: 0x10", "Content-Length: 99999999999999999999", "Content-Length: 1 2", "Content-Length:",
        "Transfer-Encoding: chunked;ext=1", "X-Pad: a\r\n b\r\nTransfer-Encoding: chunked"};
    private static final String[] MALFORMED_CHUNKS = {"zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX\r\n0\r\n\r\n",
        "-5\r\nhello\r\n0\r\n\r\n", "5 ;\u0000\r\nhello\r\n0\r\n\r\n", "fffffffffffffff\r\n", "5\nhello\n0\n\n",
        "0\r\nX-Trailer: " + "t".repeat(20_000) + "\r\n\r\n", "3;" + "x".repeat(6_000) + "\r\nabc\r\n0\r\n\r\n"};
    private static final String[] HOSTS = {"", "a/b", "u@h", "h h", "[::1", "localhost:99999999", "\u00e9.example"};
    private static final String[][] GARBAGE_HEADERS = {
        {"Range", "bytes=5-1"}, {"Range", "bytes=abc"}, {"Range", "bytes=" + "0-0,".repeat(300) + "0-0"},
        {"Range", "items=0-1"}, {"Range", "bytes=-0"}, {"If-None-Match", "\"unterminated"},
        {"If-Modified-Since", "yesterday"}, {"If-Range", "W/\"x\""}, {"Content-Digest", "sha-256=:%%%:"},
        {"Content-Digest", "sha-256=:" + "A".repeat(4000) + ":"}, {"Content-Type", "image/jpeg; charset=\u0001"},
        {"Content-Type", "/"}, {"Upload-Offset", "-1"}, {"Upload-Offset", "1e9"}, {"Upload-Length", "-5"},
        {"Upload-Length", "99999999999999999999"}, {"Upload-Defer-Length", "2"},
        {"Upload-Metadata", "filename !!!notbase64"}, {"Upload-Metadata", "a " + "QQ==,a QQ==".repeat(200)},
        {"Upload-Checksum", "sha256"}, {"Upload-Checksum", "crc32 AAAA"}, {"Tus-Resumable", "0.2.2"},
        {"X-HTTP-Method-Override", "DELETE, PATCH"}, {"X-HTTP-Method-Override", ""},
        {"X-HTTP-Method-Override", "GET"}, {"Expect", "100-continue, something"}, {"Expect", "200-ok"},
        {"X-Forwarded-For", "not-an-ip, 999.1.1.1"}, {"CF-Connecting-IP", "::ffff:zz"},
        {"CF-IPCountry", "\u00ff\u00ff"}, {"Origin", "null"}, {"Accept", "*/*;q=foo"},
        {"Authorization", "Bearer"}, {"Authorization", "Basic Zm9vOmJhcg=="}, {"Authorization", "Bearer a.b.c"},
        {"Cookie", "x".repeat(20_000)}};

    final String label;
    final byte[] bytes;
    final boolean tls;
    final boolean head;

    private FuzzCase(String label, byte[] bytes, boolean tls, boolean head) {
      this.label = label;
      this.bytes = bytes;
      this.tls = tls;
      this.head = head;
    }

    static FuzzCase generate(Random random, int index) {
      String[] route = ROUTES[random.nextInt(ROUTES.length)];
      String method = route[0];
      String target = route[1];
      String version = "HTTP/1.1";
      List<String> headers = new ArrayList<>();
      String host = "Host: localhost";
      String auth = switch (random.nextInt(4)) {
        case 0 -> null;
        case 1 -> "Authorization: Bearer " + token;
        case 2 -> "Authorization: Bearer " + otherKeyToken;
        default -> "Authorization: Bearer " + token.substring(0, token.length() - 4) + "AAAA";
      };
      byte[] body = new byte[0];
      String framing = null;
      List<String> labels = new ArrayList<>();
      int mutations = 1 + random.nextInt(3);
      for (int m = 0; m < mutations; m++) {
        switch (random.nextInt(9)) {
          case 0 -> {
            target = target + (random.nextBoolean() ? "/" : "?cursor=") + BAD_TARGETS[random.nextInt(BAD_TARGETS.length)];
            labels.add("bad escape");
          }
          case 1 -> {
            version = VERSIONS[random.nextInt(VERSIONS.length)];
            labels.add("version " + version);
          }
          case 2 -> {
            framing = FRAMINGS[random.nextInt(FRAMINGS.length)];
            labels.add("framing");
          }
          case 3 -> {
            String[] pick = GARBAGE_HEADERS[random.nextInt(GARBAGE_HEADERS.length)];
            headers.add(pick[0] + ": " + pick[1]);
            labels.add("garbage " + pick[0]);
          }
          case 4 -> {
            host = switch (random.nextInt(3)) {
              case 0 -> null;
              case 1 -> "Host: localhost\r\nHost: other.example";
              default -> "Host: " + HOSTS[random.nextInt(HOSTS.length)];
            };
            labels.add("host");
          }
          case 5 -> {
            framing = "Transfer-Encoding: chunked";
            body = MALFORMED_CHUNKS[random.nextInt(MALFORMED_CHUNKS.length)].getBytes(ISO_8859_1);
            labels.add("malformed chunks");
          }
          case 6 -> {
            headers.add(switch (random.nextInt(6)) {
              case 0 -> "Bad Name: x";
              case 1 -> "NoColonHere";
              case 2 -> "X-Nul: a\u0000b";
              case 3 -> "X-Huge: " + "h".repeat(20_000);
              case 4 -> ": empty-name";
              default -> "X-Ctl: \u0007\u001b";
            });
            labels.add("bad header line");
          }
          case 7 -> {
            target = switch (random.nextInt(6)) {
              case 0 -> "/" + "a".repeat(5_000);
              case 1 -> "http://evil.example" + target;
              case 2 -> "*";
              case 3 -> target.substring(1);
              case 4 -> "/v1/../" + target;
              default -> target + "?" + "q=1&".repeat(2_000);
            };
            labels.add("odd target");
          }
          default -> {
            body = randomBody(random);
            framing = "Content-Length: " + body.length;
            headers.add("Content-Type: " + (random.nextBoolean() ? "image/jpeg" : "video/mp4"));
            labels.add("random body");
          }
        }
      }
      StringBuilder text = new StringBuilder(method).append(' ').append(target);
      if (!version.isEmpty()) {
        text.append(' ').append(version);
      }
      text.append("\r\n");
      if (host != null) {
        text.append(host).append("\r\n");
      }
      if (auth != null) {
        text.append(auth).append("\r\n");
      }
      for (String header : headers) {
        text.append(header).append("\r\n");
      }
      if (framing != null) {
        text.append(framing).append("\r\n");
      }
      text.append("\r\n");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(text.toString().getBytes(ISO_8859_1));
      out.writeBytes(body);
      if (framing != null && List.of(FRAMINGS).contains(framing)) {
        // what a front proxy reading the other framing would take as the next request
        out.writeBytes("0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(US_ASCII));
      }
      return new FuzzCase(String.join(", ", labels) + " on " + method + " " + route[1], out.toByteArray(),
          index % 5 == 0, "HEAD".equals(method));
    }

    private static byte[] randomBody(Random random) {
      byte[] body = new byte[random.nextInt(2_000)];
      random.nextBytes(body);
      if (body.length > 3 && random.nextBoolean()) {
        body[0] = (byte) 0xFF; // a JPEG's start, so some bodies pass the first signature byte
        body[1] = (byte) 0xD8;
        body[2] = (byte) 0xFF;
      }
      return body;
    }
  }
}
