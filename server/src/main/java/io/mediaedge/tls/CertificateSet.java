package io.mediaedge.tls;

import io.mediaedge.config.EdgeConfig.HttpsConfig;
import io.mediaedge.config.TlsConfig.CertificateFiles;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;

/**
 * Everything the TLS listener serves at one moment: the default certificate, the certificates
 * picked by SNI for further host names, and the CA client certificates must come from. Immutable:
 * a reload builds a new set and swaps it in whole, so a handshake never sees half of two versions.
 */
public final class CertificateSet {
  private final List<ServedCertificate> certificates;
  private final byte[] clientCaPem;
  private final Instant loadedAt;

  private CertificateSet(List<ServedCertificate> certificates, byte[] clientCaPem, Instant loadedAt) {
    this.certificates = certificates;
    this.clientCaPem = clientCaPem;
    this.loadedAt = loadedAt;
  }

  /**
   * Reads and checks every file the configuration names (blocking: call it off the event loops).
   *
   * @throws UnusableCertificateException naming the first file that cannot be served and why
   */
  public static CertificateSet load(HttpsConfig https, Instant now) throws UnusableCertificateException {
    List<ServedCertificate> served = new ArrayList<>();
    served.add(ServedCertificate.load("server.https.certFile/keyFile", https.certFile(), https.keyFile(), now));
    List<CertificateFiles> sni = https.tls().sniCertificates();
    for (int i = 0; i < sni.size(); i++) {
      served.add(ServedCertificate.load("server.https.sniCertificates entry " + (i + 1), sni.get(i).certFile(),
          sni.get(i).keyFile(), now));
    }
    byte[] caPem = null;
    Optional<Path> caFile = https.tls().clientCaFile();
    if (caFile.isPresent()) {
      caPem = clientCa(caFile.get(), now);
    }
    return new CertificateSet(List.copyOf(served), caPem, now);
  }

  /** The files a reload watches: every certificate, key and CA file the configuration names. */
  public static List<Path> files(HttpsConfig https) {
    List<Path> files = new ArrayList<>(List.of(https.certFile(), https.keyFile()));
    for (CertificateFiles pair : https.tls().sniCertificates()) {
      files.add(pair.certFile());
      files.add(pair.keyFile());
    }
    https.tls().clientCaFile().ifPresent(files::add);
    return List.copyOf(files);
  }

  private static byte[] clientCa(Path file, Instant now) throws UnusableCertificateException {
    String where = "server.https.clientCaFile (" + file + ")";
    try {
      byte[] pem = PemBlocks.read(file);
      List<X509Certificate> cas = PemBlocks.certificates(pem);
      if (cas.isEmpty()) {
        throw new UnusableCertificateException(where + ": the file holds no CERTIFICATE block");
      }
      for (X509Certificate ca : cas) {
        if (now.isAfter(ca.getNotAfter().toInstant())) {
          throw new UnusableCertificateException(where + ": the CA certificate " + ca.getSubjectX500Principal()
              + " expired on " + ca.getNotAfter().toInstant());
        }
      }
      return pem;
    } catch (IOException e) {
      throw new UnusableCertificateException(where + ": the file cannot be read (" + e.getMessage() + ")");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new UnusableCertificateException(where + ": the file does not parse (" + e.getMessage() + ")");
    }
  }

  /** The certificate served when the client names no host, or one no certificate is for. */
  public ServedCertificate defaultCertificate() {
    return certificates.get(0);
  }

  /** Every served certificate, the default first. */
  public List<ServedCertificate> certificates() {
    return certificates;
  }

  public boolean hasSniCertificates() {
    return certificates.size() > 1;
  }

  public Instant loadedAt() {
    return loadedAt;
  }

  /**
   * The certificate for a name the client sent (SNI): an exact host name first, then a wildcard;
   * empty when none is for it (the default is served then).
   */
  public Optional<ServedCertificate> forServerName(String serverName) {
    if (serverName == null || serverName.isEmpty()) {
      return Optional.empty();
    }
    for (boolean wildcard : new boolean[] {false, true}) {
      for (ServedCertificate certificate : certificates) {
        if (certificate.matches(serverName, wildcard)) {
          return Optional.of(certificate);
        }
      }
    }
    return Optional.empty();
  }

  /** Host name to the pins of the certificates served for it, in configuration order. */
  public Map<String, List<String>> pinsByHostname() {
    Map<String, List<String>> pins = new LinkedHashMap<>();
    for (ServedCertificate certificate : certificates) {
      for (String host : certificate.hostnames()) {
        List<String> list = pins.computeIfAbsent(host, h -> new ArrayList<>());
        if (!list.contains(certificate.pin())) {
          list.add(certificate.pin());
        }
      }
    }
    pins.replaceAll((host, list) -> List.copyOf(list));
    return Collections.unmodifiableMap(pins);
  }

  /** The served certificates as Vert.x key options (the default, and the SNI choice by name). */
  public KeyCertOptions keyCertOptions() {
    return new SetKeyCertOptions(this);
  }

  /** The client CA as Vert.x trust options, when client certificates are required. */
  public Optional<TrustOptions> clientTrust() {
    return clientCaPem == null ? Optional.empty()
        : Optional.of(new PemTrustOptions().addCertValue(Buffer.buffer(clientCaPem)));
  }

  /**
   * Key options over this set's ready-made key managers. The default is always the default
   * certificate (a key store holding every pair would let the TLS engine pick any of them), and
   * SNI names map to their own certificate. Equal only for the same set (sets compare by
   * identity): each loaded set is a version of its own, which Vert.x's context cache must tell apart.
   */
  private record SetKeyCertOptions(CertificateSet set) implements KeyCertOptions {
    @Override
    public KeyCertOptions copy() {
      return this;
    }

    @Override
    public KeyManagerFactory getKeyManagerFactory(Vertx vertx) {
      return set.defaultCertificate().keyManagers();
    }

    @Override
    public Function<String, KeyManagerFactory> keyManagerFactoryMapper(Vertx vertx) {
      return name -> set.forServerName(name).map(ServedCertificate::keyManagers).orElse(null);
    }
  }
}
