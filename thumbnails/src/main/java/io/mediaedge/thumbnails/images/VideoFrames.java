package io.mediaedge.thumbnails.images;

import io.mediaedge.thumbnails.images.RefusedImage.Reason;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;
import org.jcodec.scale.AWTUtil;

/**
 * The picture of a video a thumbnail is made of: the frame at one second (a first frame is often
 * black), or the first of a shorter clip, decoded by JCodec from MP4 and MOV H.264. The container
 * is read through a seekable channel (its index may sit at the end of the file); only the bytes
 * from the keyframe before that second to the frame itself are decoded. What JCodec cannot decode
 * (HEVC, AV1, VP9...) is refused as UNSUPPORTED_FORMAT.
 */
final class VideoFrames {
  /** A thumbnail shows the video a second in. */
  static final double FRAME_AT_SECONDS = 1.0;

  private VideoFrames() {}

  static BufferedImage frame(SeekableByteChannel source, long maxPixels) throws RefusedImage {
    try {
      FrameGrab grab = FrameGrab.createFrameGrab(new JcodecChannel(source));
      DemuxerTrackMeta meta = grab.getVideoTrack().getMeta();
      Size size = meta.getVideoCodecMeta() == null ? null : meta.getVideoCodecMeta().getSize();
      if (size != null && (long) size.getWidth() * size.getHeight() > maxPixels) {
        throw new RefusedImage(Reason.TOO_MANY_PIXELS, size.getWidth() + " x " + size.getHeight() + " video");
      }
      double at = meta.getTotalDuration() > FRAME_AT_SECONDS ? FRAME_AT_SECONDS : 0;
      if (at > 0) {
        grab.seekToSecondPrecise(at);
      }
      Picture picture = grab.getNativeFrame();
      if (picture == null) {
        throw new RefusedImage(Reason.UNREADABLE, "no video frame");
      }
      return AWTUtil.toBufferedImage(picture, meta.getOrientation());
    } catch (JCodecException e) {
      throw new RefusedImage(Reason.UNSUPPORTED_FORMAT, "JCodec: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      // JCodec throws plain runtime exceptions on codecs and boxes it does not know, and on
      // damaged files alike; the message tells them apart for people.
      String message = String.valueOf(e.getMessage());
      Reason reason = message.contains("Unsupported") || message.contains("unsupported")
          || message.contains("No video track") ? Reason.UNSUPPORTED_FORMAT : Reason.UNREADABLE;
      throw new RefusedImage(reason, e.getClass().getSimpleName() + ": " + message);
    }
  }

  /** JCodec's own channel interface over a JDK one (read-only). */
  private static final class JcodecChannel implements org.jcodec.common.io.SeekableByteChannel {
    private final SeekableByteChannel delegate;

    JcodecChannel(SeekableByteChannel delegate) {
      this.delegate = delegate;
    }

    @Override
    public long position() throws IOException {
      return delegate.position();
    }

    @Override
    public org.jcodec.common.io.SeekableByteChannel setPosition(long position) throws IOException {
      delegate.position(position);
      return this;
    }

    @Override
    public long size() throws IOException {
      return delegate.size();
    }

    @Override
    public org.jcodec.common.io.SeekableByteChannel truncate(long size) {
      throw new UnsupportedOperationException("read-only");
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return delegate.read(dst);
    }

    @Override
    public int write(ByteBuffer src) {
      throw new UnsupportedOperationException("read-only");
    }

    @Override
    public boolean isOpen() {
      return delegate.isOpen();
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
