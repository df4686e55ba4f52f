package io.mediaedge.tus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hardware-speed resumable SHA-256: reachable in this JVM (the build passes the same
 * add-opens as the launchers), and indistinguishable from {@link Sha256State}: the same exported
 * bytes after every piece, states handed back and forth between the two, the same digest as the
 * JDK's for the whole message.
 */
class IntrinsicSha256Test {

  @Test
  void theJdkEngineIsUsedWhenTheLauncherOpensIt() {
    assertTrue(IntrinsicSha256.AVAILABLE, "the build's argLine opens java.base/sun.security.provider");
    assertInstanceOf(IntrinsicSha256.class, ResumableSha256.restore(new Sha256State().export()));
  }

  @Test
  void exportsMatchThePortableStateAcrossRandomPiecesAndHandOvers() throws Exception {
    Random random = new Random(5);
    for (int round = 0; round < 30; round++) {
      byte[] message = new byte[random.nextInt(300_000)];
      random.nextBytes(message);
      ResumableSha256 fast = ResumableSha256.restore(new Sha256State().export());
      Sha256State portable = new Sha256State();
      int at = 0;
      while (at < message.length) {
        int n = Math.min(message.length - at, random.nextInt(3) == 0 ? random.nextInt(130) : random.nextInt(70_000));
        ByteBuffer piece = random.nextBoolean() ? ByteBuffer.wrap(message, at, n)
            : ByteBuffer.allocateDirect(n).put(message, at, n).flip();
        int position = piece.position();
        fast.update(piece);
        assertEquals(position, piece.position(), "the buffer is left as it was");
        portable.update(piece);
        at += n;
        byte[] exported = fast.export();
        assertArrayEquals(portable.export(), exported, "after " + at + " bytes");
        // Hand the state over as another instance would: sometimes to the portable engine and back.
        if (random.nextBoolean()) {
          fast = ResumableSha256.restore(Sha256State.restore(exported).export());
        }
      }
      byte[] expected = MessageDigest.getInstance("SHA-256").digest(message);
      assertArrayEquals(expected, fast.digest());
      assertArrayEquals(expected, fast.digest(), "digest leaves the state as it was");
      assertArrayEquals(expected, portable.digest());
    }
  }

  @Test
  void aMalformedStateIsRefusedBeforeTheEngineSeesIt() {
    byte[] exported = new Sha256State().export();
    exported[0] = 9;
    assertThrows(IllegalArgumentException.class, () -> ResumableSha256.restore(exported));
    assertThrows(IllegalArgumentException.class, () -> ResumableSha256.restore(new byte[3]));
  }
}
