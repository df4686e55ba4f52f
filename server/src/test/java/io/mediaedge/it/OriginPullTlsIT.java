package io.mediaedge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mediaedge.EdgeServer;
import io.mediaedge.devstack.DevCertificates;
import io.mediaedge.devstack.DevCertificates.CaFiles;
import io.mediaedge.tls.TlsClients;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Authenticated origin pulls: with {@code server.https.clientCaFile} set, only clients presenting
 * a certificate from that CA (Cloudflare's origin-pull CA in production) get an answer; without
 * it (the shared server) no client certificate is needed.
 */
class OriginPullTlsIT {
  private static TestStack stack;
  private static EdgeServer originPull;
  private static X509TrustManager devCa;
  private static Path dir;
  private static CaFiles pullCa;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    dir = Path.of("target/it/origin-pull").toAbsolutePath();
    Files.createDirectories(dir);
    pullCa = DevCertificates.newCa(dir, "origin-pull-ca");
    DevCertificates.issueClient(pullCa, dir.resolve("edge.pem"), dir.resolve("edge-key.pem"), "cdn-edge");
    CaFiles otherCa = DevCertificates.newCa(dir, "other-ca");
    DevCertificates.issueClient(otherCa, dir.resolve("stranger.pem"), dir.resolve("stranger-key.pem"), "stranger");
    originPull = stack.startServer(new JsonObject().put("server", new JsonObject().put("https",
        new JsonObject().put("clientCaFile", pullCa.cert().toString()))));
    devCa = TlsClients.trusting(stack.dev().tls().caCert());
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServer(originPull);
  }

  private static int health(SSLContext context, EdgeServer server) throws IOException {
    try (var connection = new TlsClients.Connection(context, server.httpsPort(), "localhost")) {
      return connection.get("/healthz").status();
    }
  }

  @Test
  void aClientWithoutACertificateIsRefused() throws Exception {
    SSLContext anonymous = TlsClients.context(devCa);
    assertThrows(IOException.class, () -> health(anonymous, originPull));
  }

  @Test
  void aClientCertificateFromAnotherCaIsRefused() throws Exception {
    SSLContext stranger = TlsClients.context(devCa, dir.resolve("stranger.pem"), dir.resolve("stranger-key.pem"));
    assertThrows(IOException.class, () -> health(stranger, originPull));
  }

  @Test
  void aClientCertificateFromTheConfiguredCaIsServed() throws Exception {
    SSLContext edge = TlsClients.context(devCa, dir.resolve("edge.pem"), dir.resolve("edge-key.pem"));
    assertEquals(200, health(edge, originPull));
    assertEquals(200, health(edge, originPull), "and again, on a new connection");
  }

  @Test
  void withoutAClientCaNoClientCertificateIsNeeded() throws Exception {
    assertEquals(200, health(TlsClients.context(devCa), stack.server()));
  }
}
