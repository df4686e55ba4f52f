package io.mediaedge.thumbnails.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RangedObjectChannelTest {
  private final byte[] object = new byte[3 * RangedObjectChannel.BLOCK + 1234];
  private final List<String> ranges = new ArrayList<>();

  RangedObjectChannelTest() {
    new Random(7).nextBytes(object);
  }

  private RangedObjectChannel channel() {
    return new RangedObjectChannel((first, last) -> {
      ranges.add(first + "-" + last);
      return Arrays.copyOfRange(object, (int) first, (int) last + 1);
    }, object.length);
  }

  @Test
  void readsAcrossBlocksFromWhereverItIsPositioned() throws Exception {
    RangedObjectChannel channel = channel();
    long start = RangedObjectChannel.BLOCK - 10;
    channel.position(start);
    ByteBuffer buffer = ByteBuffer.allocate(100);
    assertEquals(100, channel.read(buffer));
    assertArrayEquals(Arrays.copyOfRange(object, (int) start, (int) start + 100), buffer.array());
    assertEquals(List.of("0-" + (RangedObjectChannel.BLOCK - 1),
        RangedObjectChannel.BLOCK + "-" + (2 * RangedObjectChannel.BLOCK - 1)), ranges);
    // the end of the object: a short last block, then end of stream
    channel.position(object.length - 5);
    ByteBuffer tail = ByteBuffer.allocate(64);
    assertEquals(5, channel.read(tail));
    assertEquals(-1, channel.read(ByteBuffer.allocate(1)));
    assertEquals(3 * RangedObjectChannel.BLOCK + "-" + (object.length - 1), ranges.get(2));
  }

  @Test
  void blocksReadBeforeAreNotFetchedAgain() throws Exception {
    RangedObjectChannel channel = channel();
    for (int round = 0; round < 3; round++) {
      channel.position(0);
      channel.read(ByteBuffer.allocate(10));
      channel.position(object.length - 10);
      channel.read(ByteBuffer.allocate(10));
    }
    assertEquals(2, ranges.size(), ranges.toString());
    assertTrue(channel.fetched() < object.length, "fetched " + channel.fetched() + " of " + object.length);
  }
}
