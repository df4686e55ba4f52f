package io.mediaedge.devstack;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dev certificate authority and a server certificate it signed, made on the developer's machine
 * at run time (private keys are never committed).
 *
 * <p>Files in the directory: {@code ca.pem} (what {@code curl --cacert} and clients trust),
 * {@code server.pem} (server certificate then CA), {@code server-key.pem} (PKCS#8) and
 * {@code ca-key.pem}. Existing files are reused while valid for more than a day; the CA key is kept
 * so that when the server certificate must be reissued (expiry, new host names) the CA, and with it
 * every {@code --cacert} a developer already copied, stays the same.
 */
public final class DevCertificates {

  private static final Logger LOG = LoggerFactory.getLogger(DevCertificates.class);
  private static final Duration CA_VALIDITY = Duration.ofDays(10 * 365);
  // Clients (Apple, browsers) refuse server certificates valid for more than ~398 days.
  private static final Duration SERVER_VALIDITY = Duration.ofDays(365);
  private static final Duration MIN_REMAINING = Duration.ofDays(1);
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final List<String> DEFAULT_NAMES = List.of("localhost", "127.0.0.1", "::1");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The PEM files a TLS server and its clients need. */
  public record TlsFiles(Path caCert, Path serverChain, Path serverKey) {}

  private record Issued(X509Certificate cert, PrivateKey key) {}

  private DevCertificates() {}

  /** See {@link #ensure(Path, Collection)}. */
  public static TlsFiles ensure(Path dir, String... extraNames) {
    return ensure(dir, List.of(extraNames));
  }

  /**
   * Makes sure {@code dir} holds a valid CA and a server certificate for localhost, 127.0.0.1, ::1
   * and {@code extraNames} (DNS names or IP literals), creating or reissuing what is missing.
   */
  public static TlsFiles ensure(Path dir, Collection<String> extraNames) {
    Set<String> names = new LinkedHashSet<>(DEFAULT_NAMES);
    names.addAll(extraNames);
    Path caPem = dir.resolve("ca.pem");
    Path caKeyPem = dir.resolve("ca-key.pem");
    Path serverPem = dir.resolve("server.pem");
    Path serverKeyPem = dir.resolve("server-key.pem");
    TlsFiles files = new TlsFiles(caPem, serverPem, serverKeyPem);
    return PemFiles.locked(dir, () -> {
      Instant validUntil = Instant.now().plus(MIN_REMAINING);
      Issued ca = load(caPem, caKeyPem);
      if (ca == null || !validAt(ca.cert(), validUntil)) {
        ca = newCa();
        PemFiles.write(caPem, pem(ca.cert()), false);
        PemFiles.write(caKeyPem, PemFiles.encode(PemFiles.PKCS8_LABEL, List.of(ca.key().getEncoded())), true);
        LOG.info("Created dev CA {} (valid until {})", caPem, ca.cert().getNotAfter().toInstant());
      } else {
        Issued server = load(serverPem, serverKeyPem);
        if (server != null && validAt(server.cert(), validUntil)
            && signedBy(server.cert(), ca.cert()) && covers(server.cert(), names)) {
          return files;
        }
      }
      Issued server = newServer(ca, names);
      PemFiles.write(serverPem, pem(server.cert()) + pem(ca.cert()), false);
      PemFiles.write(serverKeyPem,
          PemFiles.encode(PemFiles.PKCS8_LABEL, List.of(server.key().getEncoded())), true);
      LOG.info("Issued dev server certificate {} for {} (valid until {})", serverPem, names,
          server.cert().getNotAfter().toInstant());
      return files;
    });
  }

  /** A CA certificate and its private key (PEM files). */
  public record CaFiles(Path cert, Path key) {}

  /** The key types the dev certificates come in. */
  public enum KeyType { EC_P256, RSA_2048 }

  /**
   * A further server certificate from the dev CA in {@code caDir} (made if missing) for
   * {@code names}, with a new key: the chain (certificate, then CA) goes to {@code chainFile}, the
   * PKCS#8 key to {@code keyFile}. Used to swap certificates under a running server and for SNI.
   */
  public static TlsFiles issueServer(Path caDir, Path chainFile, Path keyFile, KeyType type,
      Collection<String> names) {
    TlsFiles caFiles = ensure(caDir);
    return PemFiles.locked(caDir, () -> {
      Issued ca = load(caFiles.caCert(), caDir.resolve("ca-key.pem"));
      if (ca == null) {
        throw new IllegalStateException("the dev CA in " + caDir + " is not usable");
      }
      Issued leaf = newLeaf(ca, new LinkedHashSet<>(names), keyPair(type), KeyPurposeId.id_kp_serverAuth);
      writeLeaf(leaf, ca, chainFile, keyFile);
      return new TlsFiles(caFiles.caCert(), chainFile, keyFile);
    });
  }

  /** A CA of its own, e.g. the one client certificates must come from: {@code dir/NAME.pem} and {@code NAME-key.pem}. */
  public static CaFiles newCa(Path dir, String name) {
    Issued ca = newCa("media-edge dev " + name);
    CaFiles files = new CaFiles(dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"));
    PemFiles.locked(dir, () -> {
      PemFiles.write(files.cert(), pem(ca.cert()), false);
      PemFiles.write(files.key(), PemFiles.encode(PemFiles.PKCS8_LABEL, List.of(ca.key().getEncoded())), true);
      return files;
    });
    return files;
  }

  /** A client certificate (TLS client authentication) for {@code commonName}, issued by {@code ca}. */
  public static void issueClient(CaFiles ca, Path chainFile, Path keyFile, String commonName) {
    Issued issuer = load(ca.cert(), ca.key());
    if (issuer == null) {
      throw new IllegalStateException("the CA " + ca.cert() + " is not usable");
    }
    Issued leaf = newLeaf(issuer, new LinkedHashSet<>(List.of(commonName)), ecKeyPair(),
        KeyPurposeId.id_kp_clientAuth);
    writeLeaf(leaf, issuer, chainFile, keyFile);
  }

  private static void writeLeaf(Issued leaf, Issued ca, Path chainFile, Path keyFile) {
    // Key first: a reloading server that sees the new certificate next to the old key refuses the
    // pair and looks again; the other order would be equally safe, just slower to settle.
    PemFiles.write(keyFile, PemFiles.encode(PemFiles.PKCS8_LABEL, List.of(leaf.key().getEncoded())), true);
    PemFiles.write(chainFile, pem(leaf.cert()) + pem(ca.cert()), false);
  }

  private static KeyPair keyPair(KeyType type) {
    if (type == KeyType.EC_P256) {
      return ecKeyPair();
    }
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make RSA keys", e);
    }
  }

  /** The certificates of a PEM file, in file order. */
  public static List<X509Certificate> readCertificates(Path pemFile) {
    List<X509Certificate> certs = new ArrayList<>();
    for (byte[] der : PemFiles.read(pemFile, "CERTIFICATE")) {
      try {
        certs.add((X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der)));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(pemFile + " holds a certificate that does not parse", e);
      }
    }
    return certs;
  }

  /** A PKCS#8 EC private key file. */
  public static PrivateKey readEcPrivateKey(Path pemFile) throws GeneralSecurityException {
    byte[] der = PemFiles.read(pemFile, PemFiles.PKCS8_LABEL).get(0);
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  /** The first certificate and the key, if both files exist, parse and belong together. */
  private static Issued load(Path certPem, Path keyPem) {
    if (!Files.isRegularFile(certPem) || !Files.isRegularFile(keyPem)) {
      return null;
    }
    try {
      X509Certificate cert = readCertificates(certPem).get(0);
      PrivateKey key = readEcPrivateKey(keyPem);
      return PemFiles.pairMatches(key, cert.getPublicKey()) ? new Issued(cert, key) : null;
    } catch (RuntimeException | GeneralSecurityException unusable) {
      LOG.warn("Replacing unusable dev TLS files {} / {}: {}", certPem, keyPem, unusable.toString());
      return null;
    }
  }

  private static boolean validAt(X509Certificate cert, Instant instant) {
    return cert.getNotAfter().toInstant().isAfter(instant)
        && cert.getNotBefore().toInstant().isBefore(Instant.now());
  }

  private static boolean signedBy(X509Certificate cert, X509Certificate ca) {
    try {
      cert.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Whether every wanted name is among the certificate's subject alternative names. */
  private static boolean covers(X509Certificate cert, Set<String> names) {
    try {
      Set<String> present = new LinkedHashSet<>();
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          present.add(normalise(String.valueOf(san.get(1))));
        }
      }
      return names.stream().map(DevCertificates::normalise).allMatch(present::contains);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** One spelling per name: lower-case DNS names, canonical IP addresses ("::1" vs "0:0:...:1"). */
  private static String normalise(String name) {
    return isIpLiteral(name) ? ipLiteral(name).getHostAddress() : name.toLowerCase(Locale.ROOT);
  }

  private static boolean isIpLiteral(String name) {
    return IPV4.matcher(name).matches() || name.contains(":");
  }

  private static InetAddress ipLiteral(String name) {
    try {
      return InetAddress.getByName(name); // a literal: parsed, no DNS lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + name, e);
    }
  }

  private static Issued newCa() {
    // The date tells apart CAs made on different days in a trust store or a browser's list.
    return newCa("media-edge dev CA " + Instant.now().toString().substring(0, 10));
  }

  private static Issued newCa(String commonName) {
    KeyPair keys = ecKeyPair();
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=" + commonName + ",O=media-edge dev");
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), name,
          keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new Issued(sign(builder, keys.getPrivate()), keys.getPrivate());
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("could not create the dev CA", e);
    }
  }

  private static Issued newServer(Issued ca, Set<String> names) {
    return newLeaf(ca, names, ecKeyPair(), KeyPurposeId.id_kp_serverAuth);
  }

  /** A certificate for {@code names} (the first is also its CN) and the given purpose, signed by {@code ca}. */
  private static Issued newLeaf(Issued ca, Set<String> names, KeyPair keys, KeyPurposeId purpose) {
    Instant now = Instant.now();
    Instant caEnd = ca.cert().getNotAfter().toInstant();
    Instant notAfter = now.plus(SERVER_VALIDITY).isBefore(caEnd) ? now.plus(SERVER_VALIDITY) : caEnd;
    List<GeneralName> sans = new ArrayList<>();
    for (String n : names) {
      sans.add(isIpLiteral(n)
          ? new GeneralName(GeneralName.iPAddress, ipLiteral(n).getHostAddress())
          : new GeneralName(GeneralName.dNSName, n));
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.cert(), serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(notAfter),
          new X500Name("CN=" + names.iterator().next() + ",O=media-edge dev"), keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage("RSA".equals(keys.getPublic().getAlgorithm())
              ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(sans.toArray(GeneralName[]::new)))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(keys.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(ca.cert()));
      return new Issued(sign(builder, ca.key()), keys.getPrivate());
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("could not issue the dev certificate for " + names, e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make P-256 keys", e);
    }
  }

  /** Positive, random, 127 bits: unique per certificate, within RFC 5280's 20-byte limit. */
  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).setBit(126);
  }

  private static String pem(X509Certificate cert) {
    try {
      return PemFiles.encode("CERTIFICATE", List.of(cert.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
