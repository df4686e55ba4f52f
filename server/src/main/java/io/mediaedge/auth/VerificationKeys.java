package io.mediaedge.auth;

import io.mediaedge.config.ConfigException;
import io.mediaedge.tls.PemBlocks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Loads JWT verification keys from PEM files (public keys or certificates) and JWKS files, and
 * decides each key's algorithm from the key itself. Only asymmetric algorithms are ever accepted:
 * a shared-secret (HS*) key would let anyone who knows the public key forge tokens.
 */
final class VerificationKeys {
  static final Set<String> ASYMMETRIC = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
      "ES256", "ES384", "ES512", "EdDSA");

  private VerificationKeys() {}

  static List<PubSecKeyOptions> fromPemFile(Path file) {
    byte[] text;
    try {
      text = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException("Option auth.publicKeyFiles names " + file + ", which cannot be read: " + e.getMessage());
    }
    List<PubSecKeyOptions> keys = new ArrayList<>();
    for (PemBlocks.Block block : PemBlocks.parse(text)) {
      String type = block.type();
      byte[] der = block.der();
      PublicKey key = switch (type) {
        case "PUBLIC KEY" -> publicKey(file, der);
        case "CERTIFICATE" -> certificateKey(file, der);
        default -> throw new ConfigException("Option auth.publicKeyFiles names " + file + ", which holds a " + type
            + "; only PUBLIC KEY and CERTIFICATE blocks belong there (never a private key).");
      };
      String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
          + "\n-----END PUBLIC KEY-----\n";
      keys.add(new PubSecKeyOptions().setAlgorithm(algorithmOf(file, key)).setBuffer(pem));
    }
    if (keys.isEmpty()) {
      throw new ConfigException("Option auth.publicKeyFiles names " + file + ", which holds no PEM public key.");
    }
    return keys;
  }

  /** The keys of a JWKS document, refusing symmetric ones. */
  static List<JsonObject> fromJwksFile(Path file) {
    JsonArray keys;
    try {
      keys = new JsonObject(Files.readString(file)).getJsonArray("keys");
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("Option auth.jwksFile names " + file + ", which is not a readable JWKS document.");
    }
    if (keys == null || keys.isEmpty()) {
      throw new ConfigException("Option auth.jwksFile names " + file + ", whose \"keys\" list is empty.");
    }
    List<JsonObject> out = new ArrayList<>();
    for (Object item : keys) {
      if (!(item instanceof JsonObject jwk) || "oct".equals(jwk.getString("kty"))) {
        throw new ConfigException("Option auth.jwksFile names " + file
            + ", which holds a symmetric or malformed key; only RSA, EC and OKP public keys are accepted.");
      }
      if (jwk.containsKey("d")) {
        throw new ConfigException("Option auth.jwksFile names " + file + ", which holds a private key; publish only"
            + " the public half.");
      }
      JsonObject copy = jwk.copy();
      if (!copy.containsKey("alg")) {
        copy.put("alg", switch (String.valueOf(copy.getString("kty"))) {
          case "RSA" -> "RS256";
          case "EC" -> "P-384".equals(copy.getString("crv")) ? "ES384" : "P-521".equals(copy.getString("crv"))
              ? "ES512" : "ES256";
          case "OKP" -> "EdDSA";
          default -> throw new ConfigException("Option auth.jwksFile names " + file + ", with a key of unknown type "
              + copy.getString("kty") + ".");
        });
      }
      if (!ASYMMETRIC.contains(copy.getString("alg"))) {
        throw new ConfigException("Option auth.jwksFile names " + file + ", with a key for algorithm "
            + copy.getString("alg") + "; only asymmetric algorithms are accepted.");
      }
      out.add(copy);
    }
    return out;
  }

  private static PublicKey publicKey(Path file, byte[] der) {
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (Exception ignored) {
        // try the next key type
      }
    }
    throw new ConfigException("Option auth.publicKeyFiles names " + file + ", whose public key is not RSA, EC or Ed25519.");
  }

  private static PublicKey certificateKey(Path file, byte[] der) {
    try {
      return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
    } catch (CertificateException e) {
      throw new ConfigException("Option auth.publicKeyFiles names " + file + ", whose certificate cannot be read.");
    }
  }

  private static String algorithmOf(Path file, PublicKey key) {
    if (key instanceof RSAPublicKey) {
      return "RS256";
    }
    if (key instanceof ECPublicKey ec) {
      return switch (ec.getParams().getCurve().getField().getFieldSize()) {
        case 256 -> "ES256";
        case 384 -> "ES384";
        case 521 -> "ES512";
        default -> throw new ConfigException("Option auth.publicKeyFiles names " + file + ", with an unsupported EC curve.");
      };
    }
    return "EdDSA";
  }
}
