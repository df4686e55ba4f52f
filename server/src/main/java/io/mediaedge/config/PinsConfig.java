package io.mediaedge.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Public-key pinning: the signed pin document at {@code /.well-known/media-edge/pins}. The pins of
 * the served certificates are computed from the certificates themselves; what is configured here
 * is what the server cannot see: the backup keys kept offline, the CDN edge's pins, how long a
 * client may keep a pin set, and the separate key that signs the document.
 */
public record PinsConfig(boolean enabled, List<String> backupPins, List<Path> backupKeyFiles,
    Map<String, List<String>> cdnPins, Duration maxAge, Optional<Path> signingKeyFile,
    Optional<Path> signingPublicKeyFile, String signingKeyId) {

  static PinsConfig parse(ConfigTree c) {
    boolean enabled = c.bool("pins.enabled", false);
    List<String> backupPins = pins(c, "pins.backupPins", c.strings("pins.backupPins"));
    List<Path> backupKeyFiles = c.strings("pins.backupKeyFiles").stream()
        .map(name -> c.existingFile("pins.backupKeyFiles", name)).toList();
    Map<String, List<String>> cdnPins = cdnPins(c);
    Duration maxAge = c.duration("pins.maxAge", "168h", Duration.ofMinutes(1), Duration.ofDays(365));
    Optional<Path> signingKey = Optional.ofNullable(c.optionalFile("pins.signingKeyFile"));
    Optional<Path> signingPublicKey = Optional.ofNullable(c.optionalFile("pins.signingPublicKeyFile"));
    String keyId = c.string("pins.signingKeyId", "");
    if (enabled) {
      if (!c.bool("server.https.enabled", true)) {
        throw c.invalid("pins.enabled", "is true but server.https.enabled is false, so there is no certificate to"
            + " pin; turn pinning off where a load balancer terminates TLS");
      }
      if (backupPins.isEmpty() && backupKeyFiles.isEmpty()) {
        throw c.invalid("pins.backupPins", "is empty and pins.backupKeyFiles names no key, so losing the"
            + " certificate's key would lock out every client that pins this server; add the pin (or the public"
            + " key file) of at least one spare key kept offline (see certs/README.md)");
      }
      if (signingKey.isEmpty() || signingPublicKey.isEmpty()) {
        throw c.invalid(signingKey.isEmpty() ? "pins.signingKeyFile" : "pins.signingPublicKeyFile",
            "is required when pins.enabled is true: the pin document is signed with a key of its own (never the"
                + " TLS key), whose public half clients ship; make one with certs/make-pin-signing-key.sh");
      }
    }
    return new PinsConfig(enabled, backupPins, backupKeyFiles, cdnPins, maxAge, signingKey, signingPublicKey,
        keyId);
  }

  private static List<String> pins(ConfigTree c, String path, List<String> values) {
    List<String> out = new ArrayList<>();
    for (String value : values) {
      try {
        String pin = PinNotation.parse(value);
        if (!out.contains(pin)) {
          out.add(pin);
        }
      } catch (IllegalArgumentException e) {
        throw c.invalid(path, "holds " + e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  /** Host name to the pins of the CDN edge certificates that answer for it when it is proxied. */
  private static Map<String, List<String>> cdnPins(ConfigTree c) {
    JsonObject section = c.section("pins.cdnPins");
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String host : section.fieldNames()) {
      Object value = section.getValue(host);
      List<String> texts = new ArrayList<>();
      if (value instanceof JsonArray list) {
        list.forEach(item -> texts.add(String.valueOf(item)));
      } else if (value instanceof String text) {
        texts.add(text);
      } else {
        throw c.invalid("pins.cdnPins", "must map each host name to a list of pins (" + host + " does not)");
      }
      out.put(host.toLowerCase(java.util.Locale.ROOT), pins(c, "pins.cdnPins", texts));
    }
    return java.util.Collections.unmodifiableMap(out);
  }
}
