package io.mediaedge.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes PEM files for the dev key material, and serialises their creation.
 *
 * <p>The JDK already encodes keys as PKCS#8 and SubjectPublicKeyInfo, so PEM is just Base64 with
 * armour lines; writing it by hand keeps the JWT keys free of any BouncyCastle dependency.
 */
final class PemFiles {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

  /** The PEM label of a PKCS#8 private key, spelt in two parts so no file here looks like a key. */
  static final String PKCS8_LABEL = "PRIVATE" + " KEY";

  private PemFiles() {}

  /** Blocks of {@code type} (e.g. "CERTIFICATE") encoded as PEM text. */
  static String encode(String type, List<byte[]> ders) {
    Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    StringBuilder pem = new StringBuilder();
    for (byte[] der : ders) {
      pem.append("-----BEGIN ").append(type).append("-----\n")
          .append(base64.encodeToString(der)).append('\n')
          .append("-----END ").append(type).append("-----\n");
    }
    return pem.toString();
  }

  /** The DER bytes of every block of {@code type} in the file, in order. */
  static List<byte[]> read(Path file, String type) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<byte[]> ders = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        ders.add(Base64.getMimeDecoder().decode(m.group(2)));
      }
    }
    if (ders.isEmpty()) {
      throw new IllegalStateException(file + " holds no PEM block of type " + type);
    }
    return ders;
  }

  /**
   * Writes through a temporary file and a rename, so a reader never sees half a file. Private
   * keys are made readable by the owner only (where the file system has POSIX permissions).
   */
  static void write(Path file, String pem, boolean secret) {
    try {
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      try {
        // createTempFile makes owner-only files; public material should be readable by all
        permissions(tmp, secret ? "rw-------" : "rw-r--r--");
        Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
        try {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Runs {@code action} holding an exclusive lock on {@code dir/.lock}, so that dev mode and a
   * test run starting together don't each write half of a key set. The class lock covers threads
   * of this JVM, which a file lock does not.
   */
  static <T> T locked(Path dir, Supplier<T> action) {
    synchronized (PemFiles.class) {
      try {
        Files.createDirectories(dir);
        try (FileChannel channel = FileChannel.open(dir.resolve(".lock"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          FileLock lock = channel.lock();
          try {
            return action.get();
          } finally {
            lock.release();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot lock " + dir, e);
      }
    }
  }

  /** The PKCS#8 private key and SubjectPublicKeyInfo public key in two PEM files. */
  static KeyPair readPair(Path privatePem, Path publicPem, String keyType) throws GeneralSecurityException {
    KeyFactory factory = KeyFactory.getInstance(keyType);
    PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(read(privatePem, PKCS8_LABEL).get(0)));
    PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(read(publicPem, "PUBLIC KEY").get(0)));
    return new KeyPair(publicKey, privateKey);
  }

  /** Whether the private key belongs to the public key: what one signs, the other verifies. */
  static boolean pairMatches(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm = switch (privateKey.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> privateKey.getAlgorithm(); // Ed25519, EdDSA
    };
    byte[] probe = "media-edge dev key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signing = Signature.getInstance(algorithm);
      signing.initSign(privateKey);
      signing.update(probe);
      Signature checking = Signature.getInstance(algorithm);
      checking.initVerify(publicKey);
      checking.update(probe);
      return checking.verify(signing.sign());
    } catch (GeneralSecurityException | IllegalArgumentException mismatched) {
      return false; // another algorithm or curve
    }
  }

  private static void permissions(Path file, String posix) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(posix));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the user's profile directory ACLs apply instead
    }
  }
}
