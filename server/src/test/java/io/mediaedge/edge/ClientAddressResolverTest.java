package io.mediaedge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.IpAddresses;
import io.mediaedge.edge.ClientAddressResolver.ClientAddress;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The resolver decides whose address lands in rows, events, GeoIP and route hints. Anything a
 * client can write must not move it, unless a trusted proxy vouches for it.
 */
class ClientAddressResolverTest {
  private static final String CF = ClientAddressResolver.CF_CONNECTING_IP;
  private static final String XFF = ClientAddressResolver.X_FORWARDED_FOR;

  /** A load balancer network and one Cloudflare range of each family. */
  private final ClientAddressResolver resolver = new ClientAddressResolver(
      new TrustedProxies(List.of("10.0.0.0/8", "173.245.48.0/20", "2400:cb00::/32"), List.of()));

  private static final InetAddress CLOUDFLARE = ip("173.245.48.7");
  private static final InetAddress CLOUDFLARE_V6 = ip("2400:cb00::7");
  private static final InetAddress BALANCER = ip("10.0.0.2");
  private static final InetAddress STRANGER = ip("198.51.100.23");

  private static InetAddress ip(String text) {
    return IpAddresses.parse(text).orElseThrow();
  }

  private static MultiMap headers(String... namesAndValues) {
    MultiMap headers = HttpHeaders.headers();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  private InetAddress client(InetAddress peer, String... namesAndValues) {
    return resolver.resolve(peer, headers(namesAndValues)).ip();
  }

  @Test
  void aDirectClientIsItsSocketAddress() {
    assertEquals(new ClientAddress(STRANGER, false), resolver.resolve(STRANGER, headers()));
  }

  @Test
  void spoofedForwardingHeadersFromAnUntrustedPeerChangeNothing() {
    ClientAddress seen = resolver.resolve(STRANGER, headers(CF, "203.0.113.9", XFF, "203.0.113.10",
        "CF-Ray", "8c3d2b1a0f1e2d3c-LHR", "CF-IPCountry", "GB"));
    assertEquals(new ClientAddress(STRANGER, false), seen);
  }

  @Test
  void aClientClaimingToBeATrustedProxyInItsHeadersIsStillNotTrusted() {
    assertEquals(STRANGER, client(STRANGER, XFF, "203.0.113.9, 173.245.48.7", CF, "10.0.0.2"));
  }

  @Test
  void withNoTrustedListEveryForwardingHeaderIsIgnored() {
    ClientAddressResolver denyAll = new ClientAddressResolver(TrustedProxies.none());
    for (InetAddress peer : List.of(CLOUDFLARE, BALANCER, ip("127.0.0.1"), ip("::1"))) {
      ClientAddress seen = denyAll.resolve(peer, headers(CF, "203.0.113.9", XFF, "203.0.113.10"));
      assertEquals(new ClientAddress(peer, false), seen, "peer " + peer);
    }
  }

  @Test
  void aTrustedPeersCfConnectingIpIsTheClient() {
    assertEquals(new ClientAddress(ip("203.0.113.9"), true), resolver.resolve(CLOUDFLARE, headers(CF, "203.0.113.9")));
    assertEquals(ip("2001:db8::9"), client(CLOUDFLARE_V6, CF, "2001:db8::9"));
  }

  @Test
  void cfConnectingIpWinsOverForwardedFor() {
    assertEquals(ip("203.0.113.9"), client(CLOUDFLARE, XFF, "198.51.100.1", CF, "203.0.113.9"));
  }

  @Test
  void headerNamesAreCaseInsensitive() {
    assertEquals(ip("203.0.113.9"), client(CLOUDFLARE, "cf-connecting-ip", "203.0.113.9"));
    assertEquals(ip("203.0.113.8"), client(BALANCER, "x-forwarded-for", "203.0.113.8"));
  }

  @Test
  void duplicatedCfConnectingIpIsIgnored() {
    // Cloudflare sets exactly one; two mean someone else added one.
    assertEquals(CLOUDFLARE, client(CLOUDFLARE, CF, "203.0.113.9", CF, "198.51.100.1"));
    assertEquals(ip("192.0.2.44"), client(CLOUDFLARE, CF, "203.0.113.9", CF, "203.0.113.9", XFF, "192.0.2.44"),
        "falls back to X-Forwarded-For");
  }

  @ParameterizedTest(name = "CF-Connecting-IP: ''{0}''")
  @ValueSource(strings = {"localhost", "example.com", "one.one.one.one", "203.0.113.9:443", "203.0.113.9, 1.1.1.1",
      "unknown", "", "   ", "0x7f000001", "2130706433"})
  void aCfConnectingIpThatIsNoLiteralIsIgnoredAndNeverResolved(String value) {
    assertEquals(CLOUDFLARE, client(CLOUDFLARE, CF, value));
    assertEquals(ip("192.0.2.44"), client(CLOUDFLARE, CF, value, XFF, "192.0.2.44"));
  }

  @Test
  void anOverlongCfConnectingIpIsIgnored() {
    assertEquals(CLOUDFLARE, client(CLOUDFLARE, CF, "203.0.113.9" + " ".repeat(100) + "x"));
    assertEquals(CLOUDFLARE, client(CLOUDFLARE, CF, "2001:db8::1%" + "z".repeat(200)));
  }

  @Test
  void anIpv4MappedCfConnectingIpIsIpv4() {
    InetAddress client = client(CLOUDFLARE_V6, CF, "::ffff:203.0.113.9");
    assertInstanceOf(Inet4Address.class, client);
    assertEquals(ip("203.0.113.9"), client);
  }

  @Test
  void anIpv4MappedPeerInATrustedIpv4RangeIsTrusted() {
    // Dual-stack listeners report IPv4 peers as ::ffff:a.b.c.d; the handler parses that literal.
    InetAddress mappedPeer = ip("::ffff:173.245.48.7");
    assertEquals(new ClientAddress(ip("203.0.113.9"), true), resolver.resolve(mappedPeer, headers(CF, "203.0.113.9")));
    assertEquals(new ClientAddress(ip("198.51.100.23"), false),
        resolver.resolve(ip("::ffff:198.51.100.23"), headers(CF, "203.0.113.9")));
  }

  @Test
  void forwardedForTakesTheRightMostUntrustedEntryNotWhatTheClientWroteOnTheLeft() {
    assertEquals(ip("203.0.113.9"), client(BALANCER, XFF, "6.6.6.6, 203.0.113.9"));
    assertEquals(ip("203.0.113.9"), client(BALANCER, XFF, "6.6.6.6,5.5.5.5,   203.0.113.9"));
  }

  @Test
  void forwardedForChainsThroughSeveralTrustedProxies() {
    ClientAddress seen = resolver.resolve(BALANCER, headers(XFF, "6.6.6.6, 203.0.113.9, 173.245.48.1, 10.9.9.9"));
    assertEquals(new ClientAddress(ip("203.0.113.9"), true), seen);
  }

  @Test
  void whenEveryForwardedForEntryIsTrustedTheFarthestOneIsTheClient() {
    assertEquals(ip("10.7.7.7"), client(BALANCER, XFF, "10.7.7.7, 10.8.8.8"));
  }

  @Test
  void severalForwardedForHeadersAreOneListInOrder() {
    assertEquals(ip("203.0.113.9"), client(BALANCER, XFF, "6.6.6.6", XFF, "203.0.113.9, 10.1.1.1"));
    assertEquals(ip("203.0.113.9"), client(BALANCER, XFF, "6.6.6.6, 203.0.113.9", XFF, "10.1.1.1", XFF, "10.2.2.2"));
    assertEquals(ip("5.5.5.5"), client(BALANCER, XFF, "203.0.113.9", XFF, "5.5.5.5"),
        "the right-most untrusted entry, even in a later header");
  }

  @ParameterizedTest(name = "X-Forwarded-For: ''{0}'' is {1}")
  @CsvSource(delimiter = '|', value = {
      "garbage, 203.0.113.9 | 203.0.113.9",
      "203.0.113.9, garbage | 10.0.0.2",
      "203.0.113.9, garbage, 10.1.1.1 | 10.1.1.1",
      "203.0.113.9,, 10.1.1.1 | 203.0.113.9",
      "'203.0.113.9, ' | 203.0.113.9",
      "'' | 10.0.0.2",
      "' , ' | 10.0.0.2",
      "unknown | 10.0.0.2",
      "localhost | 10.0.0.2",
      "example.com, 10.1.1.1 | 10.1.1.1",
      "203.0.113.9 10.1.1.1 | 10.0.0.2",
      "\"203.0.113.9\" | 10.0.0.2"})
  void aMalformedForwardedForEntryStopsTheWalkAtTheNearestTrustedHop(String header, String expected) {
    assertEquals(ip(expected), client(BALANCER, XFF, header));
  }

  @ParameterizedTest(name = "X-Forwarded-For: ''{0}'' is {1}")
  @CsvSource(delimiter = '|', value = {
      "203.0.113.9:5678 | 203.0.113.9",
      "6.6.6.6, 203.0.113.9:5678, 10.1.1.1:443 | 203.0.113.9",
      "[2001:db8::1]:443 | 2001:db8::1",
      "[2001:db8::1] | 2001:db8::1",
      "2001:db8::1 | 2001:db8::1",
      "2001:db8::1, [2400:cb00::1]:8443 | 2001:db8::1",
      "::1 | ::1",
      "::ffff:203.0.113.9 | 203.0.113.9",
      "[::ffff:203.0.113.9]:80 | 203.0.113.9",
      "203.0.113.9, ::ffff:10.1.1.1 | 203.0.113.9"})
  void forwardedForEntriesMayCarryPortsAndBeIpv6(String header, String expected) {
    assertEquals(ip(expected), client(BALANCER, XFF, header));
  }

  @Test
  void hostNamesInForwardedForAreNeverTaken() {
    assertEquals(BALANCER, client(BALANCER, XFF, "localhost:8080"));
    assertEquals(BALANCER, client(BALANCER, XFF, "[localhost]:8080"));
  }

  @Test
  void aTrustedPeerWithoutForwardingHeadersIsTheClientButMarkedProxied() {
    assertEquals(new ClientAddress(CLOUDFLARE, true), resolver.resolve(CLOUDFLARE, headers()));
  }

  @Test
  void aLongChainOfForgedEntriesStillYieldsTheRightMostUntrusted() {
    String forged = IntStream.range(0, 150).mapToObj(i -> "198.18." + (i / 250) + "." + (i % 250 + 1))
        .collect(Collectors.joining(", "));
    assertEquals(ip("203.0.113.9"), client(BALANCER, XFF, forged + ", 203.0.113.9, 10.1.1.1"));
  }

  @Test
  void aChainOfMoreTrustedHopsThanTheLimitIsNotWalkedToTheEnd() {
    int hops = ClientAddressResolver.MAX_FORWARDED_HOPS + 70;
    String trusted = IntStream.range(0, hops).mapToObj(i -> "10.0." + (i / 250) + "." + (i % 250 + 1))
        .collect(Collectors.joining(","));
    InetAddress client = client(BALANCER, XFF, "203.0.113.9," + trusted);
    assertFalse(client.equals(ip("203.0.113.9")), "the walk gives up after the hop limit");
    int leftMostWalked = hops - ClientAddressResolver.MAX_FORWARDED_HOPS;
    assertEquals(ip("10.0." + (leftMostWalked / 250) + "." + (leftMostWalked % 250 + 1)), client,
        "the farthest trusted hop within the limit");
  }

  @Test
  void aHugeForwardedForHeaderStillGivesItsRightMostEntry() {
    // The walk starts at the right end and stops at the first untrusted entry; how fast that is
    // belongs in a benchmark, not here.
    String huge = "6.6.6.6, ".repeat(200_000) + "203.0.113.9";
    assertEquals(ip("203.0.113.9"), client(BALANCER, XFF, huge));
  }
}
