package io.mediaedge.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.media.MediaApi;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The body writer gathers the store's small pieces into writes of at least
 * {@link ObjectBodyWriter#MIN_WRITE} (larger pieces go as they are, the rest with the end), and the
 * client gets every byte in order over a real connection.
 */
class ObjectBodyWriterTest {
  private static Vertx vertx;
  private static HttpClientAgent client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void smallPiecesAreGatheredAndEveryByteArrives() throws Exception {
    List<Integer> sizes = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 300; i++) {
      sizes.add(1 + random.nextInt(9_000));
    }
    sizes.add(200_000); // a large piece while a gathering is under way
    sizes.add(100_000); // a large piece on its own
    sizes.add(5); // a short tail, sent with the end
    assertServed(sizes);
  }

  @Test
  void aBodyShorterThanOneGatheringIsSentWithTheEnd() throws Exception {
    assertServed(List.of(10, 20, 30));
  }

  private static void assertServed(List<Integer> sizes) throws Exception {
    byte[] expected = new byte[sizes.stream().mapToInt(Integer::intValue).sum()];
    new Random(11).nextBytes(expected);
    List<Buffer> pieces = new ArrayList<>();
    int offset = 0;
    for (int size : sizes) {
      pieces.add(Buffer.buffer().appendBytes(expected, offset, size));
      offset += size;
    }
    // What the writer hands to the response, piece by piece, as Gathering decides it.
    List<Integer> writes = new ArrayList<>();
    ObjectBodyWriter.Gathering gathering = new ObjectBodyWriter.Gathering();
    for (Buffer piece : pieces) {
      Buffer out = gathering.add(piece);
      if (out != null) {
        writes.add(out.length());
      }
    }
    Buffer rest = gathering.rest();
    if (rest != null) {
      writes.add(rest.length());
    }
    HttpServer server = vertx.createHttpServer().requestHandler(request -> {
      var response = request.response().putHeader("Content-Length", String.valueOf(expected.length));
      ObjectBodyWriter.write(new MediaApi.Bytes("k", expected.length, new Pieces(pieces), () -> { }), response);
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    try {
      Buffer body = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
          .compose(request -> request.send().compose(response -> response.body()))
          .await(10, TimeUnit.SECONDS);
      assertArrayEquals(expected, body.getBytes());
      for (int i = 0; i < writes.size() - 1; i++) {
        assertTrue(writes.get(i) >= ObjectBodyWriter.MIN_WRITE, "write " + i + " of " + writes);
      }
      assertEquals(expected.length, writes.stream().mapToInt(Integer::intValue).sum());
    } finally {
      server.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** A store body that hands over the given pieces on the event loop, honouring pause. */
  private static final class Pieces implements ReadStream<Buffer> {
    private final List<Buffer> pieces;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private boolean paused = true;
    private int next;

    Pieces(List<Buffer> pieces) {
      this.pieces = pieces;
    }

    private void pump() {
      while (!paused && next < pieces.size()) {
        handler.handle(pieces.get(next++));
      }
      if (!paused && next == pieces.size()) {
        next++;
        endHandler.handle(null);
      }
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
      this.handler = handler;
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      paused = true;
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      paused = false;
      vertx.runOnContext(v -> pump());
      return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      return resume();
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
      this.endHandler = endHandler;
      return this;
    }
  }
}
