package io.mediaedge.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** IP literals from untrusted text, parsed without ever touching DNS. */
public final class IpAddresses {
  /** Longer than any IPv6 literal with a zone; longer text is refused before parsing. */
  private static final int MAX_LITERAL = 64;

  private IpAddresses() {}

  /**
   * The address a literal names, or empty when the text is not an IPv4 or IPv6 literal.
   * {@link InetAddress#getByName} would resolve a host name on the calling thread instead.
   * Brackets ({@code [::1]}) are accepted; IPv4-mapped IPv6 addresses become IPv4.
   */
  public static Optional<InetAddress> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String literal = text.trim();
    if (literal.isEmpty() || literal.length() > MAX_LITERAL) {
      return Optional.empty();
    }
    if (literal.startsWith("[") && literal.endsWith("]")) {
      literal = literal.substring(1, literal.length() - 1);
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
    if (bytes == null) {
      return Optional.empty();
    }
    try {
      // getByAddress turns ::ffff:a.b.c.d into an Inet4Address.
      return Optional.of(InetAddress.getByAddress(bytes));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
