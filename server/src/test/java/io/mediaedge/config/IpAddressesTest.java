package io.mediaedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Literals come from headers a client may have written: parse them, never resolve them. */
class IpAddressesTest {

  private static InetAddress parsed(String text) {
    return IpAddresses.parse(text).orElseThrow(() -> new AssertionError("'" + text + "' should parse"));
  }

  @ParameterizedTest(name = "''{0}'' is {1}")
  @CsvSource(delimiter = '|', value = {
      "1.2.3.4 | 1.2.3.4",
      "'  203.0.113.9 ' | 203.0.113.9",
      "0.0.0.0 | 0.0.0.0",
      "255.255.255.255 | 255.255.255.255",
      "2001:db8::1 | 2001:db8:0:0:0:0:0:1",
      "[2001:db8::1] | 2001:db8:0:0:0:0:0:1",
      "::1 | 0:0:0:0:0:0:0:1",
      ":: | 0:0:0:0:0:0:0:0",
      "2001:DB8:0:0:0:0:0:ABCD | 2001:db8:0:0:0:0:0:abcd",
      "fe80::1%eth0 | fe80:0:0:0:0:0:0:1"})
  void literalsParseToTheAddressTheyName(String text, String expected) {
    assertEquals(expected, parsed(text).getHostAddress());
  }

  @Test
  void ipv4MappedIpv6BecomesIpv4() {
    InetAddress mapped = parsed("::ffff:203.0.113.9");
    assertInstanceOf(Inet4Address.class, mapped);
    assertEquals("203.0.113.9", mapped.getHostAddress());
    assertEquals(parsed("203.0.113.9"), parsed("[::ffff:cb00:7109]"), "the hex spelling is the same address");
  }

  @Test
  void plainIpv6StaysIpv6() {
    assertInstanceOf(Inet6Address.class, parsed("2400:cb00::1"));
    assertInstanceOf(Inet6Address.class, parsed("::1"));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"localhost", "example.com", "one.one.one.one", "ip6-localhost", "1.2.3.4.nip.io",
      "0x7f.0.0.1", "127.1", "2130706433", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "1.2.3.4/32",
      "1.2.3.4:80", "[::1", "::1]", "[1.2.3.4", "2001:db8::1::2", "2001:db8:::1", "12345::1", "gggg::1", "-",
      "unknown", "_hidden", "   ", ""})
  void anythingButALiteralIsRefusedWithoutAskingDns(String text) {
    assertEquals(Optional.empty(), IpAddresses.parse(text));
  }

  @Test
  void nullIsEmpty() {
    assertEquals(Optional.empty(), IpAddresses.parse(null));
  }

  @Test
  void overlongTextIsRefusedBeforeParsing() {
    String zone = "fe80::1%";
    String atTheLimit = zone + "e".repeat(64 - zone.length());
    assertTrue(IpAddresses.parse(atTheLimit).isPresent(), "64 characters with a zone still parse");
    assertEquals(Optional.empty(), IpAddresses.parse(atTheLimit + "e"));
    assertEquals(Optional.empty(), IpAddresses.parse("1.2.3.4" + " 1.2.3.4".repeat(5000)));
  }
}
