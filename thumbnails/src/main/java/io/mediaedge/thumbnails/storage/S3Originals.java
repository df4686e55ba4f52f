package io.mediaedge.thumbnails.storage;

import io.mediaedge.thumbnails.config.ThumbnailsConfig.StorageSection;
import io.mediaedge.thumbnails.work.Originals;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
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
    ResponseInputStream<GetObjectResponse> body;
    try {
      body = s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build());
    } catch (SdkException e) {
      throw new IOException("S3 GET " + key + ": " + e.getMessage(), e);
    }
    return new AbortUnlessRead(body);
  }

  /**
   * Closing a response the decoder did not read to its end aborts its connection: closed as it is,
   * the HTTP client would read the rest to reuse the connection, and an original refused from its
   * header (a bomb, an oversized file) would still be downloaded whole.
   */
  private static final class AbortUnlessRead extends FilterInputStream {
    private final ResponseInputStream<GetObjectResponse> body;
    private boolean ended;

    AbortUnlessRead(ResponseInputStream<GetObjectResponse> body) {
      super(body);
      this.body = body;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      ended |= b < 0;
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      ended |= n < 0;
      return n;
    }

    @Override
    public void close() throws IOException {
      if (!ended) {
        body.abort();
      }
      super.close();
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
