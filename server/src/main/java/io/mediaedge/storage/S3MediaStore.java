package io.mediaedge.storage;

import io.mediaedge.config.EdgeConfig.StorageConfig;
import io.mediaedge.errors.ApiException;
import io.mediaedge.errors.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

/**
 * The media store on S3. The bytes (object reads and writes, parts) move through
 * {@link S3Transfers}; the SDK's non-blocking client makes the other calls (multipart create,
 * complete and abort, head, tags, deletes, listings), with its standard retries.
 */
public final class S3MediaStore implements MediaStore {
  private static final Logger log = LoggerFactory.getLogger(S3MediaStore.class);
  private static final String OWNER = "owner";
  private static final java.time.Duration COMPLETE_TIMEOUT = java.time.Duration.ofMinutes(15);

  private final Vertx vertx;
  private final String bucket;
  private final SdkAsyncHttpClient http;
  private final S3AsyncClient client;
  private final S3Transfers transfers;

  public S3MediaStore(Vertx vertx, StorageConfig config) {
    this.vertx = vertx;
    this.bucket = config.bucket();
    this.http = NettyNioAsyncHttpClient.builder()
        .maxConcurrency(config.maxConnections())
        .connectionTimeout(config.connectTimeout())
        .readTimeout(config.readTimeout())
        .writeTimeout(config.readTimeout())
        .connectionAcquisitionTimeout(config.readTimeout())
        .build();
    // One provider for both clients: the presigner signs on the event loop, so a provider that
    // fetches credentials (instance profile, SSO) must refresh them off it, before they expire.
    AwsCredentialsProvider credentials = credentials(config);
    this.client = client(config, http, credentials);
    this.transfers = new S3Transfers(vertx, config, credentials);
  }

  /** The SDK client every S3 adapter here uses, over {@code http}. */
  static S3AsyncClient client(StorageConfig config, SdkAsyncHttpClient http, AwsCredentialsProvider credentials) {
    S3AsyncClientBuilder builder = S3AsyncClient.builder()
        .httpClient(http)
        .region(Region.of(config.region()))
        .forcePathStyle(config.pathStyle())
        .credentialsProvider(credentials)
        // We hash every body ourselves; the SDK's extra CRC pass would cost CPU for nothing.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(o -> o
            .addExecutionInterceptor(new TraceparentInterceptor())
            .retryStrategy(AwsRetryStrategy.standardRetryStrategy())
            .apiCallAttemptTimeout(config.readTimeout()));
    config.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  static AwsCredentialsProvider credentials(StorageConfig config) {
    return config.credentials()
        .<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(
            AwsBasicCredentials.create(c.accessKey(), c.secretKey())))
        .orElseGet(() -> DefaultCredentialsProvider.builder().asyncCredentialUpdateEnabled(true).build());
  }

  @Override
  public Future<ObjectInfo> put(String key, Body body, ObjectAttributes attributes) {
    Map<String, String> metadata = metadata(attributes);
    return transfers.put(key, body, attributes.contentType(), metadata)
        .map(etag -> new ObjectInfo(key, body.length(), attributes.contentType(), etag, null, metadata));
  }

  @Override
  public Future<MultipartUpload> startMultipart(String key, ObjectAttributes attributes) {
    return createMultipart(key, attributes).map(uploadId -> new S3Multipart(key, uploadId, attributes));
  }

  @Override
  public Future<Void> tag(String key, Map<String, String> tags) {
    List<Tag> tagList = tags.entrySet().stream()
        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    return call(() -> client.putObjectTagging(r -> r.bucket(bucket).key(key)
        .tagging(Tagging.builder().tagSet(tagList).build()))).mapEmpty();
  }

  @Override
  public Future<Optional<ObjectInfo>> head(String key) {
    return call(() -> client.headObject(r -> r.bucket(bucket).key(key)))
        .map(response -> Optional.of(info(key, response)))
        .recover(failure -> failure instanceof ApiException api && api.code() == ErrorCode.NOT_FOUND
            ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(failure));
  }

  @Override
  public Future<ObjectContent> get(String key, long first, long last) {
    return transfers.get(key, first, last);
  }

  @Override
  public Future<Void> delete(String key) {
    return call(() -> client.deleteObject(r -> r.bucket(bucket).key(key))).mapEmpty();
  }

  @Override
  public Future<Integer> abortMultipartUploads(String key) {
    return call(() -> client.listMultipartUploads(r -> r.bucket(bucket).prefix(key))).compose(listing -> {
      List<Future<Void>> aborts = listing.uploads().stream()
          .filter(upload -> upload.key().equals(key))
          .map(upload -> call(() -> client.abortMultipartUpload(r -> r.bucket(bucket).key(key)
              .uploadId(upload.uploadId()))).<Void>mapEmpty())
          .toList();
      return Future.all(aborts).map(all -> aborts.size());
    });
  }

  @Override
  public Future<Integer> deleteUnder(String prefix) {
    return deleteUnder(prefix, null, 0);
  }

  /** One listing page at a time: a prefix holds few objects in practice, but nothing assumes it. */
  private Future<Integer> deleteUnder(String prefix, String continuation, int deletedSoFar) {
    return call(() -> client.listObjectsV2(r -> r.bucket(bucket).prefix(prefix).continuationToken(continuation)))
        .compose(page -> {
          List<Future<Void>> deletes = page.contents().stream().map(object -> delete(object.key())).toList();
          int deleted = deletedSoFar + deletes.size();
          return Future.all(deletes).compose(all -> Boolean.TRUE.equals(page.isTruncated())
              ? deleteUnder(prefix, page.nextContinuationToken(), deleted) : Future.succeededFuture(deleted));
        });
  }

  @Override
  public Future<Void> close() {
    client.close();
    http.close();
    return transfers.close();
  }

  /**
   * Resumable uploads' assemblies on this store's clients: each one a multipart upload that
   * outlives a request, its upload id and parts' ETags kept by the caller as opaque state.
   */
  public AssembledObjects assembledObjects() {
    return new S3AssembledObjects(this);
  }

  /** Starts a multipart upload; completes with its upload id. */
  Future<String> createMultipart(String key, ObjectAttributes attributes) {
    return call(() -> client.createMultipartUpload(r -> r.bucket(bucket).key(key)
            .contentType(attributes.contentType())
            .metadata(metadata(attributes))))
        .map(response -> response.uploadId());
  }

  /** Uploads (or replaces) one part; completes with its ETag. */
  Future<String> uploadPart(String key, String uploadId, int partNumber, Body body) {
    return transfers.uploadPart(key, uploadId, partNumber, body);
  }

  /** Completes with the given parts, part number i + 1 having ETag {@code partEtags.get(i)}. */
  Future<ObjectInfo> completeMultipart(String key, String uploadId, List<String> partEtags, long size,
      ObjectAttributes attributes) {
    List<CompletedPart> parts = new ArrayList<>(partEtags.size());
    for (int i = 0; i < partEtags.size(); i++) {
      parts.add(CompletedPart.builder().partNumber(i + 1).eTag(partEtags.get(i)).build());
    }
    // Assembling thousands of parts can take S3 a long time; only this call gets that long.
    return call(() -> client.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
            .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())
            .overrideConfiguration(o -> o.apiCallAttemptTimeout(COMPLETE_TIMEOUT).apiCallTimeout(COMPLETE_TIMEOUT))))
        .map(response -> new ObjectInfo(key, size, attributes.contentType(), response.eTag(), null,
            metadata(attributes)));
  }

  /** Aborts one multipart upload; an unknown (already aborted or completed) one succeeds. */
  Future<Void> abortMultipart(String key, String uploadId) {
    return call(() -> client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)))
        .<Void>mapEmpty()
        .recover(failure -> failure instanceof ApiException api && api.code() == ErrorCode.NOT_FOUND
            ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  /** One request's multipart upload: it keeps its parts' ETags itself. */
  private final class S3Multipart implements MultipartUpload {
    private final String key;
    private final String uploadId;
    private final ObjectAttributes attributes;
    private final SortedMap<Integer, String> etags = new TreeMap<>();
    private long size;

    S3Multipart(String key, String uploadId, ObjectAttributes attributes) {
      this.key = key;
      this.uploadId = uploadId;
      this.attributes = attributes;
    }

    @Override
    public String key() {
      return key;
    }

    @Override
    public Future<Void> uploadPart(int partNumber, Body body) {
      return S3MediaStore.this.uploadPart(key, uploadId, partNumber, body).map(etag -> {
        synchronized (etags) {
          etags.put(partNumber, etag);
          size += body.length();
        }
        return null;
      });
    }

    @Override
    public Future<ObjectInfo> complete() {
      List<String> ordered;
      long total;
      synchronized (etags) {
        ordered = List.copyOf(etags.values());
        total = size;
      }
      return completeMultipart(key, uploadId, ordered, total, attributes);
    }

    @Override
    public Future<Void> abort() {
      return abortMultipart(key, uploadId);
    }
  }

  private static Map<String, String> metadata(ObjectAttributes attributes) {
    Map<String, String> meta = new HashMap<>();
    // S3 metadata is ASCII only; user ids are not.
    meta.put(OWNER, URLEncoder.encode(attributes.owner(), StandardCharsets.UTF_8));
    attributes.extra().forEach((k, v) -> meta.put(k, URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return meta;
  }

  /** S3 metadata values as we wrote them (URL-encoded, since metadata is ASCII only), decoded. */
  static Map<String, String> decode(Map<String, String> metadata) {
    Map<String, String> out = new HashMap<>();
    metadata.forEach((k, v) -> out.put(k, URLDecoder.decode(v, StandardCharsets.UTF_8)));
    return out;
  }

  private static ObjectInfo info(String key, HeadObjectResponse r) {
    return new ObjectInfo(key, r.contentLength(), r.contentType(), r.eTag(), r.lastModified(), decode(r.metadata()));
  }

  /** Runs an SDK call and brings its outcome back to the caller's context, errors translated. */
  private <T> Future<T> call(Supplier<CompletableFuture<T>> sdkCall) {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<T> future;
    try {
      future = sdkCall.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(translate(e));
    }
    return Future.fromCompletionStage(future, context).recover(failure -> Future.failedFuture(translate(failure)));
  }

  private static ApiException translate(Throwable failure) {
    return S3Errors.translate(failure);
  }
}
