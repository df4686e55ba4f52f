package io.mediaedge.devstack;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.jcodec.api.awt.AWTSequenceEncoder;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.common.model.Rational;

/** H.264 MP4 videos for tests and benchmarks, encoded at run time by JCodec (nothing binary is committed). */
public final class SampleVideos {
  private SampleVideos() {}

  /** {@code frames} frames of a moving picture at 25 frames a second. */
  public static byte[] mp4(int width, int height, int frames) {
    // JCodec's baseline encoder makes frames of well under a quarter byte per pixel for these pictures
    ByteBuffer buffer = ByteBuffer.allocate((1 << 20) + width * height / 4 * frames);
    try {
      ByteBufferSeekableByteChannel out = ByteBufferSeekableByteChannel.writeToByteBuffer(buffer);
      AWTSequenceEncoder encoder = new AWTSequenceEncoder(out, Rational.R(25, 1));
      for (int i = 0; i < frames; i++) {
        BufferedImage frame = SampleImages.picture(width, height, BufferedImage.TYPE_3BYTE_BGR);
        frame.getGraphics().fillRect(i * 8 % width, height / 8, width / 10, height / 10);
        encoder.encodeImage(frame);
      }
      encoder.finish();
      ByteBuffer contents = out.getContents();
      byte[] bytes = new byte[contents.remaining()];
      contents.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
