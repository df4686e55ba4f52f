package io.mediaedge.storage;

import io.mediaedge.storage.MediaStore.Body;
import io.mediaedge.storage.MediaStore.ObjectAttributes;
import io.mediaedge.storage.MediaStore.ObjectInfo;
import io.vertx.core.Future;

/**
 * Objects assembled from parts written over many requests, by any instance (resumable uploads).
 * Whatever the backend needs to continue an assembly (S3: its upload id and the parts' ETags) is
 * one opaque state string that the caller keeps durably and hands back, without looking inside;
 * every call that changes the assembly answers the state to keep next. Futures complete on the
 * caller's Vert.x context; a failure a client should see is an {@link io.mediaedge.errors.ApiException}.
 *
 * <p>Parts are equal in size except the last, which may be shorter. Appending to a state that is
 * not the newest (a caller that threw away states it did not commit) writes the same part again,
 * replacing what the discarded states wrote: only the parts a state lists end up in the object.
 * Assemblies are given up by key ({@link MediaStore#abortMultipartUploads}), so one begun but
 * never recorded in a kept state goes too; only while the key has no object and no assembly in
 * use: some S3-compatible servers (S3Mock) drop the object, or the parts of every other multipart
 * upload of the key, with an aborted one.
 */
public interface AssembledObjects {

  /** Begins assembling {@code key}; completes with the state of an assembly without parts. */
  Future<String> begin(String key, ObjectAttributes attributes);

  /** How many parts {@code state} lists. */
  int parts(String state);

  /**
   * Writes {@code body} as part {@code index} (from 0) of the assembly {@code state} names, while
   * parts before it may still be on their way; completes with what {@link #withPart} records.
   * Writing an index again replaces what was written there.
   */
  Future<String> writePart(String state, int index, Body body);

  /**
   * {@code state} with {@code written} (from {@link #writePart}) as its next part, index
   * {@code parts(state)}. Pure: nothing is written.
   *
   * @throws IllegalArgumentException if {@code state} cannot be read
   */
  String withPart(String state, String written);

  /**
   * Makes the object from the parts {@code state} lists ({@code size} bytes in all). Completing
   * an assembly that is already complete fails; the caller then finds the object with a head.
   */
  Future<ObjectInfo> complete(String state, long size, ObjectAttributes attributes);
}
