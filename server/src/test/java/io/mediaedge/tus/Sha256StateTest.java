package io.mediaedge.tus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Sha256StateTest {

  private static final HexFormat HEX = HexFormat.of();

  static byte[] jdkSha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  static byte[] copyAt(byte[] data, int at, int size) {
    byte[] b = new byte[size];
    System.arraycopy(data, 0, b, at, data.length);
    return b;
  }

  static Sha256State hashed(byte[] data, int off, int len) {
    Sha256State s = new Sha256State();
    s.update(data, off, len);
    return s;
  }

  // ---- FIPS 180-4 / NIST example vectors ---------------------------------------------

  @ParameterizedTest
  @CsvSource({
    "'', e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "abc, ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq,"
        + " 248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
        + "mnopqrstnopqrstu, cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
  })
  void nistMessagesHashToTheirPublishedDigests(String message, String expectedHex) {
    byte[] data = message.getBytes(StandardCharsets.US_ASCII);
    Sha256State whole = hashed(data, 0, data.length);
    assertEquals(expectedHex, HEX.formatHex(whole.digest()));
    assertEquals(data.length, whole.length());

    Sha256State byteByByte = new Sha256State();
    for (int i = 0; i < data.length; i++) {
      byteByByte.update(data, i, 1);
    }
    assertEquals(expectedHex, HEX.formatHex(byteByByte.digest()));
  }

  @Test
  void oneMillionLetterAsHashToThePublishedDigest() {
    byte[] piece = new byte[997]; // a prime, so pieces straddle block boundaries everywhere
    Arrays.fill(piece, (byte) 'a');
    Sha256State s = new Sha256State();
    int left = 1_000_000;
    while (left > 0) {
      int n = Math.min(left, piece.length);
      s.update(piece, 0, n);
      left -= n;
    }
    assertEquals(1_000_000, s.length());
    assertEquals("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
        HEX.formatHex(s.digest()));
  }

  // ---- agreement with MessageDigest --------------------------------------------------

  @Test
  void randomDataSplitAtRandomPointsMatchesMessageDigest() {
    Random random = new Random(0x5eed);
    for (int round = 0; round < 300; round++) {
      int n = round < 200 ? random.nextInt(300) : random.nextInt(20_000);
      byte[] data = randomBytes(random, n);
      // Offset the data inside a larger array so 'off' is exercised too.
      byte[] padded = copyAt(data, 7, n + 17);
      Sha256State s = new Sha256State();
      int at = 0;
      while (at < n) {
        int piece = Math.min(n - at, random.nextInt(random.nextBoolean() ? 70 : 3000));
        s.update(padded, 7 + at, piece);
        at += piece;
      }
      assertArrayEquals(jdkSha256(data), s.digest(), "length " + n);
    }
  }

  // ---- export and restore ------------------------------------------------------------

  @Test
  void exportRestoreAtEverySplitPointContinuesToTheSameDigest() {
    byte[] data = randomBytes(new Random(1), 300);
    byte[] expected = jdkSha256(data);
    // Covers 0, mid-block, 55/56 (padding fits / does not fit), 63, 64, 65, 128 and beyond.
    for (int split = 0; split <= data.length; split++) {
      Sha256State before = hashed(data, 0, split);
      byte[] exported = before.export();
      assertEquals(41 + split % 64, exported.length, "export size at " + split);
      Sha256State after = Sha256State.restore(exported);
      assertEquals(split, after.length());
      assertArrayEquals(before.digest(), after.digest(), "digest of the prefix at " + split);
      assertArrayEquals(exported, after.export(), "export is stable at " + split);
      after.update(data, split, data.length - split);
      assertArrayEquals(expected, after.digest(), "continued from " + split);
    }
  }

  @Test
  void stateSurvivesManyExportRestoreHopsLikeManyPatches() {
    Random random = new Random(2);
    byte[] data = randomBytes(random, 50_000);
    Sha256State s = new Sha256State();
    int at = 0;
    while (at < data.length) {
      int piece = Math.min(data.length - at, random.nextInt(2500));
      s.update(data, at, piece);
      at += piece;
      s = Sha256State.restore(s.export());
    }
    assertArrayEquals(jdkSha256(data), s.digest());
  }

  @Test
  void freshStateExportsTheInitialWordsAndRestoresToTheEmptyDigest() {
    byte[] exported = new Sha256State().export();
    assertEquals(41, exported.length);
    assertEquals(Sha256State.EXPORT_VERSION, exported[0]);
    assertEquals("6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19",
        HEX.formatHex(exported, 1, 33));
    assertArrayEquals(jdkSha256(new byte[0]), Sha256State.restore(exported).digest());
  }

  // ---- digest and copy leave the state usable ------------------------------------------

  @Test
  void digestDoesNotDisturbFurtherUpdates() {
    byte[] data = randomBytes(new Random(3), 1000);
    Sha256State s = new Sha256State();
    for (int split : new int[] {0, 55, 56, 63, 64, 130, 1000}) {
      s = hashed(data, 0, split);
      byte[] first = s.digest();
      assertArrayEquals(first, s.digest(), "digest is repeatable");
      assertArrayEquals(jdkSha256(Arrays.copyOf(data, split)), first);
      assertEquals(split, s.length(), "digest leaves the length alone");
      s.update(data, split, data.length - split);
      assertArrayEquals(jdkSha256(data), s.digest(), "continued after digest at " + split);
    }
  }

  @Test
  void copyIsIndependentOfTheOriginal() {
    byte[] data = randomBytes(new Random(4), 200);
    Sha256State original = hashed(data, 0, 100);
    Sha256State copy = original.copy();
    copy.update(data, 100, 100);
    assertArrayEquals(jdkSha256(Arrays.copyOf(data, 100)), original.digest());
    assertEquals(100, original.length());
    original.update(new byte[] {1, 2, 3}, 0, 3);
    assertArrayEquals(jdkSha256(data), copy.digest());
  }

  // ---- ByteBuffer input --------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"heap", "heapSlice", "readOnlyHeap", "direct", "directLittleEndian"})
  void byteBuffersHashLikeArraysAndKeepTheirPosition(String kind) {
    Function<byte[], ByteBuffer> wrap = bytes -> switch (kind) {
      case "heap" -> ByteBuffer.wrap(bytes);
      // arrayOffset() != 0: the slice starts 5 bytes into its backing array.
      case "heapSlice" -> ByteBuffer.wrap(copyAt(bytes, 5, bytes.length + 9), 5, bytes.length)
          .slice();
      case "readOnlyHeap" -> ByteBuffer.wrap(bytes).asReadOnlyBuffer();
      case "direct" -> ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
      case "directLittleEndian" -> ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()
          .order(ByteOrder.LITTLE_ENDIAN);
      default -> throw new IllegalArgumentException(kind);
    };
    Random random = new Random(kind.hashCode());
    for (int round = 0; round < 60; round++) {
      byte[] data = randomBytes(random, random.nextInt(5000));
      ByteBuffer buffer = wrap.apply(data);
      Sha256State s = new Sha256State();
      int at = 0;
      while (at < data.length) {
        int piece = Math.min(data.length - at, random.nextInt(300));
        buffer.limit(at + piece).position(at);
        if (at == 0 && data.length > 2) {
          buffer.mark();
        }
        s.update(buffer);
        assertEquals(at, buffer.position(), "position untouched");
        assertEquals(at + piece, buffer.limit(), "limit untouched");
        at += piece;
        // Interleave array updates so buffer pieces also land in a partly filled block.
        if (at < data.length && random.nextInt(4) == 0) {
          int n = Math.min(data.length - at, random.nextInt(70));
          s.update(data, at, n);
          at += n;
        }
      }
      assertArrayEquals(jdkSha256(data), s.digest(), kind + ", length " + data.length);
      if (data.length > 2) {
        buffer.reset();
        assertEquals(0, buffer.position(), "mark untouched");
      }
    }
  }

  @Test
  void emptyAndZeroLengthUpdatesChangeNothing() {
    Sha256State s = new Sha256State();
    s.update(new byte[0], 0, 0);
    s.update(new byte[10], 10, 0);
    s.update(ByteBuffer.allocateDirect(0));
    assertEquals(0, s.length());
    assertArrayEquals(jdkSha256(new byte[0]), s.digest());
  }

  @Test
  void outOfRangeArraySlicesAreRefusedAndHashNothing() {
    Sha256State s = new Sha256State();
    byte[] b = new byte[10];
    assertThrows(IndexOutOfBoundsException.class, () -> s.update(b, -1, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> s.update(b, 5, 6));
    assertThrows(IndexOutOfBoundsException.class, () -> s.update(b, 0, -1));
    assertEquals(0, s.length());
  }

  // ---- restore is strict -------------------------------------------------------------

  static byte[] exportOf(int length) {
    return hashed(randomBytes(new Random(length), length), 0, length).export();
  }

  static IllegalArgumentException assertMalformed(byte[] exported) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sha256State.restore(exported));
    assertTrue(e.getMessage().startsWith("malformed SHA-256 state"), e.getMessage());
    return e;
  }

  @Test
  void restoreRejectsMissingAndTruncatedInput() {
    assertMalformed(null);
    assertMalformed(new byte[0]);
    byte[] header = exportOf(64);
    assertMalformed(Arrays.copyOf(header, 40));
    assertMalformed(Arrays.copyOf(header, 1));
    byte[] withPending = exportOf(100); // 36 pending bytes
    assertMalformed(Arrays.copyOf(withPending, withPending.length - 1));
    assertMalformed(Arrays.copyOf(withPending, 41));
  }

  @Test
  void restoreRejectsOversizedInput() {
    byte[] exported = exportOf(130);
    assertMalformed(Arrays.copyOf(exported, exported.length + 1));
    assertMalformed(Arrays.copyOf(exportOf(128), 41 + 64));
    assertMalformed(new byte[4096]);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 0x7f, 0x80, 0xff})
  void restoreRejectsOtherVersions(int version) {
    byte[] exported = exportOf(77);
    exported[0] = (byte) version;
    IllegalArgumentException e = assertMalformed(exported);
    assertTrue(e.getMessage().contains("version " + version), e.getMessage());
  }

  @Test
  void restoreRejectsLengthsOutOfRange() {
    byte[] exported = exportOf(64);
    ByteBuffer.wrap(exported).putLong(33, -64);
    assertMalformed(exported);
    ByteBuffer.wrap(exported).putLong(33, 1L << 61);
    assertMalformed(exported);
    ByteBuffer.wrap(exported).putLong(33, Long.MIN_VALUE);
    assertMalformed(exported);
    // The largest legal length is accepted: its pending count is 63.
    byte[] max = Arrays.copyOf(exportOf(64), 41 + 63);
    ByteBuffer.wrap(max).putLong(33, Sha256State.MAX_LENGTH);
    assertEquals(Sha256State.MAX_LENGTH, Sha256State.restore(max).length());
  }

  @Test
  void restoreRejectsPendingBytesThatDisagreeWithTheLength() {
    byte[] exported = exportOf(100); // 36 pending
    ByteBuffer.wrap(exported).putLong(33, 101); // needs 37
    assertMalformed(exported);
    ByteBuffer.wrap(exported).putLong(33, 128); // needs 0
    assertMalformed(exported);
    ByteBuffer.wrap(exported).putLong(33, 164); // 164 mod 64 = 36: consistent again
    assertEquals(164, Sha256State.restore(exported).length());
  }

  @Test
  void restoreRejectsChangedHashWordsBeforeTheFirstBlock() {
    byte[] exported = exportOf(10);
    exported[5] ^= 1;
    assertMalformed(exported);
    byte[] empty = new Sha256State().export();
    empty[32] ^= (byte) 0x80;
    assertMalformed(empty);
  }

  @Test
  void maximumLengthIsEnforcedOnUpdate() {
    byte[] max = Arrays.copyOf(exportOf(64), 41 + 63);
    ByteBuffer.wrap(max).putLong(33, Sha256State.MAX_LENGTH);
    Sha256State s = Sha256State.restore(max);
    assertThrows(IllegalStateException.class, () -> s.update(new byte[1], 0, 1));
    assertEquals(Sha256State.MAX_LENGTH, s.length());
  }
}
