package io.mediaedge.http;

import io.mediaedge.config.EdgeConfig.ServerConfig;
import io.mediaedge.config.EdgeConfig.HttpsConfig;
import io.mediaedge.tls.CertificateSet;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Socket, TLS and protocol settings for our listeners; Vert.x's defaults have no timeouts at all. */
public final class ListenerOptions {
  private static final Logger log = LoggerFactory.getLogger(ListenerOptions.class);
  /** HTTP/2 flow-control window per stream: large enough for full speed over long round trips. */
  static final int HTTP2_STREAM_WINDOW = 1 << 20;
  /**
   * HTTP/2 flow-control window of a whole connection. HTTP/2's default (64 KiB) would cap every
   * upload on the connection at one 64 KiB round trip at a time, however large its stream's window:
   * over HTTP/2 a large upload ran at half its HTTP/1.1 speed on loopback. Two streams' worth lets
   * one upload use its whole window and a second one still move; it is also the most a connection
   * can push at us before we read it.
   */
  static final int HTTP2_CONNECTION_WINDOW = 2 * HTTP2_STREAM_WINDOW;
  private static volatile boolean engineLogged;

  private ListenerOptions() {}

  /**
   * The plain listener speaks HTTP/1.x only: with h2c, Vert.x would decode a connection's first
   * request before our strict decoder could take over (see {@code HttpVerticle}).
   */
  static HttpServerOptions plain(ServerConfig config) {
    return common(config).setPort(config.http().port()).setHttp2ClearTextEnabled(false);
  }

  /**
   * The TLS listener serving {@code certificates}: the default certificate, SNI certificates when
   * configured, and a required client certificate when {@code server.https.clientCaFile} is set;
   * TLS 1.2 and 1.3 with the configured cipher suites only (AEAD ones by default).
   */
  static HttpServerOptions https(ServerConfig config, CertificateSet certificates) {
    HttpsConfig https = config.https();
    HttpServerOptions options = common(config)
        .setPort(https.port())
        .setSsl(true)
        .setKeyCertOptions(certificates.keyCertOptions())
        .setSni(certificates.hasSniCertificates())
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
        .setSslHandshakeTimeout(config.headerTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    https.cipherSuites().forEach(options::addEnabledCipherSuite);
    certificates.clientTrust().ifPresent(trust -> options.setTrustOptions(trust).setClientAuth(ClientAuth.REQUIRED));
    options.setSslEngineOptions(engine(https.openssl()));
    if (https.http2()) {
      options.setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    }
    return options;
  }

  /**
   * What a running TLS listener is updated with when the certificates change: the same TLS
   * settings as at start, over the new set.
   */
  static ServerSSLOptions sslOptions(ServerConfig config, CertificateSet certificates) {
    return https(config, certificates).getSslOptions().copy();
  }

  /** The OpenSSL engine when it loads, else the JDK's; which one is in use is logged once. */
  public static io.vertx.core.net.SSLEngineOptions engine(boolean preferOpenSsl) {
    boolean openssl = preferOpenSsl && OpenSSLEngineOptions.isAvailable();
    if (!engineLogged) {
      engineLogged = true;
      if (openssl) {
        log.info("TLS engine: OpenSSL (netty-tcnative)");
      } else if (preferOpenSsl) {
        log.warn("TLS engine: JDK (OpenSSL via netty-tcnative did not load on this platform)");
      } else {
        log.info("TLS engine: JDK (OpenSSL disabled by server.https.openssl)");
      }
    }
    return openssl ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
  }

  private static HttpServerOptions common(ServerConfig config) {
    var server = config;
    HttpServerOptions options = new HttpServerOptions()
        .setHost(server.host())
        .setIdleTimeout((int) server.idleTimeout().toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setMaxHeaderSize(server.maxHeaderSize())
        .setMaxInitialLineLength(server.maxInitialLineLength())
        .setMaxChunkSize(server.maxChunkSize())
        .setHandle100ContinueAutomatically(false)
        .setCompressionSupported(false)
        .setTcpNoDelay(true)
        .setHttp2ConnectionWindowSize(HTTP2_CONNECTION_WINDOW)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(HTTP2_STREAM_WINDOW)
            .setMaxHeaderListSize(server.maxHeaderSize()));
    return options;
  }
}
