package io.mediaedge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** The tus requests of tests that upload resumably on the side of what they test. */
final class TusUploads {
  private TusUploads() {}

  /** Creates an upload of {@code length} bytes; its Location. */
  static String create(EdgeClient client, String token, long length, String type) {
    HttpResponse<byte[]> made = client.send(client.request("/v1/uploads/", token).header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", String.valueOf(length)).header("Upload-Metadata", TusProtocolIT.metadata("filetype",
            type)).POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(201, made.statusCode(), () -> new String(made.body(), StandardCharsets.UTF_8));
    return made.headers().firstValue("Location").orElseThrow();
  }

  static HttpResponse<byte[]> patch(EdgeClient client, String location, String token, long offset, byte[] body) {
    return client.send(client.request(location, token).header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", String.valueOf(offset)).header("Content-Type", "application/offset+octet-stream")
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  static HttpResponse<byte[]> head(EdgeClient client, String location, String token) {
    return client.send(client.request(location, token).header("Tus-Resumable", "1.0.0")
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
  }
}
