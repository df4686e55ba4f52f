package io.mediaedge.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.security.auth.x500.X500Principal;

/**
 * One certificate chain and its private key, read from disk and checked: the chain parses, the
 * key belongs to its first (leaf) certificate, and the leaf is valid now. Holds the host names the
 * leaf is for, its SPKI pin and a key manager ready for the TLS engine.
 */
public record ServedCertificate(Path certFile, Path keyFile, List<X509Certificate> chain, List<String> hostnames,
    String pin, KeyManagerFactory keyManagers) {

  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;
  /** Only for the in-memory key store the key manager is built from; it never leaves this JVM. */
  private static final char[] STORE_PASSWORD = "in-memory".toCharArray();

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /**
   * Reads and checks one pair; {@code label} names where it is configured, for the messages.
   *
   * @throws UnusableCertificateException saying what is wrong with which file
   */
  static ServedCertificate load(String label, Path certFile, Path keyFile, Instant now)
      throws UnusableCertificateException {
    String where = label + " (" + certFile + ", " + keyFile + ")";
    List<X509Certificate> chain;
    PrivateKey key;
    try {
      chain = PemBlocks.certificates(PemBlocks.read(certFile));
    } catch (IOException e) {
      throw new UnusableCertificateException(where + ": the certificate file cannot be read (" + e.getMessage() + ")");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new UnusableCertificateException(where + ": the certificate file does not parse (" + e.getMessage() + ")");
    }
    if (chain.isEmpty()) {
      throw new UnusableCertificateException(where + ": the certificate file holds no CERTIFICATE block");
    }
    try {
      key = PemBlocks.privateKey(PemBlocks.read(keyFile));
    } catch (IOException e) {
      throw new UnusableCertificateException(where + ": the key file cannot be read (" + e.getMessage() + ")");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new UnusableCertificateException(where + ": the key file is not usable: " + e.getMessage());
    }
    X509Certificate leaf = chain.get(0);
    if (!PemBlocks.sameKeyPair(key, leaf.getPublicKey())) {
      throw new UnusableCertificateException(where + ": the private key does not belong to the first certificate"
          + " of the chain (the leaf must come first, and key and certificate must be replaced together)");
    }
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      throw new UnusableCertificateException(where + ": the certificate expired on " + leaf.getNotAfter().toInstant());
    }
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      throw new UnusableCertificateException(where + ": the certificate is not valid before "
          + leaf.getNotBefore().toInstant());
    }
    return new ServedCertificate(certFile, keyFile, List.copyOf(chain), hostnames(leaf), SpkiPin.of(leaf),
        keyManagers(key, chain, where));
  }

  /** The DNS names and IP addresses of the subject alternative names, else the common name. */
  private static List<String> hostnames(X509Certificate leaf) {
    List<String> names = new ArrayList<>();
    try {
      if (leaf.getSubjectAlternativeNames() != null) {
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
          int type = (Integer) san.get(0);
          if (type == SAN_DNS || type == SAN_IP) {
            names.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      // no usable SAN extension: fall back to the common name
    }
    if (names.isEmpty()) {
      String subject = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
      for (String part : subject.split(",")) {
        if (part.startsWith("CN=")) {
          names.add(part.substring(3).toLowerCase(Locale.ROOT));
        }
      }
    }
    return List.copyOf(names);
  }

  private static KeyManagerFactory keyManagers(PrivateKey key, List<X509Certificate> chain, String where)
      throws UnusableCertificateException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("served", key, STORE_PASSWORD, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, STORE_PASSWORD);
      return factory;
    } catch (GeneralSecurityException | IOException e) {
      throw new UnusableCertificateException(where + ": the key and chain cannot be used for TLS (" + e + ")");
    }
  }

  /** Whether this certificate is for {@code serverName}: exactly, or through a one-label wildcard. */
  boolean matches(String serverName, boolean wildcard) {
    String name = serverName.toLowerCase(Locale.ROOT);
    for (String host : hostnames) {
      if (!wildcard && host.equals(name)) {
        return true;
      }
      if (wildcard && host.startsWith("*.")) {
        int dot = name.indexOf('.');
        if (dot > 0 && name.substring(dot).equals(host.substring(1))) {
          return true;
        }
      }
    }
    return false;
  }
}
