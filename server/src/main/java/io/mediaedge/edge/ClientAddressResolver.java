package io.mediaedge.edge;

import io.mediaedge.config.IpAddresses;
import io.vertx.core.MultiMap;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Who the client is. The socket peer is the client unless it is a trusted proxy; only then are
 * {@code CF-Connecting-IP} (Cloudflare sets it, replacing any client value) or else the right-most
 * {@code X-Forwarded-For} entry that is not itself a trusted proxy believed. Everything left of that
 * entry was written by the client and could say anything.
 */
public final class ClientAddressResolver {
  public static final String CF_CONNECTING_IP = "CF-Connecting-IP";
  public static final String X_FORWARDED_FOR = "X-Forwarded-For";
  /** A longer chain is cut at this many hops from the right; nothing further left is trusted anyway. */
  static final int MAX_FORWARDED_HOPS = 32;

  private final TrustedProxies proxies;

  public ClientAddressResolver(TrustedProxies proxies) {
    this.proxies = proxies;
  }

  /** The client's address and whether a trusted proxy stood between us. */
  public record ClientAddress(InetAddress ip, boolean viaTrustedProxy) {}

  public ClientAddress resolve(InetAddress peer, MultiMap headers) {
    if (!proxies.trusts(peer)) {
      return new ClientAddress(peer, false);
    }
    Optional<InetAddress> cloudflare = single(headers.getAll(CF_CONNECTING_IP));
    if (cloudflare.isPresent()) {
      return new ClientAddress(cloudflare.get(), true);
    }
    return new ClientAddress(fromForwardedFor(headers.getAll(X_FORWARDED_FOR)).orElse(peer), true);
  }

  /** A header that appears once with one valid literal; anything else is ignored. */
  private static Optional<InetAddress> single(List<String> values) {
    return values.size() == 1 ? IpAddresses.parse(values.get(0)) : Optional.empty();
  }

  /**
   * Walks the chain from the right (the hop nearest us): trusted proxies are skipped, the first
   * other entry is the client. A malformed entry stops the walk: what is left of it cannot be
   * trusted, so the last trusted hop is the answer. All trusted: the left-most of them.
   */
  private Optional<InetAddress> fromForwardedFor(List<String> headers) {
    // Several X-Forwarded-For headers are one list, in order.
    String joined = String.join(",", headers);
    if (joined.isBlank()) {
      return Optional.empty();
    }
    String[] hops = joined.split(",", -1);
    InetAddress nearestTrusted = null;
    int stop = Math.max(0, hops.length - MAX_FORWARDED_HOPS);
    for (int i = hops.length - 1; i >= stop; i--) {
      String text = hops[i].trim();
      if (text.isEmpty()) {
        // "a, b," or "a,,b": an empty list element (RFC 9110 lists allow them) says nothing.
        continue;
      }
      Optional<InetAddress> hop = IpAddresses.parse(stripPort(text));
      if (hop.isEmpty()) {
        return Optional.ofNullable(nearestTrusted);
      }
      if (!proxies.trusts(hop.get())) {
        return hop;
      }
      nearestTrusted = hop.get();
    }
    return Optional.ofNullable(nearestTrusted);
  }

  /** {@code 203.0.113.7:51234} and {@code [2001:db8::1]:443} carry a port some proxies append. */
  static String stripPort(String hop) {
    if (hop.startsWith("[")) {
      int close = hop.indexOf(']');
      return close > 0 ? hop.substring(0, close + 1) : hop;
    }
    int colon = hop.indexOf(':');
    if (colon > 0 && hop.indexOf(':', colon + 1) < 0) {
      return hop.substring(0, colon);
    }
    return hop;
  }
}
