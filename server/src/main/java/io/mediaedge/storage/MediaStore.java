package io.mediaedge.storage;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;

/**
 * Where media bytes live. The upload and HTTP rooms speak only this port (resumable uploads also
 * {@link AssembledObjects}); the S3 adapter behind it is the one place that knows the AWS SDK.
 * Futures complete on the caller's Vert.x context. A failure that a client should see arrives as an
 * {@link io.mediaedge.errors.ApiException}.
 */
public interface MediaStore {

  /** What we keep with each object: who owns it and what it is. */
  record ObjectAttributes(String owner, String contentType, Map<String, String> extra) {}

  /** An object's description as the store reports it. */
  record ObjectInfo(String key, long size, String contentType, String etag, Instant lastModified,
      Map<String, String> metadata) {}

  /** A body to write: streamed from a publisher of known length, or bytes already buffered. */
  sealed interface Body {
    long length();
  }

  /**
   * {@code taken} hears each chunk the publisher handed out (the same buffer) once the store's
   * connection has taken it, or the store has dropped it, so the body's owner can count what is
   * still on its way and free the memory behind it.
   */
  record StreamedBody(long length, Publisher<ByteBuffer> publisher, Consumer<ByteBuffer> taken) implements Body {
    public StreamedBody(long length, Publisher<ByteBuffer> publisher) {
      this(length, publisher, chunk -> { });
    }
  }

  record BufferedBody(List<ByteBuffer> chunks) implements Body {
    @Override
    public long length() {
      return chunks.stream().mapToLong(ByteBuffer::remaining).sum();
    }
  }

  /**
   * An object being read: its description and its bytes (the requested range only), paused on
   * the caller's context until the reader resumes it. A reader that stops before the end calls
   * {@code abandon}, which gives up the store connection behind the body.
   */
  record ObjectContent(ObjectInfo info, ReadStream<Buffer> body, Runnable abandon) {}

  /** One multipart upload; whoever starts it must complete or abort it on every path. */
  interface MultipartUpload {
    String key();

    Future<Void> uploadPart(int partNumber, Body body);

    Future<ObjectInfo> complete();

    Future<Void> abort();
  }

  Future<ObjectInfo> put(String key, Body body, ObjectAttributes attributes);

  Future<MultipartUpload> startMultipart(String key, ObjectAttributes attributes);

  /** Adds tags to an existing object (attributes only known after a multipart upload ends). */
  Future<Void> tag(String key, Map<String, String> tags);

  Future<Optional<ObjectInfo>> head(String key);

  /** The bytes {@code first..last} (inclusive) of an object. */
  Future<ObjectContent> get(String key, long first, long last);

  /** Removes an object; removing a missing one succeeds (deletes are retried). */
  Future<Void> delete(String key);

  /** Aborts every unfinished multipart upload of {@code key}; completes with how many there were. */
  Future<Integer> abortMultipartUploads(String key);

  /** Removes every object whose key starts with {@code prefix}; completes with how many there were. */
  Future<Integer> deleteUnder(String prefix);

  Future<Void> close();
}
