package io.mediaedge.edge;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.ConfigException;
import io.mediaedge.config.IpAddresses;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class TrustedProxiesTest {
  @TempDir Path dir;

  private static InetAddress ip(String text) {
    return IpAddresses.parse(text).orElseThrow();
  }

  /** Replaces the file the way refresh scripts do: write aside, then rename over it. */
  private Path replace(Path file, String content) throws Exception {
    Path next = Files.writeString(dir.resolve(file.getFileName() + ".next"), content);
    return Files.move(next, file, ATOMIC_MOVE, REPLACE_EXISTING);
  }

  private static boolean check(TrustedProxies proxies) throws Exception {
    return proxies.files().get(0).checkNow().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void noneTrustsNobody() {
    TrustedProxies none = TrustedProxies.none();
    assertTrue(none.isEmpty());
    assertFalse(none.trusts(ip("127.0.0.1")));
    assertFalse(none.trusts(ip("173.245.48.1")));
  }

  @Test
  void inlineRangesAndFilesAreTrustedTogether() throws Exception {
    Path file = Files.writeString(dir.resolve("cdn.txt"), "173.245.48.0/20\n2400:cb00::/32\n");
    TrustedProxies proxies = new TrustedProxies(List.of("10.0.0.0/8"), List.of(file));
    assertEquals(3, proxies.size());
    assertTrue(proxies.trusts(ip("10.3.2.1")));
    assertTrue(proxies.trusts(ip("173.245.48.9")));
    assertTrue(proxies.trusts(ip("2400:cb00::9")));
    assertFalse(proxies.trusts(ip("203.0.113.9")));
  }

  @Test
  void theCommittedCloudflareFileIsTrusted() {
    TrustedProxies proxies = new TrustedProxies(List.of(), List.of(Path.of("conf/cloudflare-ips.txt")));
    assertEquals(22, proxies.size());
    assertTrue(proxies.trusts(ip("104.16.0.1")));
  }

  @Test
  void aBadRangeFileStopsTheStartNamingTheFileAndLine() throws Exception {
    Path file = Files.writeString(dir.resolve("broken.txt"), "173.245.48.0/20\n173.245.48.0/40\n");
    ConfigException error = assertThrows(ConfigException.class,
        () -> new TrustedProxies(List.of(), List.of(file)));
    assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
    assertTrue(error.getMessage().contains("line 2"), error.getMessage());
  }

  @Test
  void aBadInlineRangeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new TrustedProxies(List.of("10.0.0.0/99"), List.of()));
  }

  @Test
  void aChangedFileIsTrustedAfterTheReloadAndTheOldRangeNoLonger(Vertx vertx) throws Exception {
    Path file = Files.writeString(dir.resolve("cdn.txt"), "173.245.48.0/20\n");
    TrustedProxies proxies = new TrustedProxies(List.of("10.0.0.0/8"), List.of(file));
    proxies.watch(vertx, Duration.ofHours(1));
    try {
      replace(file, "# refreshed\n198.51.100.0/24\n2400:cb00::/32\n");
      assertTrue(check(proxies));
      assertTrue(proxies.trusts(ip("198.51.100.7")));
      assertTrue(proxies.trusts(ip("2400:cb00::7")));
      assertFalse(proxies.trusts(ip("173.245.48.1")), "a range removed from the file is no longer trusted");
      assertTrue(proxies.trusts(ip("10.0.0.1")), "inline ranges stay");
      assertEquals(3, proxies.size());
    } finally {
      proxies.stop();
    }
  }

  @Test
  void aBrokenReplacementKeepsTrustingTheLastGoodList(Vertx vertx) throws Exception {
    Path file = Files.writeString(dir.resolve("cdn.txt"), "173.245.48.0/20\n");
    TrustedProxies proxies = new TrustedProxies(List.of(), List.of(file));
    proxies.watch(vertx, Duration.ofHours(1));
    try {
      replace(file, "173.245.48.0/20\n<html>rate limited</html>\n");
      assertFalse(check(proxies));
      assertTrue(proxies.trusts(ip("173.245.48.1")));
      assertEquals(1, proxies.size());
    } finally {
      proxies.stop();
    }
  }
}
