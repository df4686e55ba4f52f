package io.mediaedge.config;

import java.net.InetAddress;

/**
 * An address or CIDR range as written ({@code 173.245.48.0/20}, {@code 2400:cb00::/32}, a bare
 * address): the address bytes and the prefix length, not yet masked. It lives with the
 * configuration so that a bad range stops the start naming its option; the edge room builds its
 * ranges from this same reading, for configured ranges and range files alike.
 *
 * @param address the address bytes (4 or 16), as written
 * @param prefixLength bits of the network part, counted in {@code address}'s own length
 */
public record CidrNotation(byte[] address, int prefixLength) {

  public CidrNotation {
    address = address.clone();
  }

  @Override
  public byte[] address() {
    return address.clone();
  }

  /** Parses CIDR notation; throws IllegalArgumentException with the offending text. */
  public static CidrNotation parse(String text) {
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
    return new CidrNotation(bytes, prefix);
  }
}
