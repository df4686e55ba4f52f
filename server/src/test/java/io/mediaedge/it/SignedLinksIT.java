package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static io.mediaedge.it.HistoryFlowsIT.client;
import static io.mediaedge.it.HistoryFlowsIT.created;
import static io.mediaedge.it.HistoryFlowsIT.freshUser;
import static io.mediaedge.it.UploadFailuresIT.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServer;
import io.mediaedge.links.LinkKeys;
import io.mediaedge.links.LinkOptions;
import io.mediaedge.links.LinkOptions.Binding;
import io.mediaedge.links.LinkOptions.Disposition;
import io.mediaedge.links.LinkSigner;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signed download links against the real stack, over two instances that share the link key: made
 * on one, read on the other with no token; every tampered field refused alike, whether or not the
 * media exists; a delete on one instance stops the link on both at once.
 */
class SignedLinksIT {
  private static final byte[] KEY = new byte[32];

  private static TestStack stack;
  private static EdgeServer a;
  private static EdgeServer b;
  private static EdgeClient viaA;
  private static EdgeClient viaB;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    new SecureRandom().nextBytes(KEY);
    // Generated for this run, never committed; both instances read the same file.
    Path keyFile = Files.createDirectories(Path.of("target/it/link-keys")).resolve("k1-" + UUID.randomUUID());
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(KEY));
    JsonObject links = new JsonObject().put("links", new JsonObject()
        .put("keyFiles", new JsonObject().put("k1", keyFile.toString())));
    a = stack.startServer(links);
    b = stack.startServer(links.copy());
    viaA = client(a, HttpClient.Version.HTTP_2);
    viaB = client(b, HttpClient.Version.HTTP_1_1);
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServers(a, b);
  }

  private static String upload(EdgeClient via, String user, byte[] body) {
    return json(created(via.upload(stack.token(user), "image/jpeg", body))).getString("id");
  }

  private static HttpResponse<byte[]> makeLink(EdgeClient via, String user, String id, JsonObject options) {
    HttpRequest.Builder request = via.request("/v1/media/" + id + "/links", stack.token(user));
    request = options == null ? request.POST(HttpRequest.BodyPublishers.noBody())
        : request.header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(options.encode()));
    return via.send(request.build());
  }

  /** The path and query of a link's URL, to send to either instance. */
  private static String pathOf(HttpResponse<byte[]> made) {
    assertEquals(201, made.statusCode(), () -> new String(made.body(), StandardCharsets.UTF_8));
    URI url = URI.create(json(made).getString("url"));
    return url.getRawPath() + "?" + url.getRawQuery();
  }

  @Test
  void theOwnerMakesALinkAndAnyoneReadsItOnAnyInstanceWithoutAToken() {
    String user = freshUser("links");
    byte[] body = MediaSamples.withHead(MediaSamples.JPEG_HEAD, 200_000, 17);
    String id = upload(viaA, user, body);
    HttpResponse<byte[]> made = makeLink(viaA, user, id, new JsonObject().put("disposition", "attachment")
        .put("filename", "Hafen 2026 ü.jpg").put("lifetimeSeconds", 3600));
    JsonObject link = json(made);
    assertEquals("no-store", made.headers().firstValue("Cache-Control").orElse(null));
    assertTrue(link.getString("url").startsWith("https://"), link.encode());
    Instant expires = Instant.parse(link.getString("expiresAt"));
    assertTrue(expires.isAfter(Instant.now().plusSeconds(3590)), link.encode());
    String path = pathOf(made);

    HttpResponse<byte[]> whole = viaB.get(path, null);
    assertEquals(200, whole.statusCode(), () -> new String(whole.body(), StandardCharsets.UTF_8));
    assertArrayEquals(body, whole.body());
    assertEquals("image/jpeg", whole.headers().firstValue("Content-Type").orElse(null));
    assertEquals("attachment; filename=\"Hafen 2026 _.jpg\"; filename*=UTF-8''Hafen%202026%20%C3%BC.jpg",
        whole.headers().firstValue("Content-Disposition").orElse(null));
    String cache = whole.headers().firstValue("Cache-Control").orElse("");
    assertTrue(cache.startsWith("public, max-age="), cache);
    long maxAge = Long.parseLong(cache.substring("public, max-age=".length()));
    assertTrue(maxAge > 3000 && maxAge < Duration.between(Instant.now(), expires).toSeconds(), cache);

    HttpResponse<byte[]> part = viaB.get(path, null, "Range", "bytes=100-199");
    assertEquals(206, part.statusCode());
    assertArrayEquals(java.util.Arrays.copyOfRange(body, 100, 200), part.body());
    String etag = whole.headers().firstValue("ETag").orElseThrow();
    assertEquals(304, viaA.get(path, null, "If-None-Match", etag).statusCode());
    HttpResponse<byte[]> head = viaA.send(viaA.request(path, null).method("HEAD",
        HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(200, head.statusCode());
    assertEquals(String.valueOf(body.length), head.headers().firstValue("Content-Length").orElse(null));

    // asked again within the reuse period: the very same URL, so caches keep hitting
    assertEquals(path, pathOf(makeLink(viaB, user, id, new JsonObject().put("disposition", "attachment")
        .put("filename", "Hafen 2026 ü.jpg").put("lifetimeSeconds", 3600))));
  }

  @Test
  void onlyTheOwnerMakesLinksAndBadOptionsGetAClearError() {
    String owner = freshUser("links-owner");
    String id = upload(viaA, owner, MediaSamples.withHead(MediaSamples.JPEG_HEAD, 10_000, 3));
    assertError(404, "NOT_FOUND", makeLink(viaA, freshUser("links-other"), id, null));
    assertError(401, "UNAUTHORIZED", viaA.send(viaA.request("/v1/media/" + id + "/links", null)
        .POST(HttpRequest.BodyPublishers.noBody()).build()));
    assertError(400, "BAD_REQUEST", makeLink(viaA, owner, id, new JsonObject().put("lifetimeSeconds", 8 * 86_400)));
    assertError(400, "BAD_REQUEST", makeLink(viaA, owner, id, new JsonObject().put("bind", "everywhere")));
    assertError(400, "BAD_REQUEST", makeLink(viaA, owner, id, new JsonObject().put("disposition", "attachment")
        .put("filename", "../../etc/passwd")));
    assertError(400, "BAD_REQUEST", makeLink(viaA, owner, id, new JsonObject().put("sneaky", true)));
    assertError(400, "BAD_REQUEST", viaA.send(viaA.request("/v1/media/" + id + "/links", stack.token(owner))
        .POST(HttpRequest.BodyPublishers.ofString("{\"filename\": \"" + "x".repeat(5000) + "\"}")).build()));
    assertError(400, "BAD_REQUEST", viaA.send(viaA.request("/v1/media/" + id + "/links", stack.token(owner))
        .POST(HttpRequest.BodyPublishers.ofString("[1, 2")).build()));
    // default options: an hour, unbound, inline
    HttpResponse<byte[]> plain = makeLink(viaA, owner, id, null);
    assertEquals("inline", json(plain).getString("disposition"));
    assertEquals("inline", viaA.get(pathOf(plain), null).headers().firstValue("Content-Disposition").orElse(null));
  }

  @Test
  void everyTamperedFieldIsRefusedAliveOrNot() {
    String user = freshUser("links-tamper");
    String id = upload(viaA, user, MediaSamples.withHead(MediaSamples.JPEG_HEAD, 10_000, 5));
    String other = upload(viaA, user, MediaSamples.withHead(MediaSamples.JPEG_HEAD, 10_000, 6));
    String path = pathOf(makeLink(viaA, user, id, new JsonObject().put("bind", "network")
        .put("disposition", "attachment").put("filename", "a.jpg")));
    assertEquals(200, viaB.get(path, null).statusCode());
    Map<String, String> params = query(path);
    Map<String, String> tampered = new LinkedHashMap<>();
    tampered.put("u", Base64.getUrlEncoder().withoutPadding().encodeToString(
        freshUser("links-thief").getBytes(StandardCharsets.UTF_8)));
    tampered.put("exp", String.valueOf(Long.parseLong(params.get("exp")) + 86_400));
    tampered.put("kid", "k2");
    tampered.put("ip", "0.0.0.0/0");
    tampered.put("d", "inline");
    tampered.put("fn", "b.jpg");
    String sig = params.get("sig");
    tampered.put("sig", (sig.charAt(0) == 'A' ? "B" : "A") + sig.substring(1));
    for (Map.Entry<String, String> change : tampered.entrySet()) {
      Map<String, String> altered = new LinkedHashMap<>(params);
      altered.put(change.getKey(), change.getValue());
      assertError(403, "LINK_INVALID", viaB.get(pathWith(id, altered), null));
      Map<String, String> dropped = new LinkedHashMap<>(params);
      dropped.remove(change.getKey());
      if (!change.getKey().equals("d") && !change.getKey().equals("fn") && !change.getKey().equals("ip")) {
        assertError(403, "LINK_INVALID", viaB.get(pathWith(id, dropped), null));
      }
    }
    // a repeated parameter is never read one way here and another way by a cache in front
    assertError(403, "LINK_INVALID", viaB.get(path + "&exp=" + params.get("exp"), null));
    // the link of one media on another, and on an id that does not exist: the same 403
    assertError(403, "LINK_INVALID", viaB.get(pathWith(other, params), null));
    assertError(403, "LINK_INVALID", viaB.get(pathWith("019af000-0000-7000-8000-000000000000", params), null));
    assertError(403, "LINK_INVALID", viaB.get(pathWith("not-an-id", params), null));
    // no signature at all
    assertError(403, "LINK_INVALID", viaB.get("/v1/media/" + id + "/content", null));
  }

  @Test
  void expiredByASecondAndBoundElsewhereAreRefused() throws Exception {
    String user = freshUser("links-time");
    String id = upload(viaA, user, MediaSamples.withHead(MediaSamples.JPEG_HEAD, 10_000, 7));
    String contentPath = "/v1/media/" + id + "/content";
    // A signer with the instances' key whose clock ran two seconds ago: its one-second link
    // expired a second ago.
    LinkSigner past = new LinkSigner(new LinkKeys("k1", Map.of("k1", KEY)), Duration.ofSeconds(1),
        Duration.ofDays(7), Clock.fixed(Instant.now().minusSeconds(2), ZoneOffset.UTC));
    LinkOptions oneSecond = new LinkOptions(Duration.ofSeconds(1), Binding.NONE, Disposition.INLINE, Optional.empty());
    String expired = past.sign(contentPath, user, oneSecond, InetAddress.getLoopbackAddress()).pathAndQuery();
    assertError(403, "LINK_EXPIRED", viaA.get(expired, null));
    assertError(403, "LINK_EXPIRED", viaB.get(expired, null));

    LinkSigner now = new LinkSigner(new LinkKeys("k1", Map.of("k1", KEY)), Duration.ofMinutes(15),
        Duration.ofDays(7), Clock.systemUTC());
    LinkOptions bound = new LinkOptions(Duration.ofHours(1), Binding.NETWORK, Disposition.INLINE, Optional.empty());
    // made for a client in 203.0.113.0/24, replayed from here (127.0.0.1)
    String elsewhere = now.sign(contentPath, user, bound, InetAddress.getByName("203.0.113.9")).pathAndQuery();
    assertError(403, "LINK_INVALID", viaA.get(elsewhere, null));
    // bound to this very address through the API: works here, and says it may not be shared
    HttpResponse<byte[]> mine = makeLink(viaA, user, id, new JsonObject().put("bind", "ip"));
    assertEquals("127.0.0.1", json(mine).getString("boundTo"));
    HttpResponse<byte[]> read = viaB.get(pathOf(mine), null);
    assertEquals(200, read.statusCode());
    assertTrue(read.headers().firstValue("Cache-Control").orElse("").startsWith("private, max-age="));
  }

  @Test
  void aDeleteOnOneInstanceStopsTheLinkOnBothAtOnce() {
    String user = freshUser("links-delete");
    String id = upload(viaA, user, MediaSamples.withHead(MediaSamples.JPEG_HEAD, 10_000, 9));
    String path = pathOf(makeLink(viaA, user, id, null));
    // both instances have read the row, and b's owner route has it in its cache
    assertEquals(200, viaB.get("/v1/media/" + id, stack.token(user)).statusCode());
    assertEquals(200, viaB.get(path, null).statusCode());
    assertEquals(200, viaA.get(path, null).statusCode());
    assertEquals(204, viaA.delete("/v1/media/" + id, stack.token(user)).statusCode());
    assertError(404, "NOT_FOUND", viaB.get(path, null));
    assertError(404, "NOT_FOUND", viaA.get(path, null));
  }

  @Test
  void theListingCarriesAWorkingLinkForEachItemWhenAsked() {
    String user = freshUser("links-list");
    byte[] first = MediaSamples.withHead(MediaSamples.JPEG_HEAD, 5_000, 11);
    byte[] second = MediaSamples.withHead(MediaSamples.JPEG_HEAD, 6_000, 12);
    upload(viaA, user, first);
    upload(viaA, user, second);
    JsonArray plain = json(viaA.get("/v1/media", stack.token(user))).getJsonArray("items");
    assertFalse(plain.getJsonObject(0).containsKey("link"));
    HttpResponse<byte[]> listed = viaA.get("/v1/media?links=true", stack.token(user));
    assertEquals(200, listed.statusCode());
    JsonArray items = json(listed).getJsonArray("items");
    assertEquals(2, items.size());
    // newest first
    assertArrayEquals(second, viaB.get(pathOfUrl(items.getJsonObject(0)), null).body());
    assertArrayEquals(first, viaB.get(pathOfUrl(items.getJsonObject(1)), null).body());
    assertNotEquals(pathOfUrl(items.getJsonObject(0)), pathOfUrl(items.getJsonObject(1)));
    assertError(400, "BAD_REQUEST", viaA.get("/v1/media?links=maybe", stack.token(user)));
  }

  private static String pathOfUrl(JsonObject item) {
    URI url = URI.create(item.getJsonObject("link").getString("url"));
    return url.getRawPath() + "?" + url.getRawQuery();
  }

  private static Map<String, String> query(String pathAndQuery) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : pathAndQuery.substring(pathAndQuery.indexOf('?') + 1).split("&")) {
      int eq = pair.indexOf('=');
      out.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return out;
  }

  private static String pathWith(String id, Map<String, String> params) {
    StringBuilder out = new StringBuilder("/v1/media/" + id + "/content?");
    params.forEach((name, value) -> out.append(name).append('=').append(value).append('&'));
    return out.substring(0, out.length() - 1);
  }
}
