package io.mediaedge.thumbnails.work;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;

/** The object store as the worker needs it: read an original as a stream, write a thumbnail. */
public interface Originals {
  /** The object's bytes as they arrive; the caller closes the stream (and with it the connection). */
  InputStream open(String key) throws IOException;

  /** The object as a read-only seekable channel (ranged reads): what a video container needs. */
  SeekableByteChannel channel(String key) throws IOException;

  void put(String key, byte[] bytes, String contentType) throws IOException;

  /** Removes an object; a missing one is not an error. */
  void delete(String key) throws IOException;
}
