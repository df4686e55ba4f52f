package io.mediaedge.tls;

import io.mediaedge.config.ConfigException;
import io.mediaedge.config.PinsConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;

/**
 * The key that signs the pin document: a key of its own, never a TLS key, so that a client
 * shipping its public half can accept a pin set the server rotated to. EC P-256 signs ES256,
 * Ed25519 signs EdDSA; the key id ({@code kid}) is configured or the key's RFC 7638 thumbprint.
 */
public final class PinSigningKey {
  static final String TYPE = "media-edge-pins+jws";

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String algorithm;
  private final String keyId;

  private PinSigningKey(PrivateKey privateKey, PublicKey publicKey, String algorithm, String keyId) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.algorithm = algorithm;
    this.keyId = keyId;
  }

  /**
   * Reads {@code pins.signingKeyFile} and {@code pins.signingPublicKeyFile} and checks that they
   * are one key pair of a type that can sign.
   *
   * @throws ConfigException with a sentence naming the option and what to fix
   */
  public static PinSigningKey load(PinsConfig pins) {
    Path privateFile = pins.signingKeyFile().orElseThrow();
    Path publicFile = pins.signingPublicKeyFile().orElseThrow();
    PrivateKey privateKey;
    PublicKey publicKey;
    String algorithm;
    try {
      privateKey = PemBlocks.privateKey(PemBlocks.read(privateFile));
      algorithm = CompactJws.algorithmFor(privateKey);
    } catch (IOException e) {
      throw unusable("pins.signingKeyFile", privateFile, "cannot be read (" + e.getMessage() + ")");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw unusable("pins.signingKeyFile", privateFile, "is not a usable signing key: " + e.getMessage()
          + "; make one with certs/make-pin-signing-key.sh");
    }
    try {
      List<PemBlocks.PublicKeyDer> keys = PemBlocks.publicKeys(PemBlocks.read(publicFile));
      if (keys.size() != 1) {
        throw new GeneralSecurityException("expected one PUBLIC KEY block, found " + keys.size());
      }
      publicKey = keys.get(0).key();
    } catch (IOException e) {
      throw unusable("pins.signingPublicKeyFile", publicFile, "cannot be read (" + e.getMessage() + ")");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw unusable("pins.signingPublicKeyFile", publicFile, "is not a usable public key: " + e.getMessage());
    }
    if (!PemBlocks.sameKeyPair(privateKey, publicKey)) {
      throw unusable("pins.signingPublicKeyFile", publicFile, "is not the public half of pins.signingKeyFile ("
          + privateFile + ")");
    }
    String keyId = pins.signingKeyId();
    if (keyId.isEmpty()) {
      try {
        keyId = CompactJws.thumbprint(publicKey);
      } catch (GeneralSecurityException e) {
        throw unusable("pins.signingPublicKeyFile", publicFile, "has no thumbprint: " + e.getMessage());
      }
    }
    return new PinSigningKey(privateKey, publicKey, algorithm, keyId);
  }

  private static ConfigException unusable(String option, Path file, String problem) {
    return new ConfigException("Option " + option + " names " + file.toAbsolutePath() + ", which " + problem + ".");
  }

  /** A compact JWS of the payload, with {@code alg}, {@code kid} and {@code typ} in its header. */
  public String sign(JsonObject payload) {
    JsonObject header = new JsonObject().put("alg", algorithm).put("kid", keyId).put("typ", TYPE);
    try {
      return CompactJws.sign(header, payload.encode().getBytes(StandardCharsets.UTF_8), privateKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the pin document could not be signed", e);
    }
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  public String algorithm() {
    return algorithm;
  }

  public String keyId() {
    return keyId;
  }
}
