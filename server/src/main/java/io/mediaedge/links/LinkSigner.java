package io.mediaedge.links;

import io.mediaedge.links.LinkOptions.Binding;
import io.mediaedge.links.LinkOptions.Disposition;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes and checks signed download links: HMAC-SHA256 under a key id over the method, the path
 * (which names the media and which of its renditions), the owner, the expiry, the bound address
 * and the disposition. A link needs no token; whoever holds it may read that one thing, until it
 * expires, from where it is bound to.
 *
 * <p>Expiry is rounded up to a multiple of {@code reusePeriod}, so the same owner asking for the
 * same link again within one period gets the same URL, and browser and CDN caches keep hitting.
 */
public final class LinkSigner {
  /** Query parameter names, in the order links carry them. */
  public static final String OWNER = "u";
  public static final String EXPIRES = "exp";
  public static final String KEY_ID = "kid";
  public static final String ADDRESS = "ip";
  public static final String DISPOSITION = "d";
  public static final String FILENAME = "fn";
  public static final String SIGNATURE = "sig";

  private static final String VERSION = "media-edge-link-v1";
  private static final int SIGNATURE_CHARS = 43;
  private static final int MAX_OWNER_CHARS = 512;
  private static final int MAX_ADDRESS_CHARS = 64;
  private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  });

  private final LinkKeys keys;
  private final Duration reusePeriod;
  private final Duration maxLifetime;
  private final Clock clock;

  public LinkSigner(LinkKeys keys, Duration reusePeriod, Duration maxLifetime, Clock clock) {
    if (reusePeriod.toSeconds() < 1 || maxLifetime.toSeconds() < 1) {
      throw new IllegalArgumentException("reusePeriod and maxLifetime must be at least a second");
    }
    this.keys = keys;
    this.reusePeriod = reusePeriod;
    this.maxLifetime = maxLifetime;
    this.clock = clock;
  }

  /** A link made: the path with its query, when it stops working, and the address range it is bound to. */
  public record SignedLink(String pathAndQuery, Instant expiresAt, Optional<String> boundTo) {}

  /** What a link that checks out allows. */
  public record Grant(String owner, Disposition disposition, Optional<String> filename, Instant expiresAt,
      boolean bound) {}

  /** Why a link was refused; only EXPIRED is told apart, and only once the signature held. */
  public enum Refusal { INVALID, EXPIRED }

  /** Either a grant or a refusal. */
  public record Check(Optional<Grant> grant, Optional<Refusal> refusal) {
    static Check granted(Grant grant) {
      return new Check(Optional.of(grant), Optional.empty());
    }

    static Check refused(Refusal why) {
      return new Check(Optional.empty(), Optional.of(why));
    }
  }

  /**
   * Signs a link to {@code path} (no query) for {@code owner}, made at the request of a client at
   * {@code client}. The lifetime must be positive and at most the configured maximum.
   */
  public SignedLink sign(String path, String owner, LinkOptions options, InetAddress client) {
    if (options.lifetime().isNegative() || options.lifetime().isZero() || options.lifetime().compareTo(maxLifetime) > 0) {
      throw new IllegalArgumentException("lifetime must be between 1 s and " + maxLifetime.toSeconds() + " s");
    }
    long now = clock.instant().getEpochSecond();
    long period = reusePeriod.toSeconds();
    long expires = Math.floorDiv(now + options.lifetime().toSeconds() + period - 1, period) * period;
    String address = switch (options.binding()) {
      case NONE -> "";
      case EXACT -> client.getHostAddress();
      case NETWORK -> network(client);
    };
    String disposition = options.disposition() == Disposition.ATTACHMENT ? "attachment" : "";
    String filename = options.filename().orElse("");
    String kid = keys.signingKid();
    String ownerParam = Base64.getUrlEncoder().withoutPadding().encodeToString(owner.getBytes(StandardCharsets.UTF_8));
    String signature = sign(kid, canonical(path, ownerParam, expires, kid, address, disposition, filename));
    StringBuilder query = new StringBuilder(path).append('?')
        .append(OWNER).append('=').append(ownerParam)
        .append('&').append(EXPIRES).append('=').append(expires)
        .append('&').append(KEY_ID).append('=').append(kid);
    if (!address.isEmpty()) {
      query.append('&').append(ADDRESS).append('=').append(address);
    }
    if (!disposition.isEmpty()) {
      query.append('&').append(DISPOSITION).append('=').append(disposition);
    }
    if (!filename.isEmpty()) {
      query.append('&').append(FILENAME).append('=')
          .append(URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    query.append('&').append(SIGNATURE).append('=').append(signature);
    return new SignedLink(query.toString(), Instant.ofEpochSecond(expires),
        address.isEmpty() ? Optional.empty() : Optional.of(address));
  }

  /**
   * Checks a link's parameters ({@code param} gives a parameter's one value, null when absent or
   * repeated) for a request to {@code path} from {@code client}. HEAD is checked as GET.
   */
  public Check check(String path, Function<String, String> param, InetAddress client) {
    String ownerParam = param.apply(OWNER);
    String expiresParam = param.apply(EXPIRES);
    String kid = param.apply(KEY_ID);
    String signature = param.apply(SIGNATURE);
    String address = orEmpty(param.apply(ADDRESS));
    String disposition = orEmpty(param.apply(DISPOSITION));
    String filename = orEmpty(param.apply(FILENAME));
    if (ownerParam == null || expiresParam == null || kid == null || signature == null
        || ownerParam.isEmpty() || ownerParam.length() > MAX_OWNER_CHARS || expiresParam.length() > 12
        || signature.length() != SIGNATURE_CHARS || address.length() > MAX_ADDRESS_CHARS
        || filename.length() > LinkOptions.MAX_FILENAME_CHARS
        || !(disposition.isEmpty() || disposition.equals("attachment")) || !keys.keys().containsKey(kid)
        || hasLineBreak(path, ownerParam, address, filename)) {
      return Check.refused(Refusal.INVALID);
    }
    long expires;
    byte[] given;
    try {
      expires = Long.parseLong(expiresParam);
      given = Base64.getUrlDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return Check.refused(Refusal.INVALID);
    }
    byte[] expected = mac(kid, canonical(path, ownerParam, expires, kid, address, disposition, filename));
    if (!MessageDigest.isEqual(expected, given)) {
      return Check.refused(Refusal.INVALID);
    }
    long now = clock.instant().getEpochSecond();
    if (expires <= now) {
      return Check.refused(Refusal.EXPIRED);
    }
    if (expires - now > maxLifetime.toSeconds() + reusePeriod.toSeconds()) {
      // signed, but longer than this server would ever sign: a key used elsewhere, or a bug
      return Check.refused(Refusal.INVALID);
    }
    if (!address.isEmpty() && !boundAddressHolds(address, client)) {
      return Check.refused(Refusal.INVALID);
    }
    String owner;
    try {
      owner = new String(Base64.getUrlDecoder().decode(ownerParam), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Check.refused(Refusal.INVALID);
    }
    return Check.granted(new Grant(owner, disposition.isEmpty() ? Disposition.INLINE : Disposition.ATTACHMENT,
        filename.isEmpty() ? Optional.empty() : Optional.of(filename), Instant.ofEpochSecond(expires),
        !address.isEmpty()));
  }

  /** The caller's network: a /24 of IPv4, a /64 of IPv6. */
  static String network(InetAddress client) {
    byte[] bytes = client.getAddress();
    int prefix = bytes.length == 4 ? 24 : 64;
    try {
      return InetAddress.getByAddress(masked(bytes, prefix)).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code client} is the bound address, or in the bound network. */
  static boolean boundAddressHolds(String bound, InetAddress client) {
    int slash = bound.indexOf('/');
    String literal = slash < 0 ? bound : bound.substring(0, slash);
    // only address literals: anything else would make InetAddress look a name up
    if (literal.isEmpty() || !literal.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == ':' || ch == '.')) {
      return false;
    }
    byte[] network;
    int prefix;
    try {
      network = InetAddress.getByName(literal).getAddress();
      prefix = slash < 0 ? network.length * 8 : Integer.parseInt(bound.substring(slash + 1));
    } catch (UnknownHostException | NumberFormatException e) {
      return false;
    }
    byte[] candidate = client.getAddress();
    if (candidate.length != network.length || prefix < 0 || prefix > network.length * 8) {
      return false;
    }
    return MessageDigest.isEqual(masked(candidate, prefix), masked(network, prefix));
  }

  private static byte[] masked(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xFF00 >> keep));
    }
    return out;
  }

  private static String canonical(String path, String owner, long expires, String kid, String address,
      String disposition, String filename) {
    // GET and HEAD read the same thing, so a link is for both. Every field on its own line; no field
    // holds a line break (filenames are refused with one, check refuses links with one).
    return String.join("\n", VERSION, "GET", path, owner, Long.toString(expires), kid, address, disposition,
        filename);
  }

  private String sign(String kid, String canonical) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(kid, canonical));
  }

  private byte[] mac(String kid, String canonical) {
    Mac mac = MACS.get();
    try {
      mac.init(new SecretKeySpec(keys.keys().get(kid), "HmacSHA256"));
    } catch (java.security.InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
    return mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8));
  }

  /** Fields are joined by line breaks, so none may hold one (two field lists must never read alike). */
  private static boolean hasLineBreak(String... fields) {
    for (String field : fields) {
      if (field.indexOf('\n') >= 0) {
        return true;
      }
    }
    return false;
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
