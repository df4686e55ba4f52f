package io.mediaedge.tls;

import io.mediaedge.config.PinsConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and signs the pin document served at {@code /.well-known/media-edge/pins}: the pins of
 * the certificates served now (per host name), the backup pins, the CDN edge's pins, how long a
 * client may rely on the set ({@code maxAge}), when it was issued and when it expires, and a
 * compact JWS over exactly those fields made with the pin-signing key.
 *
 * <p>The document is rebuilt whenever the certificates are reloaded, and signed again before it
 * gets old, so its {@code expiresAt} always lies at least half a {@code maxAge} ahead. Building
 * and signing happen on worker threads; serving only reads the finished text.
 */
public final class PinPublisher {
  private static final Logger log = LoggerFactory.getLogger(PinPublisher.class);
  public static final int VERSION = 1;
  /** How long HTTP caches may keep the document at most (and how often it is signed again). */
  static final Duration MAX_CACHE = Duration.ofHours(1);

  private final PinsConfig config;
  private final String region;
  private final PinSigningKey signingKey;
  private final List<String> backupPins;
  private final Clock clock;
  private volatile CertificateSet certificates;
  private volatile PinDocument document;

  /** The signed document as served, with what HTTP caching needs. */
  public record PinDocument(String json, String etag, Instant issuedAt, long cacheSeconds) {}

  PinPublisher(PinsConfig config, String region, PinSigningKey signingKey, List<String> backupPins, Clock clock) {
    this.config = config;
    this.region = region;
    this.signingKey = signingKey;
    this.backupPins = backupPins;
    this.clock = clock;
  }

  /** A publisher for a server that does not pin: it has no document. */
  static PinPublisher disabled() {
    return new PinPublisher(null, "", null, List.of(), Clock.systemUTC());
  }

  public boolean enabled() {
    return signingKey != null;
  }

  PinSigningKey signingKey() {
    return signingKey;
  }

  List<String> backupPins() {
    return backupPins;
  }

  /** The current signed document; empty when pinning is off. */
  public Optional<PinDocument> current() {
    return Optional.ofNullable(document);
  }

  /** Rebuilds and signs the document for a (new) certificate set. Blocking: call it on a worker. */
  void publish(CertificateSet set) {
    if (!enabled()) {
      return;
    }
    certificates = set;
    List<String> served = set.certificates().stream().map(ServedCertificate::pin).toList();
    if (backupPins.stream().allMatch(served::contains)) {
      log.warn("Every backup pin is now the pin of a served certificate: there is no spare key left; add a new"
          + " backup pin (pins.backupPins or pins.backupKeyFiles) before clients need one");
    }
    document = build(set);
    log.info("Pin document issued: pins {}, backup pins {}, signed {} kid {}", set.pinsByHostname(), backupPins,
        signingKey.algorithm(), signingKey.keyId());
  }

  /** Signs the document again when it is older than its cache lifetime. Blocking: call it on a worker. */
  void refreshIfDue() {
    PinDocument current = document;
    if (current != null && !clock.instant().isBefore(current.issuedAt().plus(resignInterval()))) {
      document = build(certificates);
    }
  }

  /** How often the document is signed again: half its maxAge, at most {@link #MAX_CACHE}. */
  Duration resignInterval() {
    Duration half = config.maxAge().dividedBy(2);
    return half.compareTo(MAX_CACHE) < 0 ? half : MAX_CACHE;
  }

  private PinDocument build(CertificateSet set) {
    Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    JsonObject pins = new JsonObject();
    set.pinsByHostname().forEach((host, list) -> pins.put(host, new JsonArray(list)));
    JsonObject cdnPins = new JsonObject();
    config.cdnPins().forEach((host, list) -> cdnPins.put(host, new JsonArray(list)));
    JsonObject payload = new JsonObject()
        .put("version", VERSION)
        .put("region", region)
        .put("pins", pins)
        .put("backupPins", new JsonArray(backupPins))
        .put("cdnPins", cdnPins)
        .put("maxAge", config.maxAge().toSeconds())
        .put("issuedAt", issuedAt.toString())
        .put("expiresAt", issuedAt.plus(config.maxAge()).toString());
    String json = payload.copy().put("signature", signingKey.sign(payload)).encode();
    return new PinDocument(json, etag(json), issuedAt, resignInterval().toSeconds());
  }

  private static String etag(String json) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
      return "\"" + CompactJws.encode(Arrays.copyOf(digest, 16)) + "\"";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
