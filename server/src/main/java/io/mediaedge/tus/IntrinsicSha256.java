package io.mediaedge.tus;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A resumable SHA-256 on the JDK's own implementation, so whole blocks go through HotSpot's SHA-NI
 * intrinsic (about 1.7 GB/s here against 240 MB/s for {@link Sha256State}). The JDK has no public
 * way to export or import a digest's state, so its eight hash words, byte count and partial block
 * are read and written in place, which needs the launcher's
 * {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED} (our start script, the image, the
 * Maven build and the benchmarks pass it). Whether it works is decided once, by a self-test against
 * {@link MessageDigest} and {@link Sha256State}: a JVM without the flag, or a JDK whose internals
 * differ, falls back to the portable implementation with the same exported bytes, never to a
 * wrong hash.
 */
final class IntrinsicSha256 implements ResumableSha256 {
  private static final Logger log = LoggerFactory.getLogger(IntrinsicSha256.class);
  private static final String FLAG = "--add-opens java.base/sun.security.provider=ALL-UNNAMED";
  private static final int BLOCK = 64;
  private static final int WORDS = 8;
  private static final int HEADER = 1 + WORDS * 4 + 8;
  /** Direct buffers are hashed through a heap copy of this many bytes at a time. */
  private static final int SCRATCH = 16 * 1024;

  /** The JDK's SHA-256 engine and its fields, or null when they cannot be reached. */
  private static final Internals INTERNALS = Internals.find();
  static final boolean AVAILABLE = INTERNALS != null && selfTestPasses();

  private record Internals(MethodHandle create, MethodHandle update, MethodHandle digest, VarHandle hashWords,
      VarHandle pendingBlock, VarHandle pendingCount, VarHandle bytesHashed) {

    static Internals find() {
      try {
        Class<?> base = Class.forName("sun.security.provider.DigestBase");
        Class<?> sha2 = Class.forName("sun.security.provider.SHA2");
        Class<?> sha256 = Class.forName("sun.security.provider.SHA2$SHA256");
        MethodHandles.Lookup inBase = MethodHandles.privateLookupIn(base, MethodHandles.lookup());
        MethodHandles.Lookup inSha2 = MethodHandles.privateLookupIn(sha2, MethodHandles.lookup());
        MethodHandles.Lookup inSha256 = MethodHandles.privateLookupIn(sha256, MethodHandles.lookup());
        return new Internals(
            inSha256.findConstructor(sha256, MethodType.methodType(void.class)).asType(MethodType.methodType(Object.class)),
            inBase.findVirtual(base, "engineUpdate", MethodType.methodType(void.class, byte[].class, int.class, int.class))
                .asType(MethodType.methodType(void.class, Object.class, byte[].class, int.class, int.class)),
            inBase.findVirtual(base, "engineDigest", MethodType.methodType(byte[].class))
                .asType(MethodType.methodType(byte[].class, Object.class)),
            inSha2.findVarHandle(sha2, "state", int[].class),
            inBase.findVarHandle(base, "buffer", byte[].class),
            inBase.findVarHandle(base, "bufOfs", int.class),
            inBase.findVarHandle(base, "bytesProcessed", long.class));
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.info("SHA-256 of resumable uploads: the JDK's engine is out of reach ({}); using the portable one,"
            + " about seven times slower. Start the JVM with {} for hardware speed.", e.toString(), FLAG);
        return null;
      }
    }
  }

  private final Object engine;
  private byte[] scratch;

  private IntrinsicSha256(Object engine) {
    this.engine = engine;
  }

  /** Rebuilds a state from {@link Sha256State}'s exported form (already validated by the caller). */
  static IntrinsicSha256 restore(byte[] exported) {
    try {
      IntrinsicSha256 restored = new IntrinsicSha256(INTERNALS.create().invoke());
      ByteBuffer in = ByteBuffer.wrap(exported);
      in.get(); // the version, checked by Sha256State.restore
      int[] words = (int[]) INTERNALS.hashWords().get(restored.engine);
      for (int i = 0; i < WORDS; i++) {
        words[i] = in.getInt();
      }
      long length = in.getLong();
      int pending = in.remaining();
      in.get((byte[]) INTERNALS.pendingBlock().get(restored.engine), 0, pending);
      INTERNALS.pendingCount().set(restored.engine, pending);
      INTERNALS.bytesHashed().set(restored.engine, length);
      return restored;
    } catch (Throwable e) {
      throw new IllegalStateException("the JDK's SHA-256 state cannot be set", e);
    }
  }

  @Override
  public void update(ByteBuffer buffer) {
    int position = buffer.position();
    int length = buffer.remaining();
    if (buffer.hasArray()) {
      update(buffer.array(), buffer.arrayOffset() + position, length);
      return;
    }
    if (scratch == null) {
      scratch = new byte[SCRATCH];
    }
    for (int done = 0; done < length; ) {
      int n = Math.min(SCRATCH, length - done);
      buffer.get(position + done, scratch, 0, n);
      update(scratch, 0, n);
      done += n;
    }
  }

  private void update(byte[] bytes, int offset, int length) {
    try {
      INTERNALS.update().invokeExact(engine, bytes, offset, length);
    } catch (Throwable e) {
      throw new IllegalStateException("the JDK's SHA-256 failed", e);
    }
  }

  @Override
  public byte[] export() {
    int[] words = (int[]) INTERNALS.hashWords().get(engine);
    long length = (long) INTERNALS.bytesHashed().get(engine);
    int pending = (int) INTERNALS.pendingCount().get(engine);
    ByteBuffer out = ByteBuffer.allocate(HEADER + pending);
    out.put(Sha256State.EXPORT_VERSION);
    for (int i = 0; i < WORDS; i++) {
      out.putInt(words[i]);
    }
    out.putLong(length);
    out.put((byte[]) INTERNALS.pendingBlock().get(engine), 0, pending);
    return out.array();
  }

  @Override
  public byte[] digest() {
    try {
      // Padding ends the engine's message: finish a copy.
      return (byte[]) INTERNALS.digest().invokeExact(restore(export()).engine);
    } catch (Throwable e) {
      throw new IllegalStateException("the JDK's SHA-256 failed", e);
    }
  }

  /**
   * Hashes a message in pieces of awkward sizes, exporting and restoring between them, and
   * compares the digest with the JDK's and every exported state with {@link Sha256State}'s.
   */
  private static boolean selfTestPasses() {
    try {
      byte[] message = new byte[5 * BLOCK * 7 + 13];
      new Random(17).nextBytes(message);
      IntrinsicSha256 fast = restore(new Sha256State().export());
      Sha256State portable = new Sha256State();
      int[] cuts = {0, 1, 63, 64, 65, 200, 1000, message.length};
      for (int i = 1; i < cuts.length; i++) {
        ByteBuffer piece = ByteBuffer.wrap(message, cuts[i - 1], cuts[i] - cuts[i - 1]);
        fast.update(piece);
        portable.update(piece);
        if (!Arrays.equals(fast.export(), portable.export())) {
          throw new IllegalStateException("exported states differ after " + cuts[i] + " bytes");
        }
        fast = restore(fast.export());
      }
      if (!Arrays.equals(fast.digest(), MessageDigest.getInstance("SHA-256").digest(message))
          || !Arrays.equals(fast.digest(), portable.digest())) {
        throw new IllegalStateException("digests differ");
      }
      return true;
    } catch (Throwable e) {
      log.warn("SHA-256 of resumable uploads: the JDK's engine failed its self-test ({}); using the portable one",
          e.toString());
      return false;
    }
  }
}
