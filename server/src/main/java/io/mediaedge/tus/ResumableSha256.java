package io.mediaedge.tus;

import java.nio.ByteBuffer;

/**
 * The SHA-256 of a resumable upload, continued across requests and instances through an exported
 * state (the format {@link Sha256State} documents). Two implementations give the same digests and
 * the same exported bytes: the JDK's own SHA-256 (SHA-NI instructions through HotSpot's intrinsic,
 * about seven times faster) whenever its state can be reached, else the portable {@link Sha256State}.
 */
interface ResumableSha256 {

  /** Hashes the bytes between the buffer's position and limit; the buffer is left as it was. */
  void update(ByteBuffer buffer);

  /** The state in {@link Sha256State}'s exported form. */
  byte[] export();

  /** The digest of everything hashed so far; the state is unchanged. */
  byte[] digest();

  /** The state {@code exported} describes, on the fastest implementation this JVM allows. */
  static ResumableSha256 restore(byte[] exported) {
    Sha256State portable = Sha256State.restore(exported); // validates the bytes either way
    return IntrinsicSha256.AVAILABLE ? IntrinsicSha256.restore(exported) : portable;
  }
}
