package io.mediaedge.bench;

import io.mediaedge.devstack.DevStack;
import io.mediaedge.devstack.S3Server;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Removes the objects a benchmark run added to the bucket, so every run starts from the same S3.
 * S3Mock keeps every object's metadata on its heap and slows as the store grows: without this,
 * the second round of the many-small-uploads scenario ran against a store thousands of objects
 * larger than the first, and nginx went from 88 to 25 uploads a second between rounds.
 */
final class S3Sweep implements AutoCloseable {
  private static final int DELETE_BATCH = 1000;
  private final S3AsyncClient s3;
  private final Set<String> kept;

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
