package io.mediaedge.upload;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Up to a number of bytes of an {@link UploadBody}, consumed as they arrive and handed over at
 * once when complete (or at the end of the body): the buffered way to read a body, for parts
 * whose length must be known before they are sent. Runs on the body's context.
 */
final class BodyRun implements Runnable {
  private final UploadBody body;
  private final Promise<List<ByteBuffer>> promise = Promise.promise();
  private final List<ByteBuffer> taken = new ArrayList<>();
  private long missing;

  private BodyRun(UploadBody body, long n) {
    this.body = body;
    this.missing = n;
  }

  static Future<List<ByteBuffer>> take(UploadBody body, long n) {
    BodyRun run = new BodyRun(body, n);
    run.run();
    return run.promise.future();
  }

  @Override
  public void run() {
    while (missing > 0 && body.hasQueued() && body.failure() == null) {
      ByteBuffer chunk = body.next(missing);
      missing -= chunk.remaining();
      taken.add(chunk);
    }
    if (body.failure() != null) {
      promise.fail(body.failure());
    } else if (missing == 0 || body.sourceEnded() && !body.hasQueued()) {
      promise.complete(taken);
    } else {
      body.waitFor(this);
    }
    body.fillWindow();
  }
}
