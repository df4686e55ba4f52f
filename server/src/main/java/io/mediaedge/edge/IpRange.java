package io.mediaedge.edge;

import io.mediaedge.config.CidrNotation;
import java.net.InetAddress;
import java.util.Arrays;

/** One CIDR block ({@code 173.245.48.0/20}, {@code 2400:cb00::/32}); a bare address is a /32 or /128. */
public record IpRange(byte[] network, int prefixLength) {

  public IpRange {
    network = network.clone();
  }

  /** Parses CIDR notation; throws IllegalArgumentException with the offending text. */
  public static IpRange parse(String text) {
    CidrNotation written = CidrNotation.parse(text);
    return new IpRange(masked(written.address(), written.prefixLength()), written.prefixLength());
  }

  public boolean contains(InetAddress address) {
    byte[] candidate = address.getAddress();
    if (candidate.length != network.length) {
      return false;
    }
    return Arrays.equals(masked(candidate, prefixLength), network);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof IpRange range && range.prefixLength == prefixLength
        && Arrays.equals(range.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefixLength;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first {@code prefix} bits of an address, the rest zero. */
  static byte[] masked(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xFF00 >> keep));
    }
    return out;
  }
}
