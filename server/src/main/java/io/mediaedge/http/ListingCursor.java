package io.mediaedge.http;

import io.mediaedge.errors.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The opaque listing cursor: the last media id of a page, bound to its owner and signed with
 * HMAC-SHA256, so a client can neither forge a position nor reuse another user's cursor. All
 * instances of a region must share the key for cursors to work across them.
 */
final class ListingCursor {
  private static final int MAC_BYTES = 16;
  private static final int MAX_CURSOR_LENGTH = 256;

  private final SecretKeySpec key;

  ListingCursor(byte[] secret) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("the cursor key needs at least 16 bytes");
    }
    this.key = new SecretKeySpec(secret, "HmacSHA256");
  }

  String encode(String owner, String lastMediaId) {
    byte[] id = lastMediaId.getBytes(StandardCharsets.UTF_8);
    byte[] mac = mac(owner, id);
    byte[] token = new byte[id.length + MAC_BYTES];
    System.arraycopy(id, 0, token, 0, id.length);
    System.arraycopy(mac, 0, token, id.length, MAC_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
  }

  /** The media id a cursor stands for; empty for no cursor; 400 INVALID_CURSOR when tampered. */
  Optional<String> decode(String owner, String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return Optional.empty();
    }
    try {
      if (cursor.length() > MAX_CURSOR_LENGTH) {
        throw new IllegalArgumentException();
      }
      byte[] token = Base64.getUrlDecoder().decode(cursor);
      if (token.length <= MAC_BYTES) {
        throw new IllegalArgumentException();
      }
      byte[] id = java.util.Arrays.copyOf(token, token.length - MAC_BYTES);
      byte[] given = java.util.Arrays.copyOfRange(token, token.length - MAC_BYTES, token.length);
      if (!MessageDigest.isEqual(given, java.util.Arrays.copyOf(mac(owner, id), MAC_BYTES))) {
        throw new IllegalArgumentException();
      }
      return Optional.of(new String(id, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_CURSOR.error();
    }
  }

  private byte[] mac(String owner, byte[] id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(owner.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return mac.doFinal(id);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
