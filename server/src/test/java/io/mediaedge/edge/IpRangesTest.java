package io.mediaedge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.IpAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpRangesTest {
  private static final Path CLOUDFLARE = Path.of("conf/cloudflare-ips.txt");

  @TempDir Path dir;

  private static InetAddress ip(String text) {
    return IpAddresses.parse(text).orElseThrow();
  }

  @Test
  void theCommittedCloudflareListLoads() throws IOException {
    IpRanges cloudflare = IpRanges.read(CLOUDFLARE);
    assertEquals(22, cloudflare.size(), "15 IPv4 and 7 IPv6 ranges as published");
    assertTrue(cloudflare.ranges().contains(IpRange.parse("173.245.48.0/20")));
    assertTrue(cloudflare.ranges().contains(IpRange.parse("2c0f:f248::/32")));
    for (String edge : List.of("173.245.48.1", "104.16.0.1", "162.159.255.254", "172.71.255.255", "131.0.75.255",
        "2400:cb00::1", "2606:4700:4700::1111", "2a06:98c7::1", "::ffff:104.24.0.1")) {
      assertTrue(cloudflare.contains(ip(edge)), edge + " is a Cloudflare edge address");
    }
    for (String other : List.of("8.8.8.8", "203.0.113.9", "127.0.0.1", "10.0.0.1", "104.15.255.255", "172.72.0.0",
        "::1", "2001:4860:4860::8888", "2a06:98c8::1")) {
      assertFalse(cloudflare.contains(ip(other)), other + " is not Cloudflare");
    }
  }

  @Test
  void commentsAndBlankLinesAreIgnored() throws IOException {
    Path file = Files.writeString(dir.resolve("ranges.txt"), "# header\n\n  10.0.0.0/8   # office\n"
        + "\t2001:db8::/32\n#192.168.0.0/16\n   \n192.0.2.1 # a single load balancer\n");
    IpRanges ranges = IpRanges.read(file);
    assertEquals(List.of(IpRange.parse("10.0.0.0/8"), IpRange.parse("2001:db8::/32"), IpRange.parse("192.0.2.1")),
        ranges.ranges());
    assertFalse(ranges.contains(ip("192.168.1.1")), "a commented-out range is not trusted");
  }

  @Test
  void aFileOfOnlyCommentsIsEmpty() throws IOException {
    Path file = Files.writeString(dir.resolve("empty.txt"), "# nothing trusted yet\n\n");
    IpRanges ranges = IpRanges.read(file);
    assertTrue(ranges.isEmpty());
    assertFalse(ranges.contains(ip("10.0.0.1")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "proxy.example.com", "10.0.0.0/8 10.1.0.0/16", "10.0.0.0/8,10.1.0.0/16"})
  void oneBadLineFailsTheWholeFileWithItsLineNumber(String bad) throws IOException {
    Path file = Files.writeString(dir.resolve("bad.txt"), "# list\n10.0.0.0/8\n" + bad + "\n192.0.2.0/24\n");
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> IpRanges.read(file));
    assertTrue(error.getMessage().startsWith("line 3: "), error.getMessage());
    assertTrue(error.getMessage().contains(bad), error.getMessage());
  }

  @Test
  void aMissingFileIsAnIoError() {
    assertThrows(NoSuchFileException.class, () -> IpRanges.read(dir.resolve("absent.txt")));
  }

  @Test
  void ofParsesEveryRangeOrNone() {
    IpRanges ranges = IpRanges.of(List.of("10.0.0.0/8", "2001:db8::/32"));
    assertEquals(2, ranges.size());
    assertTrue(ranges.contains(ip("10.255.0.1")));
    assertTrue(ranges.contains(ip("2001:db8:ffff::1")));
    assertThrows(IllegalArgumentException.class, () -> IpRanges.of(List.of("10.0.0.0/8", "not-a-range")));
  }

  @Test
  void plusIsTheUnionAndLeavesBothSidesAlone() {
    IpRanges office = IpRanges.of(List.of("10.0.0.0/8"));
    IpRanges balancer = IpRanges.of(List.of("192.0.2.1"));
    IpRanges both = office.plus(balancer);
    assertTrue(both.contains(ip("10.1.1.1")));
    assertTrue(both.contains(ip("192.0.2.1")));
    assertEquals(2, both.size());
    assertEquals(1, office.size());
    assertFalse(office.contains(ip("192.0.2.1")));
  }

  @Test
  void noneTrustsNothing() {
    assertTrue(IpRanges.NONE.isEmpty());
    assertFalse(IpRanges.NONE.contains(ip("127.0.0.1")));
    assertFalse(IpRanges.NONE.contains(ip("::1")));
  }
}
