package io.mediaedge.tls;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What a pinning client does, in test form: trust a CA, require a pin, present a client
 * certificate, send HTTP/1.1 requests on one kept-alive TLS connection and see which certificate
 * the server presented.
 */
public final class TlsClients {
  private TlsClients() {}

  /** Trust managers for the CA certificates of a PEM file. */
  public static X509TrustManager trusting(Path caPem) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    List<X509Certificate> cas = PemBlocks.certificates(Files.readAllBytes(caPem));
    for (int i = 0; i < cas.size(); i++) {
      store.setCertificateEntry("ca" + i, cas.get(i));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return (X509TrustManager) factory.getTrustManagers()[0];
  }

  /**
   * A trust manager that accepts a server only when its chain is trusted and its leaf's SPKI pin is
   * one of {@code pins} (what OkHttp's CertificatePinner and TrustKit do).
   */
  public static X509TrustManager pinning(X509TrustManager chainCheck, Set<String> pins) {
    return new X509TrustManager() {
      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        chainCheck.checkServerTrusted(chain, authType);
        String pin = SpkiPin.of(chain[0]);
        if (!pins.contains(pin)) {
          throw new CertificateException("certificate pin " + pin + " is not one of " + pins);
        }
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException("a client-side trust manager");
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return chainCheck.getAcceptedIssuers();
      }
    };
  }

  /** A fresh context (no cached sessions: every connection does a full handshake). */
  public static SSLContext context(TrustManager trust) throws Exception {
    return context(trust, null, null);
  }

  /** A fresh context that presents the client certificate in {@code chainPem} / {@code keyPem}. */
  public static SSLContext context(TrustManager trust, Path chainPem, Path keyPem) throws Exception {
    KeyManagerFactory keys = null;
    if (chainPem != null) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      PrivateKey key = PemBlocks.privateKey(Files.readAllBytes(keyPem));
      char[] password = "client".toCharArray();
      store.setKeyEntry("client", key, password,
          PemBlocks.certificates(Files.readAllBytes(chainPem)).toArray(new X509Certificate[0]));
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys == null ? null : keys.getKeyManagers(), new TrustManager[] {trust}, null);
    return context;
  }

  /** One TLS connection to 127.0.0.1 that names {@code serverName} (SNI), speaking HTTP/1.1. */
  public static final class Connection implements AutoCloseable {
    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;

    public Connection(SSLContext context, int port, String serverName) throws IOException {
      this(context, port, serverName, true);
    }

    /** As above; without {@code verifyHostname} a certificate for another name is accepted too. */
    public Connection(SSLContext context, int port, String serverName, boolean verifyHostname) throws IOException {
      this.host = serverName;
      socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
      socket.setSoTimeout(15_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(serverName)));
      parameters.setApplicationProtocols(new String[] {"http/1.1"});
      parameters.setEndpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    /** The leaf certificate the server presented in this connection's handshake. */
    public X509Certificate serverCertificate() throws IOException {
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    /** GET {@code path} on this connection, kept alive; returns the status and body. */
    public Response get(String path) throws IOException {
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: keep-alive\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = line();
      if (status == null) {
        throw new IOException("the server closed the connection");
      }
      int length = 0;
      for (String header = line(); header != null && !header.isEmpty(); header = line()) {
        if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(header.substring(15).trim());
        }
      }
      byte[] body = in.readNBytes(length);
      return new Response(Integer.parseInt(status.split(" ")[1]), new String(body, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b != -1; b = in.read()) {
        if (b == '\n') {
          return line.toString(StandardCharsets.US_ASCII).stripTrailing();
        }
        line.write(b);
      }
      return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** A status and body. */
  public record Response(int status, String body) {}
}
