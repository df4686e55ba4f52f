package io.mediaedge.upload;

import io.mediaedge.media.MediaId;
import io.mediaedge.upload.UploadService.StoredMedia;
import io.mediaedge.upload.UploadService.UploadRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Where a checked single-request upload's body goes: the whole flow (quota, storage, history,
 * event: {@link UploadFlow}) with history on, or straight into storage with it off.
 */
@FunctionalInterface
public interface MediaUploads {
  Future<StoredMedia> upload(Context context, UploadRequest request, ReadStream<Buffer> body, long startedNanos);

  /**
   * History off: the streaming into storage alone. The same code path, memory budget and checks,
   * with no quota, row or event around it.
   */
  static MediaUploads storageOnly(UploadService streaming) {
    return (context, request, body, startedNanos) -> streaming.upload(context, request, body, MediaId.next());
  }
}
