package io.mediaedge.tls;

import io.mediaedge.config.ConfigException;
import io.mediaedge.config.EdgeConfig.ServerConfig;
import io.mediaedge.config.PinsConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The TLS side of the composition root: the served certificates and their reloader, and the
 * signed pin document. Everything is read and checked when it is built, so a broken certificate,
 * key, cipher suite list or pinning setup stops the start with a sentence instead of failing the
 * first handshake.
 */
public final class TlsModule {
  private final Vertx vertx;
  private final CertificateReloader reloader;
  private final PinPublisher pins;
  private long refreshTimer = -1;

  private TlsModule(Vertx vertx, CertificateReloader reloader, PinPublisher pins) {
    this.vertx = vertx;
    this.reloader = reloader;
    this.pins = pins;
  }

  /**
   * Loads the certificates and, when pinning is on, the signing key and backup pins, and signs the
   * first pin document. Blocking; call it before anything listens.
   *
   * @throws ConfigException when a file cannot be served, a cipher suite is unknown to the TLS
   *     engine or the pinning setup is unsafe
   */
  public static TlsModule load(Vertx vertx, ServerConfig server, PinsConfig pinsConfig) {
    return load(vertx, server, pinsConfig, Clock.systemUTC());
  }

  static TlsModule load(Vertx vertx, ServerConfig server, PinsConfig pinsConfig, Clock clock) {
    if (!server.https().enabled()) {
      return new TlsModule(vertx, null, PinPublisher.disabled());
    }
    CipherSuiteSupport.refuseUnknown(server.https());
    PinPublisher pins = PinPublisher.disabled();
    if (pinsConfig.enabled()) {
      pins = new PinPublisher(pinsConfig, server.region(), PinSigningKey.load(pinsConfig),
          backupPins(pinsConfig), clock);
    }
    CertificateReloader reloader;
    try {
      reloader = CertificateReloader.load(vertx, server.https(), clock, pins::publish);
    } catch (UnusableCertificateException e) {
      throw new ConfigException("The TLS files cannot be served: " + e.getMessage() + ".");
    }
    if (pins.enabled()) {
      refuseUnsafePinning(reloader.current(), pins);
      pins.publish(reloader.current());
    }
    return new TlsModule(vertx, reloader, pins);
  }

  /**
   * A backup pin must be a spare key (a pin already served protects nothing), and the signing key
   * must not be a TLS key (whoever steals the one must not be able to sign the other's rotation).
   */
  private static void refuseUnsafePinning(CertificateSet set, PinPublisher pins) {
    List<String> served = set.certificates().stream().map(ServedCertificate::pin).toList();
    if (pins.backupPins().stream().allMatch(served::contains)) {
      throw new ConfigException("Option pins.backupPins (with pins.backupKeyFiles) holds only pins of certificates"
          + " the server serves now, so there is no spare key; add the pin of a key kept offline"
          + " (see certs/README.md).");
    }
    byte[] signing = pins.signingKey().publicKey().getEncoded();
    for (ServedCertificate certificate : set.certificates()) {
      if (Arrays.equals(signing, certificate.leaf().getPublicKey().getEncoded())) {
        throw new ConfigException("Option pins.signingKeyFile holds the key of the TLS certificate "
            + certificate.certFile() + "; the pin document must be signed with a key of its own"
            + " (certs/make-pin-signing-key.sh).");
      }
    }
  }

  /** The configured backup pins, then the pins of the configured backup key files. */
  static List<String> backupPins(PinsConfig config) {
    List<String> pins = new ArrayList<>(config.backupPins());
    for (Path file : config.backupKeyFiles()) {
      for (String pin : pinsOfKeyFile(file)) {
        if (!pins.contains(pin)) {
          pins.add(pin);
        }
      }
    }
    return List.copyOf(pins);
  }

  /** The pins of the PUBLIC KEY and CERTIFICATE blocks of a file. */
  private static List<String> pinsOfKeyFile(Path file) {
    try {
      byte[] pem = PemBlocks.read(file);
      List<String> pins = new ArrayList<>();
      for (PemBlocks.PublicKeyDer key : PemBlocks.publicKeys(pem)) {
        pins.add(SpkiPin.ofSpki(key.spki()));
      }
      for (X509Certificate certificate : PemBlocks.certificates(pem)) {
        pins.add(SpkiPin.of(certificate));
      }
      if (pins.isEmpty()) {
        throw new GeneralSecurityException("it holds no PUBLIC KEY or CERTIFICATE block (never put a private key"
            + " here: backup keys stay offline, only their public half is configured)");
      }
      return pins;
    } catch (IOException e) {
      throw new ConfigException("Option pins.backupKeyFiles names " + file.toAbsolutePath()
          + ", which cannot be read (" + e.getMessage() + ").");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new ConfigException("Option pins.backupKeyFiles names " + file.toAbsolutePath() + ", which is not usable: "
          + e.getMessage() + ".");
    }
  }

  /** Starts watching the certificate files and re-signing the pin document before it ages. */
  public void start() {
    if (reloader != null) {
      reloader.start();
    }
    if (pins.enabled()) {
      long every = Math.max(1_000, Math.min(Duration.ofMinutes(1).toMillis(), pins.resignInterval().toMillis() / 2));
      refreshTimer = vertx.setPeriodic(every, id -> vertx.executeBlocking(() -> {
        pins.refreshIfDue();
        return null;
      }, false));
    }
  }

  public void stop() {
    if (reloader != null) {
      reloader.stop();
    }
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
      refreshTimer = -1;
    }
  }

  /** The certificates and their reloader; empty when the TLS listener is off. */
  public Optional<CertificateReloader> reloader() {
    return Optional.ofNullable(reloader);
  }

  public PinPublisher pins() {
    return pins;
  }
}
