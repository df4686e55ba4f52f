package io.mediaedge.it;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;

/**
 * A body of known length that sends its first slice at once and the rest only on
 * {@link #release()}: the request is in the server's hands but not finished. Never blocks a
 * client thread (the JDK client pulls bodies on its own selector thread).
 */
final class HeldBackBody implements Flow.Publisher<ByteBuffer> {
  private final SubmissionPublisher<ByteBuffer> slices = new SubmissionPublisher<>();
  private final byte[] bytes;
  private final int sliceSize;
  private boolean released;

  HeldBackBody(byte[] bytes, int sliceSize) {
    this.bytes = bytes;
    this.sliceSize = sliceSize;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    slices.subscribe(subscriber);
    slices.submit(ByteBuffer.wrap(bytes, 0, sliceSize));
  }

  synchronized void release() {
    if (released) {
      return;
    }
    released = true;
    for (int offset = sliceSize; offset < bytes.length; offset += sliceSize) {
      slices.submit(ByteBuffer.wrap(bytes, offset, Math.min(sliceSize, bytes.length - offset)));
    }
    slices.close();
  }
}
