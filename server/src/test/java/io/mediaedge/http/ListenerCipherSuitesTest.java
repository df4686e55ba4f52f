package io.mediaedge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.EdgeConfig;
import io.mediaedge.devstack.DevCertificates;
import io.mediaedge.devstack.DevJwtKeys;
import io.mediaedge.tls.CertificateSet;
import io.mediaedge.tls.OpenSsl;
import io.mediaedge.tls.TlsClients;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTPS listener's cipher suites over real sockets, with the committed configuration, on both
 * TLS engines: a TLS 1.2 client that offers only CBC suites (SHA-1 or SHA-256 MACs, open to
 * LUCKY13) gets no handshake; AEAD suites and TLS 1.3 do. Checked with a JDK client and, where it
 * is installed, the openssl command line that testssl.sh and operators use.
 */
class ListenerCipherSuitesTest {
  private static final Path COMMITTED = Path.of("conf/media-edge.yaml");
  /** The CBC suites a default TLS 1.2 listener offered with the dev (EC P-256) certificate. */
  private static final List<String> CBC = List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA");

  @TempDir static Path dir;
  private static Vertx vertx;
  private static DevCertificates.TlsFiles tls;
  private static SSLContext client;
  private static int opensslPort;
  private static int jdkPort;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    tls = DevCertificates.ensure(dir.resolve("certs"));
    client = TlsClients.context(TlsClients.trusting(tls.caCert()));
    opensslPort = listen(true);
    jdkPort = listen(false);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /** A listener built by {@link ListenerOptions#https} from the committed file, on the chosen engine. */
  private static int listen(boolean openssl, String... extra) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "MEDIA_EDGE_SERVER_REGION", "eu",
        "MEDIA_EDGE_SERVER_HOST", "127.0.0.1",
        "MEDIA_EDGE_SERVER_HTTPS_PORT", "0",
        "MEDIA_EDGE_SERVER_HTTPS_OPENSSL", String.valueOf(openssl),
        "MEDIA_EDGE_SERVER_HTTPS_CERT_FILE", tls.serverChain().toString(),
        "MEDIA_EDGE_SERVER_HTTPS_KEY_FILE", tls.serverKey().toString(),
        "MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", DevJwtKeys.es256(dir.resolve("jwt")).publicKeyFile().toString()));
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    EdgeConfig config = EdgeConfig.load(COMMITTED, env);
    CertificateSet certificates = CertificateSet.load(config.server().https(), Instant.now());
    HttpServer server = vertx.createHttpServer(ListenerOptions.https(config.server(), certificates))
        .requestHandler(request -> request.response().end("ok"))
        .listen().await(10, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private static int port(String engine) {
    if (engine.equals("openssl")) {
      Assumptions.assumeTrue(OpenSSLEngineOptions.isAvailable(), "netty-tcnative does not load here");
      return opensslPort;
    }
    return jdkPort;
  }

  /** Handshakes as a JDK client offering only {@code suites} over {@code protocol}; returns the suite agreed. */
  private static String handshake(int port, String protocol, List<String> suites) throws IOException {
    try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.setEnabledProtocols(new String[] {protocol});
      socket.setEnabledCipherSuites(suites.toArray(String[]::new));
      socket.startHandshake();
      return socket.getSession().getCipherSuite();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"openssl", "jdk"})
  void tls12ClientOfferingOnlyCbcSuitesGetsNoHandshake(String engine) {
    int port = port(engine);
    for (String suite : CBC) {
      assertThrows(SSLHandshakeException.class, () -> handshake(port, "TLSv1.2", List.of(suite)), suite);
    }
    assertThrows(SSLHandshakeException.class, () -> handshake(port, "TLSv1.2", CBC), "all CBC suites at once");
  }

  @ParameterizedTest
  @ValueSource(strings = {"openssl", "jdk"})
  void aeadSuitesAndTls13AreAccepted(String engine) throws IOException {
    int port = port(engine);
    for (String suite : List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")) {
      assertEquals(suite, handshake(port, "TLSv1.2", List.of(suite)));
    }
    for (String suite : List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")) {
      assertEquals(suite, handshake(port, "TLSv1.3", List.of(suite)));
    }
    List<String> offered = List.of(((SSLSocket) client.getSocketFactory().createSocket()).getSupportedCipherSuites());
    assertTrue(Set.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256").contains(handshake(port, "TLSv1.2", offered)),
        "a client offering everything gets an AEAD suite over TLS 1.2");
  }

  /** The check testssl.sh makes: the suites it reported (AES256-SHA, ECDHE-ECDSA-AES128-SHA) are refused. */
  @ParameterizedTest
  @ValueSource(strings = {"openssl", "jdk"})
  void opensslClientGetsNoCbcSuiteButAnAeadOne(String engine) throws IOException {
    Assumptions.assumeTrue(OpenSsl.available(), "openssl is not installed");
    int port = port(engine);
    String connect = "openssl s_client -connect 127.0.0.1:" + port + " -servername localhost -tls1_2 -cipher ";
    for (String cbc : List.of("AES256-SHA", "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384")) {
      assertThrows(IOException.class, () -> OpenSsl.run("echo | " + connect + cbc), cbc);
    }
    String aead = OpenSsl.run("echo | " + connect + "ECDHE-ECDSA-AES128-GCM-SHA256");
    assertTrue(aead.contains("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"), aead);
  }

  @Test
  void theOpenSslEngineTakesOpenSslNamesToo() throws Exception {
    Assumptions.assumeTrue(OpenSSLEngineOptions.isAvailable(), "netty-tcnative does not load here");
    int port = listen(true, "MEDIA_EDGE_SERVER_HTTPS_CIPHER_SUITES", "ECDHE-ECDSA-AES128-GCM-SHA256");
    assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        handshake(port, "TLSv1.2", List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")));
    assertThrows(SSLHandshakeException.class,
        () -> handshake(port, "TLSv1.2", List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")), "only the one named");
  }
}
