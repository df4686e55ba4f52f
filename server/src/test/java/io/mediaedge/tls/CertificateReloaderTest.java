package io.mediaedge.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.EdgeConfig.HttpsConfig;
import io.mediaedge.config.HstsConfig;
import io.mediaedge.config.TlsConfig;
import io.mediaedge.config.TlsConfig.CertificateFiles;
import io.mediaedge.devstack.DevCertificates;
import io.mediaedge.devstack.DevCertificates.KeyType;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reloader against a real TLS listener (OpenSSL engine when it loads): SNI picks certificates
 * by name, a broken replacement is refused while the old certificate keeps serving, and a good one
 * is served to new handshakes while open connections keep working.
 */
class CertificateReloaderTest {
  private static final String EU = "upload-eu.example.test";

  @TempDir Path dir;
  private Vertx vertx;
  private HttpServer server;
  private CertificateReloader reloader;
  private final List<CertificateSet> reloaded = new CopyOnWriteArrayList<>();
  private Path chain;
  private Path key;
  private SSLContext client;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Path ca = dir.resolve("ca");
    chain = dir.resolve("server.pem");
    key = dir.resolve("server-key.pem");
    DevCertificates.issueServer(ca, chain, key, KeyType.EC_P256, List.of("localhost"));
    Path euChain = dir.resolve("eu.pem");
    Path euKey = dir.resolve("eu-key.pem");
    DevCertificates.issueServer(ca, euChain, euKey, KeyType.RSA_2048, List.of(EU));
    HttpsConfig https = new HttpsConfig(true, 0, chain, key, true, false, new TlsConfig(
        List.of(new CertificateFiles(euChain, euKey)), Optional.empty(), Duration.ofMillis(200)),
        List.of("TLS_AES_128_GCM_SHA256"), new HstsConfig(Duration.ZERO, false));
    reloader = CertificateReloader.load(vertx, https, Clock.systemUTC(), reloaded::add);

    HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
        .setKeyCertOptions(reloader.current().keyCertOptions()).setSni(true);
    if (OpenSSLEngineOptions.isAvailable()) {
      options.setSslEngineOptions(new OpenSSLEngineOptions());
    }
    server = vertx.createHttpServer(options).requestHandler(request -> request.response().end("ok"))
        .listen().await(10, TimeUnit.SECONDS);
    reloader.attach(server, set -> options.getSslOptions().copy().setKeyCertOptions(set.keyCertOptions()));
    client = TlsClients.context(TlsClients.trusting(ca.resolve("ca.pem")));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private String servedPin(String serverName) throws Exception {
    try (var connection = new TlsClients.Connection(TlsClients.context(TlsClients.trusting(dir.resolve("ca/ca.pem"))),
        server.actualPort(), serverName, false)) {
      return SpkiPin.of(connection.serverCertificate());
    }
  }

  private boolean check() throws Exception {
    return reloader.check().await(10, TimeUnit.SECONDS);
  }

  @Test
  void sniPicksTheCertificateByNameAndTheDefaultOtherwise() throws Exception {
    CertificateSet set = reloader.current();
    String defaultPin = set.defaultCertificate().pin();
    String euPin = set.forServerName(EU).orElseThrow().pin();

    assertNotEquals(defaultPin, euPin);
    assertEquals(euPin, servedPin(EU));
    assertEquals(euPin, servedPin("UPLOAD-EU.example.test"));
    assertEquals(defaultPin, servedPin("localhost"));
    for (int i = 0; i < 5; i++) {
      assertEquals(defaultPin, servedPin("unknown.example.test"), "an unknown name always gets the default");
    }
  }

  @Test
  void brokenReplacementIsRefusedAndAGoodOneIsServedWhileOpenConnectionsKeepWorking() throws Exception {
    String oldPin = reloader.current().defaultCertificate().pin();
    try (var open = new TlsClients.Connection(client, server.actualPort(), "localhost")) {
      assertEquals(200, open.get("/").status());
      assertFalse(check(), "nothing changed yet");

      // A new certificate next to the old key (a half-finished copy): refused, the old pair stays.
      Path next = dir.resolve("next");
      Files.createDirectories(next);
      DevCertificates.issueServer(dir.resolve("ca"), next.resolve("server.pem"), next.resolve("server-key.pem"),
          KeyType.EC_P256, List.of("localhost"));
      Files.copy(next.resolve("server.pem"), chain, StandardCopyOption.REPLACE_EXISTING);
      assertFalse(check());
      assertEquals(oldPin, servedPin("localhost"));

      // An expired pair: refused too.
      TestCertificates.selfSigned(dir.resolve("expired.pem"), dir.resolve("expired-key.pem"), "localhost",
          Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
      Files.copy(dir.resolve("expired-key.pem"), key, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(dir.resolve("expired.pem"), chain, StandardCopyOption.REPLACE_EXISTING);
      assertFalse(check());
      assertEquals(oldPin, servedPin("localhost"));
      assertTrue(reloaded.isEmpty());

      // The matching key arrives: the new pair is served to new handshakes.
      Files.copy(next.resolve("server-key.pem"), key, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(next.resolve("server.pem"), chain, StandardCopyOption.REPLACE_EXISTING);
      assertTrue(check());
      String newPin = SpkiPin.of(PemBlocks.certificates(Files.readAllBytes(chain)).get(0));
      assertNotEquals(oldPin, newPin);
      assertEquals(newPin, servedPin("localhost"));
      assertEquals(newPin, reloader.current().defaultCertificate().pin());
      assertEquals(1, reloaded.size());

      // The connection opened before the swap still answers, on its original session.
      assertEquals(200, open.get("/").status());
      assertEquals(oldPin, SpkiPin.of(open.serverCertificate()));
    }
  }
}
