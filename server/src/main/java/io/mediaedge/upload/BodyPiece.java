package io.mediaedge.upload;

import io.mediaedge.buffers.ReceivedChunk;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;

/**
 * Bytes of an upload body received and not yet done with. {@code owner} is the pooled buffer they
 * lie in (a received chunk's, with a body whose lease grows), null for heap bytes; each piece holds
 * one reference to it.
 */
record BodyPiece(Buffer bytes, ByteBuf owner) {

  /**
   * A chunk as the client socket delivered it. A received chunk is claimed: kept in its pooled
   * buffer when {@code keepPooled}, otherwise copied to the heap and its buffer given back at once.
   */
  static BodyPiece received(Buffer chunk, boolean keepPooled) {
    ByteBuf owner = ReceivedChunk.claim(chunk);
    if (owner == null || keepPooled) {
      return new BodyPiece(chunk, owner);
    }
    Buffer copy = Buffer.buffer().appendBuffer(chunk);
    owner.release();
    return new BodyPiece(copy, null);
  }

  /** Gives the piece's reference back: the memory may return to the pool once no piece holds it. */
  void release() {
    if (owner != null) {
      owner.release();
    }
  }

  /**
   * Splits off the first {@code length} bytes; the rest stays with {@link #rest}. Each half holds a
   * reference of its own.
   */
  BodyPiece head(int length) {
    if (owner != null) {
      owner.retain();
    }
    return new BodyPiece(bytes.slice(0, length), owner);
  }

  /** What follows the first {@code length} bytes, holding this piece's reference. */
  BodyPiece rest(int length) {
    return new BodyPiece(bytes.slice(length, bytes.length()), owner);
  }
}
