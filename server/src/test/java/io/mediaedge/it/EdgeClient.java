package io.mediaedge.it;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import io.mediaedge.devstack.DevCertificates;

/** A JDK HTTP client that trusts the dev CA, with small helpers for the API's calls. */
public final class EdgeClient {
  private final HttpClient client;
  private final URI base;

  public EdgeClient(URI base, Path caFile, HttpClient.Version version) {
    this.base = base;
    this.client = HttpClient.newBuilder()
        .version(version)
        .sslContext(trusting(caFile))
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  public static EdgeClient http2(TestStack stack) {
    return new EdgeClient(stack.https(), stack.dev().tls().caCert(), HttpClient.Version.HTTP_2);
  }

  public static EdgeClient http11(TestStack stack) {
    return new EdgeClient(stack.https(), stack.dev().tls().caCert(), HttpClient.Version.HTTP_1_1);
  }

  public static SSLContext trusting(Path caFile) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      List<X509Certificate> cas = DevCertificates.readCertificates(caFile);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca" + i, cas.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException("cannot trust " + caFile, e);
    }
  }

  public HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(2));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  public HttpResponse<byte[]> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<InputStream> stream(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
  }

  /** POST /v1/media with a known length. */
  public HttpResponse<byte[]> upload(String token, String contentType, byte[] body) {
    return send(request("/v1/media", token).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  /** POST /v1/media with no declared length (chunked on HTTP/1.1). */
  public HttpResponse<byte[]> uploadStreaming(String token, String contentType, InputStream body) {
    return send(request("/v1/media", token).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build());
  }

  public HttpResponse<byte[]> get(String path, String token, String... headers) {
    HttpRequest.Builder builder = request(path, token).GET();
    if (headers.length > 0) {
      builder.headers(headers);
    }
    return send(builder.build());
  }

  public HttpResponse<byte[]> delete(String path, String token) {
    return send(request(path, token).DELETE().build());
  }

  public static JsonObject json(HttpResponse<byte[]> response) {
    return new JsonObject(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
  }
}
