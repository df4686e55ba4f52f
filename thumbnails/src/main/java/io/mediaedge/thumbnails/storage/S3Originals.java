package io.mediaedge.thumbnails.storage;

import io.mediaedge.thumbnails.config.ThumbnailsConfig.StorageSection;
import io.mediaedge.thumbnails.work.Originals;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * {@link Originals} over S3 with the SDK's blocking client: the worker's decode threads read an
 * image as a stream and a video in ranges (the decoder pulls what it needs; nothing is written to
 * disk) and put each thumbnail, a few tens of KB, in one request.
 */
public final class S3Originals implements Originals, AutoCloseable {
  private final S3Client s3;
  private final String bucket;

  public S3Originals(StorageSection config, int connections) {
    var builder = S3Client.builder()
        .region(Region.of(config.region()))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build())
        .httpClientBuilder(Apache5HttpClient.builder().maxConnections(connections)
            .connectionTimeout(Duration.ofSeconds(5)).socketTimeout(config.readTimeout()))
        .credentialsProvider(config.accessKey().isPresent()
            ? StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey().get(),
                config.secretKey().orElseThrow()))
            : DefaultCredentialsProvider.builder().build());
    config.endpoint().ifPresent(builder::endpointOverride);
    this.s3 = builder.build();
    this.bucket = config.bucket();
  }

  @Override
  public InputStream open(String key) throws IOException {
    try {
      return s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build());
    } catch (SdkException e) {
      throw new IOException("S3 GET " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public SeekableByteChannel channel(String key) throws IOException {
    long size;
    try {
      size = s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).build()).contentLength();
    } catch (SdkException e) {
      throw new IOException("S3 HEAD " + key + ": " + e.getMessage(), e);
    }
    return new RangedObjectChannel((first, last) -> {
      try {
        return s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key)
            .range("bytes=" + first + "-" + last).build()).asByteArray();
      } catch (SdkException e) {
        throw new IOException("S3 GET " + key + " bytes " + first + "-" + last + ": " + e.getMessage(), e);
      }
    }, size);
  }

  @Override
  public void put(String key, byte[] bytes, String contentType) throws IOException {
    try {
      s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType)
          .contentLength((long) bytes.length).build(), RequestBody.fromBytes(bytes));
    } catch (SdkException e) {
      throw new IOException("S3 PUT " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build());
    } catch (SdkException e) {
      throw new IOException("S3 DELETE " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    s3.close();
  }
}
