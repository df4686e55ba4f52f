package io.mediaedge.links;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.links.LinkOptions.Binding;
import io.mediaedge.links.LinkOptions.Disposition;
import io.mediaedge.links.LinkSigner.Check;
import io.mediaedge.links.LinkSigner.Refusal;
import io.mediaedge.links.LinkSigner.SignedLink;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinkSignerTest {
  private static final String PATH = "/v1/media/019ab1c2-0000-7000-8000-000000000001/content";
  private static final Instant NOW = Instant.parse("2026-12-06T10:07:30Z");
  private static final byte[] KEY_1 = filled(1);
  private static final byte[] KEY_2 = filled(2);

  private static byte[] filled(int value) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) value);
    return key;
  }

  private static LinkSigner signer(String kid, Instant now) {
    return new LinkSigner(new LinkKeys(kid, Map.of("k1", KEY_1, "k2", KEY_2)), Duration.ofMinutes(15),
        Duration.ofDays(7), Clock.fixed(now, ZoneOffset.UTC));
  }

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  private static LinkOptions inline(Duration lifetime) {
    return new LinkOptions(lifetime, Binding.NONE, Disposition.INLINE, Optional.empty());
  }

  /** The query of a link as a request's parameters would read it. */
  private static Map<String, String> params(SignedLink link) {
    Map<String, String> out = new LinkedHashMap<>();
    String query = link.pathAndQuery().substring(link.pathAndQuery().indexOf('?') + 1);
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static Check check(LinkSigner signer, String path, Map<String, String> params, InetAddress client) {
    return signer.check(path, params::get, client);
  }

  @Test
  void aLinkChecksOutForItsPathAndSaysWhatItAllows() throws Exception {
    LinkSigner signer = signer("k1", NOW);
    SignedLink link = signer.sign(PATH, "user-1", new LinkOptions(Duration.ofHours(1), Binding.NONE,
        Disposition.ATTACHMENT, Optional.of("Holiday 2026 é.jpg")), ip("198.51.100.7"));
    assertTrue(link.pathAndQuery().startsWith(PATH + "?u="), link.pathAndQuery());
    Check check = check(signer, PATH, params(link), ip("203.0.113.9"));
    assertTrue(check.grant().isPresent(), check.toString());
    assertEquals("user-1", check.grant().get().owner());
    assertEquals(Disposition.ATTACHMENT, check.grant().get().disposition());
    assertEquals(Optional.of("Holiday 2026 é.jpg"), check.grant().get().filename());
    assertFalse(check.grant().get().bound());
  }

  @Test
  void expiryIsRoundedUpToTheReusePeriodSoAskingAgainGivesTheSameUrl() throws Exception {
    SignedLink first = signer("k1", NOW).sign(PATH, "user-1", inline(Duration.ofHours(1)), ip("198.51.100.7"));
    SignedLink later = signer("k1", NOW.plusSeconds(400)).sign(PATH, "user-1", inline(Duration.ofHours(1)),
        ip("198.51.100.7"));
    // 10:07:30 + 1 h rounds up to 11:15
    assertEquals(Instant.parse("2026-12-06T11:15:00Z"), first.expiresAt());
    assertEquals(first.pathAndQuery(), later.pathAndQuery());
    SignedLink nextPeriod = signer("k1", NOW.plusSeconds(900)).sign(PATH, "user-1", inline(Duration.ofHours(1)),
        ip("198.51.100.7"));
    assertNotEquals(first.pathAndQuery(), nextPeriod.pathAndQuery());
  }

  @Test
  void everyTamperedFieldIsRefused() throws Exception {
    LinkSigner signer = signer("k1", NOW);
    SignedLink link = signer.sign(PATH, "user-1", new LinkOptions(Duration.ofHours(1), Binding.NETWORK,
        Disposition.ATTACHMENT, Optional.of("a.jpg")), ip("198.51.100.7"));
    InetAddress client = ip("198.51.100.200");
    Map<String, String> good = params(link);
    assertTrue(check(signer, PATH, good, client).grant().isPresent());
    Map<String, String> tampered = Map.of(
        "u", "dXNlci0y", // user-2
        "exp", String.valueOf(Long.parseLong(good.get("exp")) + 900),
        "kid", "k2",
        "ip", "198.51.0.0/16",
        "d", "inline",
        "fn", "b.jpg",
        "sig", good.get("sig").substring(0, 42) + (good.get("sig").endsWith("A") ? "B" : "A"));
    for (Map.Entry<String, String> change : tampered.entrySet()) {
      Map<String, String> altered = new LinkedHashMap<>(good);
      altered.put(change.getKey(), change.getValue());
      assertEquals(Optional.of(Refusal.INVALID), check(signer, PATH, altered, client).refusal(), change.getKey());
    }
    for (String dropped : good.keySet()) {
      Map<String, String> missing = new LinkedHashMap<>(good);
      missing.remove(dropped);
      assertEquals(Optional.of(Refusal.INVALID), check(signer, PATH, missing, client).refusal(), dropped);
    }
    // another media, or a thumbnail's path with the original's link
    assertEquals(Optional.of(Refusal.INVALID), check(signer, PATH.replace("0001", "0002"), good, client).refusal());
    assertEquals(Optional.of(Refusal.INVALID),
        check(signer, PATH.replace("/content", "/thumbnails/200"), good, client).refusal());
  }

  @Test
  void anExpiredLinkIsToldApartOnlyOnceItsSignatureHolds() throws Exception {
    SignedLink link = signer("k1", NOW).sign(PATH, "user-1", inline(Duration.ofMinutes(10)), ip("198.51.100.7"));
    Map<String, String> params = params(link);
    LinkSigner aSecondLate = signer("k1", link.expiresAt().plusSeconds(1));
    assertEquals(Optional.of(Refusal.EXPIRED), check(aSecondLate, PATH, params, ip("198.51.100.7")).refusal());
    LinkSigner atExpiry = signer("k1", link.expiresAt());
    assertEquals(Optional.of(Refusal.EXPIRED), check(atExpiry, PATH, params, ip("198.51.100.7")).refusal());
    LinkSigner aSecondBefore = signer("k1", link.expiresAt().minusSeconds(1));
    assertTrue(check(aSecondBefore, PATH, params, ip("198.51.100.7")).grant().isPresent());
    params.put("sig", params.get("sig").replace(params.get("sig").charAt(5), params.get("sig").charAt(5) == 'x' ? 'y' : 'x'));
    assertEquals(Optional.of(Refusal.INVALID), check(aSecondLate, PATH, params, ip("198.51.100.7")).refusal());
  }

  @Test
  void boundLinksWorkOnlyFromTheirAddressOrNetwork() throws Exception {
    LinkSigner signer = signer("k1", NOW);
    SignedLink exact = signer.sign(PATH, "u", new LinkOptions(Duration.ofHours(1), Binding.EXACT, Disposition.INLINE,
        Optional.empty()), ip("198.51.100.7"));
    assertEquals(Optional.of("198.51.100.7"), exact.boundTo());
    assertTrue(check(signer, PATH, params(exact), ip("198.51.100.7")).grant().get().bound());
    assertEquals(Optional.of(Refusal.INVALID), check(signer, PATH, params(exact), ip("198.51.100.8")).refusal());

    SignedLink v4 = signer.sign(PATH, "u", new LinkOptions(Duration.ofHours(1), Binding.NETWORK, Disposition.INLINE,
        Optional.empty()), ip("198.51.100.7"));
    assertEquals(Optional.of("198.51.100.0/24"), v4.boundTo());
    assertTrue(check(signer, PATH, params(v4), ip("198.51.100.250")).grant().isPresent());
    assertEquals(Optional.of(Refusal.INVALID), check(signer, PATH, params(v4), ip("198.51.101.7")).refusal());
    assertEquals(Optional.of(Refusal.INVALID), check(signer, PATH, params(v4), ip("2001:db8::1")).refusal());

    SignedLink v6 = signer.sign(PATH, "u", new LinkOptions(Duration.ofHours(1), Binding.NETWORK, Disposition.INLINE,
        Optional.empty()), ip("2001:db8:1:2:aaaa::1"));
    assertEquals(Optional.of("2001:db8:1:2:0:0:0:0/64"), v6.boundTo());
    assertTrue(check(signer, PATH, params(v6), ip("2001:db8:1:2:ffff::9")).grant().isPresent());
    assertEquals(Optional.of(Refusal.INVALID), check(signer, PATH, params(v6), ip("2001:db8:1:3::1")).refusal());
  }

  @Test
  void keysRotateWithoutBreakingLinksInFlight() throws Exception {
    SignedLink old = signer("k1", NOW).sign(PATH, "u", inline(Duration.ofHours(1)), ip("198.51.100.7"));
    LinkSigner rotated = signer("k2", NOW);
    assertTrue(check(rotated, PATH, params(old), ip("198.51.100.7")).grant().isPresent());
    LinkSigner retired = new LinkSigner(new LinkKeys("k2", Map.of("k2", KEY_2)), Duration.ofMinutes(15),
        Duration.ofDays(7), Clock.fixed(NOW, ZoneOffset.UTC));
    assertEquals(Optional.of(Refusal.INVALID), check(retired, PATH, params(old), ip("198.51.100.7")).refusal());
  }

  @Test
  void lifetimesAndNamesOutsideTheRulesAreRefusedWhenSigning() throws Exception {
    LinkSigner signer = signer("k1", NOW);
    assertThrows(IllegalArgumentException.class, () -> signer.sign(PATH, "u", inline(Duration.ofDays(8)),
        ip("198.51.100.7")));
    assertThrows(IllegalArgumentException.class, () -> signer.sign(PATH, "u", inline(Duration.ZERO),
        ip("198.51.100.7")));
    for (String name : new String[] {"a\"b.jpg", "../x", "a\nb", "a\\b", ""}) {
      assertThrows(IllegalArgumentException.class, () -> new LinkOptions(Duration.ofHours(1), Binding.NONE,
          Disposition.ATTACHMENT, Optional.of(name)), name);
    }
    assertThrows(IllegalArgumentException.class, () -> new LinkKeys("k1", Map.of("k1", new byte[16])));
    assertThrows(IllegalArgumentException.class, () -> new LinkKeys("k3", Map.of("k1", KEY_1)));
  }

  @Test
  void aLinkLongerThanTheServerWouldSignIsRefusedEvenWithAGoodSignature() throws Exception {
    // a signer elsewhere with a longer maximum, sharing the key
    LinkSigner lax = new LinkSigner(new LinkKeys("k1", Map.of("k1", KEY_1)), Duration.ofMinutes(15),
        Duration.ofDays(30), Clock.fixed(NOW, ZoneOffset.UTC));
    SignedLink link = lax.sign(PATH, "u", inline(Duration.ofDays(20)), ip("198.51.100.7"));
    assertEquals(Optional.of(Refusal.INVALID), check(signer("k1", NOW), PATH, params(link), ip("198.51.100.7")).refusal());
  }

  @Test
  void boundAddressesAreOnlyLiteralsNeverNames() throws Exception {
    assertFalse(LinkSigner.boundAddressHolds("localhost", ip("127.0.0.1")));
    assertFalse(LinkSigner.boundAddressHolds("example.com/24", ip("127.0.0.1")));
    assertFalse(LinkSigner.boundAddressHolds("198.51.100.0/33", ip("198.51.100.1")));
    assertTrue(LinkSigner.boundAddressHolds("198.51.100.0/24", ip("198.51.100.1")));
  }
}
