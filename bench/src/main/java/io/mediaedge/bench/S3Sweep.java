package io.mediaedge.bench;

import io.mediaedge.devstack.DevStack;
import io.mediaedge.devstack.S3Server;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Removes the objects a benchmark run added to the bucket, so every run starts from the same S3.
 * S3Mock slows as the bucket grows: on every request it reads and parses the bucket's metadata
 * file, which maps every key in the bucket to its object, and it rewrites that file for every new
 * or deleted key. Without this, the second round of the many-small-uploads scenario ran against a
 * store thousands of objects larger than the first, and nginx went from 88 to 25 uploads a second
 * between rounds. Within a run the same growth made S3Mock spend 1.8 times the CPU per PUT for the
 * system that adds a key per upload (media-edge) as for one that overwrote a key per client; so
 * a run can also {@link #deleteSoon delete each object as soon as its upload is answered}, for
 * every system alike: the bucket then stays as deep as the uploads in flight, and S3's work per
 * upload (a PUT of a new key and a DELETE) does not depend on which system sent it or how fast.
 */
final class S3Sweep implements AutoCloseable {
  private static final int DELETE_BATCH = 1000;
  private final S3AsyncClient s3;
  private final Set<String> kept;
  private final AtomicInteger deletedSoon = new AtomicInteger();

  /** Remembers what the bucket holds now; {@link #removeAdded()} removes everything else. */
  S3Sweep(S3Server server) {
    this.s3 = S3AsyncClient.builder()
        .endpointOverride(server.endpoint())
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
        .build();
    this.kept = new HashSet<>(keys());
  }

  /**
   * Deletes {@code key} without waiting (the S3 work falls in the run's window, the same per upload
   * for every system); one that fails is left to {@link #removeAdded()}.
   */
  void deleteSoon(String key) {
    s3.deleteObject(r -> r.bucket(DevStack.BUCKET).key(key)).whenComplete((done, failure) -> {
      if (failure == null) {
        deletedSoon.incrementAndGet();
      }
    });
  }

  /** How many {@link #deleteSoon} removed so far, and resets the count. */
  int takeDeletedSoon() {
    return deletedSoon.getAndSet(0);
  }

  /** Deletes the objects added since this sweep was made; returns how many. */
  int removeAdded() {
    List<ObjectIdentifier> added = keys().stream().filter(key -> !kept.contains(key))
        .map(key -> ObjectIdentifier.builder().key(key).build()).toList();
    for (int from = 0; from < added.size(); from += DELETE_BATCH) {
      List<ObjectIdentifier> batch = added.subList(from, Math.min(added.size(), from + DELETE_BATCH));
      s3.deleteObjects(r -> r.bucket(DevStack.BUCKET).delete(d -> d.objects(batch).quiet(true))).join();
    }
    return added.size();
  }

  private List<String> keys() {
    List<String> keys = new java.util.ArrayList<>();
    String token = null;
    do {
      String continuation = token;
      ListObjectsV2Response page = s3.listObjectsV2(r -> r.bucket(DevStack.BUCKET).continuationToken(continuation))
          .join();
      page.contents().stream().map(S3Object::key).forEach(keys::add);
      token = page.isTruncated() ? page.nextContinuationToken() : null;
    } while (token != null);
    return keys;
  }

  @Override
  public void close() {
    s3.close();
  }
}
