package io.mediaedge.edge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * How much of the client's address we keep in rows, events and logs. {@code TRUNCATED} keeps the
 * network (IPv4 /24, IPv6 /48): enough to see an ISP's trouble, not enough to name a household.
 */
public enum ClientIpForm {
  FULL, TRUNCATED, NONE;

  static final int IPV4_KEPT_BITS = 24;
  static final int IPV6_KEPT_BITS = 48;

  public static ClientIpForm parse(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }

  public String show(InetAddress address) {
    switch (this) {
      case FULL:
        return address.getHostAddress();
      case TRUNCATED:
        int bits = address.getAddress().length == 4 ? IPV4_KEPT_BITS : IPV6_KEPT_BITS;
        try {
          return InetAddress.getByAddress(IpRange.masked(address.getAddress(), bits)).getHostAddress();
        } catch (UnknownHostException e) {
          throw new IllegalStateException(e);
        }
      default:
        return "";
    }
  }
}
