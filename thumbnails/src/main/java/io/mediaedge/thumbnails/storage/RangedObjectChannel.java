package io.mediaedge.thumbnails.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An S3 object as a read-only seekable channel: reads come from blocks fetched with ranged GETs
 * and kept in a small LRU, so a video demuxer that jumps from the header to the index at the end
 * and back to one keyframe reads a few blocks, not the object.
 */
final class RangedObjectChannel implements SeekableByteChannel {
  /** Fetches bytes {@code first} to {@code last} (inclusive) of the object. */
  interface RangeReader {
    byte[] read(long first, long last) throws IOException;
  }

  static final int BLOCK = 512 << 10;
  static final int BLOCKS_KEPT = 8;

  private final RangeReader reader;
  private final long size;
  private final Map<Long, byte[]> blocks = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
      return size() > BLOCKS_KEPT;
    }
  };
  private long position;
  private boolean open = true;
  private long fetched;

  RangedObjectChannel(RangeReader reader, long size) {
    this.reader = reader;
    this.size = size;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
    if (position >= size) {
      return -1;
    }
    int total = 0;
    while (dst.hasRemaining() && position < size) {
      long index = position / BLOCK;
      byte[] block = blocks.get(index);
      if (block == null) {
        long first = index * BLOCK;
        block = reader.read(first, Math.min(size, first + BLOCK) - 1);
        fetched += block.length;
        blocks.put(index, block);
      }
      int offset = (int) (position - index * BLOCK);
      int n = Math.min(dst.remaining(), block.length - offset);
      if (n <= 0) {
        throw new IOException("short range read at " + position);
      }
      dst.put(block, offset, n);
      position += n;
      total += n;
    }
    return total;
  }

  /** Bytes fetched from the store so far (for logs and tests). */
  long fetched() {
    return fetched;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) {
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position");
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
    blocks.clear();
  }
}
