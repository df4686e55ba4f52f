package io.mediaedge.storage;

import io.mediaedge.audit.AuditObjects;
import io.mediaedge.config.EdgeConfig.StorageConfig;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * The audit's view of the bucket through the AWS SDK: listings page by page (1,000 keys a page),
 * an object's SHA-256 read as a stream, deletes and aborts. Blocking: the audit calls it from its
 * own threads.
 */
public final class S3AuditObjects implements AuditObjects, AutoCloseable {
  private static final int READ_BUFFER = 256 * 1024;

  private final String bucket;
  private final SdkAsyncHttpClient http;
  private final S3AsyncClient client;

  public S3AuditObjects(StorageConfig config, int connections) {
    this.bucket = config.bucket();
    this.http = NettyNioAsyncHttpClient.builder().maxConcurrency(connections)
        .connectionTimeout(config.connectTimeout()).readTimeout(config.readTimeout()).build();
    this.client = S3MediaStore.client(config, http, S3MediaStore.credentials(config));
  }

  @Override
  public void list(String prefix, Consumer<StoredObject> each) {
    String token = null;
    do {
      String continuation = token;
      ListObjectsV2Response page = join(client.listObjectsV2(r -> r.bucket(bucket).prefix(prefix)
          .continuationToken(continuation)));
      page.contents().forEach(o -> each.accept(new StoredObject(o.key(), o.size(), o.lastModified())));
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
  }

  @Override
  public void listMultipart(String prefix, Consumer<OpenMultipart> each) {
    String keyMarker = null;
    String idMarker = null;
    while (true) {
      String key = keyMarker;
      String id = idMarker;
      ListMultipartUploadsResponse page = join(client.listMultipartUploads(r -> r.bucket(bucket).prefix(prefix)
          .keyMarker(key).uploadIdMarker(id)));
      page.uploads().forEach(u -> each.accept(new OpenMultipart(u.key(), u.uploadId(), u.initiated())));
      if (!Boolean.TRUE.equals(page.isTruncated()) || page.nextKeyMarker() == null) {
        return;
      }
      keyMarker = page.nextKeyMarker();
      idMarker = page.nextUploadIdMarker();
    }
  }

  @Override
  public String sha256(String key) {
    try (InputStream body = join(client.getObject(r -> r.bucket(bucket).key(key),
        AsyncResponseTransformer.toBlockingInputStream()));
        DigestInputStream digest = new DigestInputStream(body, MessageDigest.getInstance("SHA-256"))) {
      byte[] buffer = new byte[READ_BUFFER];
      while (digest.read(buffer) >= 0) {
        // reading is hashing
      }
      return HexFormat.of().formatHex(digest.getMessageDigest().digest());
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("reading " + key + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String key) {
    join(client.deleteObject(r -> r.bucket(bucket).key(key)));
  }

  @Override
  public void abortMultipart(String key, String uploadId) {
    join(client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)));
  }

  @Override
  public void close() {
    client.close();
    http.close();
  }

  private static <T> T join(java.util.concurrent.CompletableFuture<T> call) {
    try {
      return call.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
    }
  }
}
