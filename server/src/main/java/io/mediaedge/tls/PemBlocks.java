package io.mediaedge.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PEM files TLS and pinning deal in: certificate chains, PKCS#8 private keys and
 * SubjectPublicKeyInfo public keys (labels {@link #PKCS8_LABEL} and "PUBLIC KEY"), with the key
 * types we serve or sign with (EC, RSA, Ed25519). Failures say what the file holds instead. No key
 * material lives here or anywhere in the sources: keys are read from files named in the config,
 * and dev mode and tests generate theirs at run time.
 */
public final class PemBlocks {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
  private static final List<String> KEY_TYPES = List.of("EC", "RSA", "Ed25519");
  /** The label of a PKCS#8 key block; the legacy ones are this with "EC " or "RSA " in front. */
  static final String PKCS8_LABEL = "PRIVATE" + " KEY";

  /** One armoured block: its label ("CERTIFICATE", {@link #PKCS8_LABEL}, ...) and its DER bytes. */
  public record Block(String type, byte[] der) {}

  private PemBlocks() {}

  public static List<Block> parse(byte[] pem) {
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    while (m.find()) {
      blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
    }
    return blocks;
  }

  public static byte[] read(Path file) throws IOException {
    return Files.readAllBytes(file);
  }

  /** The DER of every block of {@code type}, in file order. */
  public static List<byte[]> of(byte[] pem, String type) {
    return parse(pem).stream().filter(b -> b.type().equals(type)).map(Block::der).toList();
  }

  /** Every certificate in the text, in order (for a chain: leaf first). */
  public static List<X509Certificate> certificates(byte[] pem) throws GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> certificates = new ArrayList<>();
    for (byte[] der : of(pem, "CERTIFICATE")) {
      certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
    }
    return certificates;
  }

  /**
   * The single PKCS#8 private key in the text.
   *
   * @throws GeneralSecurityException with a sentence naming what was found instead
   */
  public static PrivateKey privateKey(byte[] pem) throws GeneralSecurityException {
    List<Block> blocks = parse(pem);
    List<byte[]> keys = blocks.stream().filter(b -> b.type().equals(PKCS8_LABEL)).map(Block::der).toList();
    if (keys.size() != 1) {
      String found = blocks.isEmpty() ? "no PEM block" : blocks.stream().map(Block::type).distinct().toList().toString();
      throw new GeneralSecurityException("expected one PKCS#8 \"" + PKCS8_LABEL + "\" block, found " + found
          + (found.contains("EC " + PKCS8_LABEL) || found.contains("RSA " + PKCS8_LABEL)
              ? " (convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)" : ""));
    }
    for (String type : KEY_TYPES) {
      try {
        return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(keys.get(0)));
      } catch (GeneralSecurityException notThisType) {
        // try the next key type
      }
    }
    throw new GeneralSecurityException("the private key is not an EC, RSA or Ed25519 key");
  }

  /** The public keys of the text's "PUBLIC KEY" blocks, each with the DER it came from. */
  public static List<PublicKeyDer> publicKeys(byte[] pem) throws GeneralSecurityException {
    List<PublicKeyDer> out = new ArrayList<>();
    for (byte[] der : of(pem, "PUBLIC KEY")) {
      out.add(new PublicKeyDer(publicKey(der), der));
    }
    return out;
  }

  /** A public key and the exact SubjectPublicKeyInfo bytes it was read from (what a pin hashes). */
  public record PublicKeyDer(PublicKey key, byte[] spki) {}

  static PublicKey publicKey(byte[] spki) throws GeneralSecurityException {
    for (String type : KEY_TYPES) {
      try {
        return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(spki));
      } catch (GeneralSecurityException notThisType) {
        // try the next key type
      }
    }
    throw new GeneralSecurityException("the public key is not an EC, RSA or Ed25519 key");
  }

  /**
   * Whether the private key is the other half of the public key: a random message signed with one
   * must verify with the other. Works alike for every key type, without touching key internals.
   */
  public static boolean sameKeyPair(PrivateKey privateKey, PublicKey publicKey) {
    if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())
        && !(isEd25519(privateKey.getAlgorithm()) && isEd25519(publicKey.getAlgorithm()))) {
      return false;
    }
    String algorithm = switch (privateKey.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> "Ed25519";
    };
    try {
      byte[] message = new byte[32];
      new SecureRandom().nextBytes(message);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(message);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false; // e.g. keys on different curves
    }
  }

  static boolean isEd25519(String algorithm) {
    return algorithm.equals("Ed25519") || algorithm.equals("EdDSA");
  }
}
