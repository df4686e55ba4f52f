package io.mediaedge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.IpAddresses;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpRangeTest {

  private static InetAddress ip(String text) {
    return IpAddresses.parse(text).orElseThrow();
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "173.245.48.0/20, 173.245.48.0/20",
      "10.1.2.3/8, 10.0.0.0/8",
      "203.0.113.9, 203.0.113.9/32",
      "203.0.113.9/32, 203.0.113.9/32",
      "192.0.2.255/31, 192.0.2.254/31",
      "255.255.255.255/1, 128.0.0.0/1",
      "1.2.3.4/0, 0.0.0.0/0",
      "1.2.3.4/024, 1.2.3.0/24",
      "' 10.0.0.0/8 ', 10.0.0.0/8",
      "2400:cb00::/32, 2400:cb00:0:0:0:0:0:0/32",
      "2400:cb00:1:2::/32, 2400:cb00:0:0:0:0:0:0/32",
      "[2001:db8::]/48, 2001:db8:0:0:0:0:0:0/48",
      "2001:db8::1, 2001:db8:0:0:0:0:0:1/128",
      "2001:db8::1/128, 2001:db8:0:0:0:0:0:1/128",
      "2001:db8::ffff/127, 2001:db8:0:0:0:0:0:fffe/127",
      "::/0, 0:0:0:0:0:0:0:0/0",
      "2a06:98c0::/29, 2a06:98c0:0:0:0:0:0:0/29"})
  void parsesCidrAndMasksTheHostBits(String text, String expected) {
    assertEquals(expected, IpRange.parse(text).toString());
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "::ffff:10.0.0.0/104, 10.0.0.0/8",
      "::ffff:0:0/96, 0.0.0.0/0",
      "::ffff:203.0.113.0/120, 203.0.113.0/24",
      "::ffff:203.0.113.9/128, 203.0.113.9/32",
      "::ffff:203.0.113.9, 203.0.113.9/32",
      "[::ffff:10.0.0.0]/104, 10.0.0.0/8"})
  void ipv4MappedRangesNameIpv4Space(String text, String expected) {
    IpRange range = IpRange.parse(text);
    assertEquals(expected, range.toString());
    assertEquals(IpRange.parse(expected), range);
  }

  @Test
  void aMappedRangeContainsMappedAndPlainPeers() {
    IpRange range = IpRange.parse("::ffff:10.0.0.0/104");
    assertTrue(range.contains(ip("10.200.3.4")));
    assertTrue(range.contains(ip("::ffff:10.200.3.4")));
    assertFalse(range.contains(ip("11.0.0.1")));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/abc", "10.0.0.0/1234",
      "10.0.0.0/8/8", "10.0.0.0/ 8", "10.0.0.0/+8", "2001:db8::/129", "::/200", "::ffff:10.0.0.0/129",
      "10.0.0.0/٨"})
  void invalidPrefixLengthsAreRefusedWithTheText(String text) {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> IpRange.parse(text));
    assertTrue(error.getMessage().contains(text), error.getMessage());
    assertTrue(error.getMessage().contains("prefix"), error.getMessage());
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"::ffff:10.0.0.0/95", "::ffff:203.0.113.0/24", "::ffff:10.0.0.0/0"})
  void aMappedRangeShorterThan96BitsIsRefusedNotWidenedToAllOfIpv4(String text) {
    // "::ffff:203.0.113.0/24" is an IPv4 /24 written in the wrong notation; trusting 0.0.0.0/0
    // instead would let every client on the Internet forge CF-Connecting-IP.
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> IpRange.parse(text));
    assertTrue(error.getMessage().contains(text), error.getMessage());
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"localhost/8", "example.com", "cloudflare", "10.0.0/8", "/8", "", "  ", "10.0.0.0.0/8",
      "1.2.3.4:80"})
  void textThatIsNoAddressIsRefusedWithTheText(String text) {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> IpRange.parse(text));
    assertTrue(error.getMessage().contains("'" + text + "'"), error.getMessage());
  }

  @Test
  void containsIsExactAtTheEdgesOfTheRange() {
    IpRange range = IpRange.parse("173.245.48.0/20");
    assertFalse(range.contains(ip("173.245.47.255")));
    assertTrue(range.contains(ip("173.245.48.0")));
    assertTrue(range.contains(ip("173.245.55.128")));
    assertTrue(range.contains(ip("173.245.63.255")));
    assertFalse(range.contains(ip("173.245.64.0")));
  }

  @Test
  void containsIsExactAtTheEdgesOfAnIpv6Range() {
    IpRange range = IpRange.parse("2a06:98c0::/29");
    assertFalse(range.contains(ip("2a06:98bf:ffff:ffff:ffff:ffff:ffff:ffff")));
    assertTrue(range.contains(ip("2a06:98c0::")));
    assertTrue(range.contains(ip("2a06:98c7:ffff:ffff:ffff:ffff:ffff:ffff")));
    assertFalse(range.contains(ip("2a06:98c8::")));
  }

  @Test
  void slashZeroContainsEveryAddressOfItsFamilyOnly() {
    IpRange allV4 = IpRange.parse("0.0.0.0/0");
    IpRange allV6 = IpRange.parse("::/0");
    assertTrue(allV4.contains(ip("255.255.255.255")));
    assertTrue(allV4.contains(ip("0.0.0.0")));
    assertFalse(allV4.contains(ip("2001:db8::1")));
    assertTrue(allV6.contains(ip("ffff::1")));
    assertFalse(allV6.contains(ip("8.8.8.8")));
  }

  @Test
  void singleAddressRangesContainOnlyThatAddress() {
    assertTrue(IpRange.parse("192.0.2.7/32").contains(ip("192.0.2.7")));
    assertFalse(IpRange.parse("192.0.2.7/32").contains(ip("192.0.2.6")));
    assertTrue(IpRange.parse("2001:db8::7/128").contains(ip("2001:db8::7")));
    assertFalse(IpRange.parse("2001:db8::7/128").contains(ip("2001:db8::6")));
  }

  @Test
  void ipv4AndIpv6RangesNeverContainTheOtherFamily() {
    assertFalse(IpRange.parse("10.0.0.0/8").contains(ip("a00::1")), "the same leading byte is not enough");
    assertFalse(IpRange.parse("a00::/8").contains(ip("10.0.0.1")));
  }

  @Test
  void rangesAreEqualByNetworkAndPrefix() {
    assertEquals(IpRange.parse("10.9.9.9/8"), IpRange.parse("10.0.0.0/8"));
    assertEquals(IpRange.parse("10.9.9.9/8").hashCode(), IpRange.parse("10.0.0.0/8").hashCode());
    assertNotEquals(IpRange.parse("10.0.0.0/8"), IpRange.parse("10.0.0.0/9"));
    assertNotEquals(IpRange.parse("0.0.0.0/0"), IpRange.parse("::/0"));
  }

  @Test
  void theRangeKeepsItsOwnCopyOfTheNetwork() {
    byte[] network = {10, 0, 0, 0};
    IpRange range = new IpRange(network, 8);
    network[0] = 11;
    assertTrue(range.contains(ip("10.1.1.1")));
    assertFalse(range.contains(ip("11.1.1.1")));
  }
}
