package io.mediaedge.tus;

import io.mediaedge.buffers.ReceivedChunk;
import io.mediaedge.errors.ErrorCode;
import io.mediaedge.storage.MediaStore.ObjectContent;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;

/** Reads a stored tail (an object below one part) straight into the buffer of the part it starts. */
final class TailReader {
  private TailReader() {}

  /**
   * Copies the object's bytes into {@code part} from its position; completes with the bytes read.
   * The caller's chain waits for it, so nothing else touches the buffer meanwhile; the store's
   * stream delivers on the request's context.
   */
  static Future<Long> readInto(ObjectContent content, ByteBuffer part) {
    Promise<Long> promise = Promise.promise();
    long[] read = {0};
    var body = content.body();
    body.handler(chunk -> {
      read[0] += chunk.length();
      ByteBuf pooled = ReceivedChunk.claim(chunk);
      // A tail longer than the state says fails the caller's size check; it must not overflow the part.
      if (chunk.length() <= part.remaining()) {
        part.put(((BufferInternal) chunk).getByteBuf().nioBuffer());
      }
      if (pooled != null) {
        pooled.release(); // copied into the part: S3's buffer can go back to the pool now
      }
    });
    body.exceptionHandler(failure -> {
      content.abandon().run();
      promise.tryFail(ErrorCode.STORAGE_UNAVAILABLE.error());
    });
    body.endHandler(end -> promise.tryComplete(read[0]));
    body.resume();
    return promise.future();
  }
}
