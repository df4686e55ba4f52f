package io.mediaedge.tls;

import io.mediaedge.config.ConfigException;
import io.mediaedge.config.EdgeConfig.HttpsConfig;
import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Refuses cipher suite names the TLS engine in use does not know. Neither engine complains at
 * start: an unknown name is dropped, and a list of only unknown names makes every handshake fail
 * while the server reports itself listening.
 */
final class CipherSuiteSupport {
  private CipherSuiteSupport() {}

  /** @throws ConfigException naming the first suite the engine would not offer */
  static void refuseUnknown(HttpsConfig https) {
    // The same choice as the listener's: OpenSSL when asked for and it loads, else the JDK's.
    boolean openssl = https.openssl() && OpenSSLEngineOptions.isAvailable();
    Set<String> jdkSuites = openssl ? Set.of() : jdkSuites();
    for (String suite : https.cipherSuites()) {
      // Netty's check takes IANA names and OpenSSL names alike.
      boolean known = openssl ? OpenSsl.isCipherSuiteAvailable(suite) : jdkSuites.contains(suite);
      if (!known) {
        throw new ConfigException("Option server.https.cipherSuites names " + suite + ", which the "
            + (openssl ? "OpenSSL" : "JDK") + " TLS engine does not offer"
            + (openssl ? "" : " (it takes IANA names such as TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 only)")
            + ": correct or remove it, or set it with MEDIA_EDGE_SERVER_HTTPS_CIPHER_SUITES.");
      }
    }
  }

  private static Set<String> jdkSuites() {
    try {
      return Set.copyOf(List.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK has no default TLS context", e);
    }
  }
}
