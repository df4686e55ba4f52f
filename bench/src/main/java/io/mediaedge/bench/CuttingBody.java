package io.mediaedge.bench;

import io.mediaedge.testing.CuttingProxy;
import java.io.FilterInputStream;
import java.io.IOException;

/** Resets every connection through the proxy once the body has handed out the byte at {@code cutAt}. */
final class CuttingBody extends FilterInputStream {
  private final GeneratedBody body;
  private final long cutAt;
  private final CuttingProxy proxy;
  private volatile long firedAt = -1;

  /** {@code cutAt} is a position in the file, or -1 for a body that never cuts. */
  CuttingBody(GeneratedBody body, long cutAt, CuttingProxy proxy) {
    super(body);
    this.body = body;
    this.cutAt = cutAt;
    this.proxy = proxy;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = body.read(b, off, len);
    if (n > 0 && cutAt >= 0 && firedAt < 0 && body.position() >= cutAt) {
      firedAt = body.position();
      proxy.cutAllNow();
    }
    return n;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  /** The client's position in the file when the cut was made, or -1. */
  long firedAt() {
    return firedAt;
  }
}
