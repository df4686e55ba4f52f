package io.mediaedge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.IpAddresses;
import io.mediaedge.edge.geo.GeoAnswer;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgeTaggerTest {
  private static final InetAddress CLOUDFLARE = ip("173.245.48.7");
  private static final InetAddress STRANGER = ip("198.51.100.23");
  private static final GeoAnswer SEOUL = new GeoAnswer("KR", "Seoul", 9318, "SK Broadband");

  private final List<InetAddress> looked = new ArrayList<>();

  private static InetAddress ip(String text) {
    return IpAddresses.parse(text).orElseThrow();
  }

  private EdgeTagger tagger(ClientIpForm form) {
    TrustedProxies proxies = new TrustedProxies(List.of("173.245.48.0/20"), List.of());
    return new EdgeTagger(new ClientAddressResolver(proxies), ip -> {
      looked.add(ip);
      return SEOUL;
    }, form, "eu-west");
  }

  private static MultiMap cloudflareHeaders(String client) {
    return HttpHeaders.headers().add("CF-Connecting-IP", client).add("CF-Ray", "8c3d2b1a0f1e2d3c-icn")
        .add("CF-IPCountry", "kr");
  }

  @Test
  void behindATrustedProxyTheClientIsLookedUpAndTheCdnHeadersAreKept() {
    EdgeView view = tagger(ClientIpForm.TRUNCATED).see(CLOUDFLARE, cloudflareHeaders("203.0.113.9"));
    assertEquals(new EdgeView(ip("203.0.113.9"), "203.0.113.0", true, SEOUL, "ICN", "KR", "eu-west"), view);
    assertEquals(List.of(ip("203.0.113.9")), looked, "GeoIP sees the client, not Cloudflare");
  }

  @Test
  void spoofedCdnHeadersFromAnUntrustedPeerAreDropped() {
    EdgeView view = tagger(ClientIpForm.FULL).see(STRANGER, cloudflareHeaders("203.0.113.9"));
    assertEquals(STRANGER, view.clientIp());
    assertEquals("198.51.100.23", view.shownIp());
    assertFalse(view.viaTrustedProxy());
    assertEquals("", view.pop());
    assertEquals("", view.cdnCountry());
    assertEquals(List.of(STRANGER), looked);
  }

  @Test
  void theShownAddressFollowsTheConfiguredForm() {
    assertEquals("2001:db8:1234:5678:0:0:0:9",
        tagger(ClientIpForm.FULL).see(CLOUDFLARE, cloudflareHeaders("2001:db8:1234:5678::9")).shownIp());
    assertEquals("2001:db8:1234:0:0:0:0:0",
        tagger(ClientIpForm.TRUNCATED).see(CLOUDFLARE, cloudflareHeaders("2001:db8:1234:5678::9")).shownIp());
    EdgeView hidden = tagger(ClientIpForm.NONE).see(CLOUDFLARE, cloudflareHeaders("2001:db8:1234:5678::9"));
    assertEquals("", hidden.shownIp());
    assertEquals(ip("2001:db8:1234:5678::9"), hidden.clientIp(), "kept in memory for GeoIP and routing");
  }

  @Test
  void theViewAsJsonCarriesOnlyTheShownAddress() {
    EdgeView view = tagger(ClientIpForm.TRUNCATED).see(CLOUDFLARE, cloudflareHeaders("203.0.113.9"));
    JsonObject json = view.toJson();
    assertEquals(new JsonObject().put("clientIp", "203.0.113.0").put("viaProxy", true).put("country", "KR")
        .put("city", "Seoul").put("asn", "9318").put("isp", "SK Broadband").put("pop", "ICN")
        .put("cdnCountry", "KR").put("region", "eu-west"), json);
    assertFalse(json.encode().contains("203.0.113.9"));
  }

  @Test
  void anUnknownAsnIsEmptyText() {
    EdgeView view = new EdgeView(STRANGER, "", false, GeoAnswer.UNKNOWN, "", "", "local");
    assertEquals("", view.asn());
    assertEquals("", view.toJson().getString("asn"));
    assertTrue(view.toJson().containsKey("city"));
  }
}
