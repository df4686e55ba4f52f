package io.mediaedge.tus;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Off-heap buffers that hold one resumable upload's part while it fills. A part lives for seconds
 * to minutes: on the heap it would survive young collections and churn the old generation, so it
 * lives outside the heap, and a few freed buffers are kept for the next PATCH (allocating direct
 * memory is slow and is only given back by a GC). How many are in use at once is bounded by the
 * memory budget each PATCH leases first.
 */
final class PartBuffers {
  private final int keepIdle;
  private final ConcurrentLinkedDeque<ByteBuffer> idle = new ConcurrentLinkedDeque<>();

  PartBuffers(int keepIdle) {
    this.keepIdle = keepIdle;
  }

  /** A cleared buffer of at least {@code capacity} bytes, its limit set to {@code capacity}. */
  ByteBuffer acquire(int capacity) {
    ByteBuffer buffer;
    while ((buffer = idle.pollFirst()) != null) {
      if (buffer.capacity() >= capacity) {
        buffer.clear().limit(capacity);
        return buffer;
      }
    }
    return ByteBuffer.allocateDirect(capacity);
  }

  void release(ByteBuffer buffer) {
    if (idle.size() < keepIdle) {
      idle.addFirst(buffer);
    }
  }
}
