package io.mediaedge.storage;

import io.mediaedge.errors.ErrorCode;
import io.mediaedge.storage.MediaStore.Body;
import io.mediaedge.storage.MediaStore.ObjectAttributes;
import io.mediaedge.storage.MediaStore.ObjectInfo;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AssembledObjects} on S3: an assembly is one multipart upload, made and ended by the
 * store's own calls; its state ({@link S3AssemblyState}) lists the upload id and the parts' ETags.
 */
final class S3AssembledObjects implements AssembledObjects {
  private static final Logger log = LoggerFactory.getLogger(S3AssembledObjects.class);

  private final S3MediaStore store;

  S3AssembledObjects(S3MediaStore store) {
    this.store = store;
  }

  @Override
  public Future<String> begin(String key, ObjectAttributes attributes) {
    return store.createMultipart(key, attributes).map(uploadId -> S3AssemblyState.begun(key, uploadId).encode());
  }

  @Override
  public int parts(String state) {
    return S3AssemblyState.decode(state).partEtags().size();
  }

  @Override
  public Future<String> writePart(String state, int index, Body body) {
    // S3 numbers parts from 1; the ETag is what completing the upload needs of each.
    return decoded(state).compose(assembly -> store.uploadPart(assembly.key(), assembly.uploadId(), index + 1, body));
  }

  @Override
  public String withPart(String state, String written) {
    return S3AssemblyState.decode(state).withPart(written).encode();
  }

  @Override
  public Future<ObjectInfo> complete(String state, long size, ObjectAttributes attributes) {
    return decoded(state).compose(assembly -> store.completeMultipart(assembly.key(), assembly.uploadId(),
        assembly.partEtags(), size, attributes));
  }

  private static Future<S3AssemblyState> decoded(String state) {
    try {
      return Future.succeededFuture(S3AssemblyState.decode(state));
    } catch (IllegalArgumentException e) {
      log.error("Unreadable assembly state {}: {}", state, e.getMessage());
      return Future.failedFuture(ErrorCode.STORAGE_ERROR.error("The stored state of the upload cannot be read."));
    }
  }
}
