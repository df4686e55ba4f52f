package io.mediaedge.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys dev mode and the tests pin with, made at run time and kept as PEM files next to the dev
 * certificates (never committed): the pin-signing key pair ({@code pin-signing-key.pem} /
 * {@code pin-signing-public.pem}, EC P-256 for ES256, or the {@code -ed25519} pair for EdDSA) and
 * a backup key pair ({@code pin-backup-key.pem} / {@code pin-backup-public.pem}), the "spare key
 * kept offline" whose pin the document announces. Existing files are reused.
 */
public final class DevPinKeys {
  private static final Logger LOG = LoggerFactory.getLogger(DevPinKeys.class);

  /** One key pair and its two files. */
  public record KeyFiles(KeyPair keys, Path privateKeyFile, Path publicKeyFile) {
    public PublicKey publicKey() {
      return keys.getPublic();
    }
  }

  private final KeyFiles signing;
  private final KeyFiles backup;

  private DevPinKeys(KeyFiles signing, KeyFiles backup) {
    this.signing = signing;
    this.backup = backup;
  }

  /** The ES256 signing pair and the backup pair in {@code dir}, created if missing. */
  public static DevPinKeys es256(Path dir) {
    return new DevPinKeys(ensure(dir, "EC", "pin-signing"), ensure(dir, "EC", "pin-backup"));
  }

  /** The EdDSA (Ed25519) signing pair and the backup pair in {@code dir}, created if missing. */
  public static DevPinKeys ed25519(Path dir) {
    return new DevPinKeys(ensure(dir, "Ed25519", "pin-signing-ed25519"), ensure(dir, "EC", "pin-backup"));
  }

  public KeyFiles signing() {
    return signing;
  }

  public KeyFiles backup() {
    return backup;
  }

  private static KeyFiles ensure(Path dir, String keyType, String name) {
    Path privatePem = dir.resolve(name + "-key.pem");
    Path publicPem = dir.resolve(name + "-public.pem");
    return PemFiles.locked(dir, () -> {
      if (Files.isRegularFile(privatePem) && Files.isRegularFile(publicPem)) {
        try {
          KeyPair existing = PemFiles.readPair(privatePem, publicPem, keyType);
          if (!PemFiles.pairMatches(existing.getPrivate(), existing.getPublic())) {
            throw new GeneralSecurityException("not one key pair");
          }
          return new KeyFiles(existing, privatePem, publicPem);
        } catch (GeneralSecurityException | RuntimeException unusable) {
          LOG.warn("Replacing unusable dev pin key {} / {}: {}", privatePem, publicPem, unusable.toString());
        }
      }
      KeyPair keys = generate(keyType);
      PemFiles.write(privatePem, PemFiles.encode(PemFiles.PKCS8_LABEL, List.of(keys.getPrivate().getEncoded())), true);
      PemFiles.write(publicPem, PemFiles.encode("PUBLIC KEY", List.of(keys.getPublic().getEncoded())), false);
      LOG.info("Created dev pin key pair {} / {}", privatePem, publicPem);
      return new KeyFiles(keys, privatePem, publicPem);
    });
  }

  private static KeyPair generate(String keyType) {
    if ("EC".equals(keyType)) {
      return DevCertificates.ecKeyPair();
    }
    try {
      return KeyPairGenerator.getInstance(keyType).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make " + keyType + " keys", e);
    }
  }
}
