package io.mediaedge.insights.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium (the Debian package) driven over the Chrome DevTools Protocol: the JDK's
 * WebSocket client speaks to the page target; every protocol event is kept, so a test can look for
 * console errors and exceptions after the fact.
 */
final class Chromium implements AutoCloseable {
  static final Path BINARY = Path.of(System.getProperty("e2e.chromium", "/usr/bin/chromium"));
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private WebSocket socket;

  private Chromium(Process process) {
    this.process = process;
  }

  /** Starts the browser with a fresh profile under {@code work} and attaches to its blank page. */
  static Chromium start(Path work, int width, int height) throws Exception {
    if (!Files.isExecutable(BINARY)) {
      throw new AssertionError(BINARY + " is missing: the e2e profile needs Debian's chromium package"
          + " (apt-get install -y chromium)");
    }
    Path profile = work.resolve("chromium-profile");
    Files.createDirectories(profile);
    Files.deleteIfExists(profile.resolve("DevToolsActivePort"));
    Process process = new ProcessBuilder(BINARY.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
        "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", "--user-data-dir=" + profile,
        "--window-size=" + width + "," + height, "--hide-scrollbars", "--no-first-run", "--disable-sync",
        // nothing but the page under test: no component updates, no extensions, no calls home
        "--disable-background-networking", "--disable-component-update", "--disable-extensions",
        "--disable-default-apps", "about:blank")
        .redirectErrorStream(true).redirectOutput(work.resolve("chromium.log").toFile()).start();
    Chromium chromium = new Chromium(process);
    try {
      chromium.attach(profile.resolve("DevToolsActivePort"));
      return chromium;
    } catch (Exception | AssertionError e) {
      chromium.close();
      throw e;
    }
  }

  /** The port Chromium chose is written to its profile; the page target is listed over HTTP there. */
  private void attach(Path portFile) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("chromium did not open its DevTools port (see chromium.log)");
      }
      Thread.sleep(100);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    String pageSocket = null;
    while (pageSocket == null && System.nanoTime() < deadline) {
      JsonArray targets = new JsonArray(http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body());
      for (Object target : targets) {
        JsonObject t = (JsonObject) target;
        if ("page".equals(t.getString("type"))) {
          pageSocket = t.getString("webSocketDebuggerUrl");
        }
      }
      Thread.sleep(pageSocket == null ? 100 : 0);
    }
    if (pageSocket == null) {
      throw new AssertionError("chromium lists no page target");
    }
    socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new Listener())
        .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Calls a protocol method on the page and waits for its result. */
  JsonObject call(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(id, answer);
    socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true)
        .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    JsonObject reply = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (reply.containsKey("error")) {
      throw new AssertionError(method + " failed: " + reply.getJsonObject("error").encode());
    }
    return reply.getJsonObject("result", new JsonObject());
  }

  JsonObject call(String method) throws Exception {
    return call(method, new JsonObject());
  }

  /** Evaluates an expression in the page (promises awaited) and answers its value as JSON. */
  Object evaluate(String expression) throws Exception {
    JsonObject result = call("Runtime.evaluate", new JsonObject().put("expression", expression)
        .put("returnByValue", true).put("awaitPromise", true));
    if (result.containsKey("exceptionDetails")) {
      throw new AssertionError("the page threw evaluating " + expression + ": "
          + result.getJsonObject("exceptionDetails").encode());
    }
    return result.getJsonObject("result").getValue("value");
  }

  /** Saves a PNG of the whole page, beyond the viewport too. */
  void screenshot(Path file) throws Exception {
    JsonObject shot = call("Page.captureScreenshot", new JsonObject().put("format", "png")
        .put("captureBeyondViewport", true));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(shot.getString("data")));
  }

  /** Every protocol event received so far ({@code method} and {@code params}), oldest first. */
  List<JsonObject> events() {
    return List.copyOf(events);
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.abort();
    }
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Messages may arrive in parts (a screenshot is megabytes): they are joined before parsing. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonObject message = new JsonObject(partial.toString());
        partial.setLength(0);
        Integer id = message.getInteger("id");
        if (id != null) {
          CompletableFuture<JsonObject> answer = pending.remove(id);
          if (answer != null) {
            answer.complete(message);
          }
        } else {
          events.add(message);
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      webSocket.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      pending.values().forEach(answer -> answer.completeExceptionally(error));
    }
  }
}
