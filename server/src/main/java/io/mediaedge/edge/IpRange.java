package io.mediaedge.edge;

import java.net.InetAddress;
import java.util.Arrays;

/** One CIDR block ({@code 173.245.48.0/20}, {@code 2400:cb00::/32}); a bare address is a /32 or /128. */
public record IpRange(byte[] network, int prefixLength) {

  public IpRange {
    network = network.clone();
  }

  /** Parses CIDR notation; throws IllegalArgumentException with the offending text. */
  public static IpRange parse(String text) {
    String trimmed = text.trim();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    InetAddress parsed = IpAddresses.parse(address)
        .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range"));
    byte[] bytes = parsed.getAddress();
    // ::ffff:0:0/96 style ranges of IPv4-mapped addresses name IPv4 space; their prefix counts 128 bits.
    boolean mapped = bytes.length == 4 && address.contains(":");
    int maxBits = mapped ? 128 : bytes.length * 8;
    int prefix = bytes.length * 8;
    if (slash >= 0) {
      String bits = trimmed.substring(slash + 1);
      if (!bits.matches("\\d{1,3}") || Integer.parseInt(bits) > maxBits) {
        throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
      }
      prefix = Integer.parseInt(bits);
      if (mapped) {
        // Shorter than /96 is not IPv4 space: most likely an IPv4 prefix in the wrong notation.
        if (prefix < 96) {
          throw new IllegalArgumentException("'" + text + "' has an invalid prefix length for an IPv4-mapped"
              + " range (96 to 128)");
        }
        prefix -= 96;
      }
    }
    return new IpRange(masked(bytes, prefix), prefix);
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
