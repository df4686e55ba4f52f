package io.mediaedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.ConfigException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PropertyExtractorTest {
  private static final JsonObject CLAIMS = new JsonObject().put("sub", "user-1").put("plan", "pro")
      .put("seats", 3).put("beta", true).put("org", new JsonObject().put("id", "o-9").put("tier", 2))
      .put("roles", new JsonArray().add("admin").add("editor")).putNull("nothing");
  private static final JsonObject EDGE = new JsonObject().put("country", "KR").put("asn", "9318").put("pop", "ICN");

  private static MultiMap requestHeaders() {
    return HttpHeaders.headers().add("X-App-Version", "5.2.1").add("User-Agent", "MediaApp/5.2.1 (Android 15)")
        .add("Authorization", "Bearer secret-token").add("Cookie", "session=secret");
  }

  private static Map<String, String> extract(Map<String, String> paths, JsonObject metadata, int maxValueLength) {
    PropertyExtractor extractor = new PropertyExtractor(paths, List.of("x-app-version", "User-Agent"),
        maxValueLength);
    return extractor.extract(extractor.document(CLAIMS, requestHeaders(), metadata, EDGE));
  }

  private static Map<String, String> extract(Map<String, String> paths, JsonObject metadata) {
    return extract(paths, metadata, 256);
  }

  private static Map<String, String> extract(Map<String, String> paths) {
    return extract(paths, new JsonObject());
  }

  @Test
  void eachSourceOfTheDocumentCanBeRead() {
    JsonObject metadata = new JsonObject().put("device", new JsonObject().put("model", "Pixel 8"));
    Map<String, String> properties = extract(Map.of("plan", "$.claims.plan", "appVersion", "$.headers['x-app-version']",
        "agent", "$.headers.user-agent", "deviceModel", "$.metadata.device.model", "country", "$.edge.country"),
        metadata);
    assertEquals(Map.of("plan", "pro", "appVersion", "5.2.1", "agent", "MediaApp/5.2.1 (Android 15)",
        "deviceModel", "Pixel 8", "country", "KR"), properties);
  }

  @Test
  void configuredHeaderNamesAreCaseInsensitive() {
    PropertyExtractor extractor = new PropertyExtractor(Map.of("v", "$.headers['x-app-version']"),
        List.of("X-APP-VERSION"), 256);
    MultiMap lowerCase = HttpHeaders.headers().add("x-app-version", "5.2.1");
    Map<String, Object> document = extractor.document(CLAIMS, lowerCase, new JsonObject(), EDGE);
    assertEquals(Map.of("v", "5.2.1"), extractor.extract(document));
  }

  @Test
  void headersThatAreNotConfiguredNeverEnterTheDocument() {
    PropertyExtractor extractor = new PropertyExtractor(Map.of("all", "$.headers"), List.of("x-app-version"), 4096);
    Map<String, Object> document = extractor.document(CLAIMS, requestHeaders(), new JsonObject(), EDGE);
    assertEquals(Map.of("x-app-version", "5.2.1"), document.get("headers"));
    assertEquals(Map.of(), extract(Map.of("token", "$.headers.authorization", "cookie", "$.headers.cookie")));
  }

  @Test
  void aConfiguredHeaderMissingFromTheRequestIsAbsent() {
    PropertyExtractor extractor = new PropertyExtractor(Map.of("v", "$.headers['x-app-version']"),
        List.of("x-app-version"), 256);
    Map<String, Object> document = extractor.document(CLAIMS, HttpHeaders.headers(), new JsonObject(), EDGE);
    assertEquals(Map.of(), extractor.extract(document));
  }

  @Test
  void missingValuesAreAbsent() {
    assertEquals(Map.of(), extract(Map.of("a", "$.claims.missing", "b", "$.metadata.device.model",
        "c", "$.claims.org.missing.deeper", "d", "$.claims.roles[5]", "e", "$.nowhere", "f", "$.claims.nothing",
        "g", "$.metadata.items[*].name", "h", "$.claims.plan.deeper")));
  }

  @Test
  void nonStringValuesBecomeJsonText() {
    Map<String, String> properties = extract(Map.of("seats", "$.claims.seats", "beta", "$.claims.beta",
        "org", "$.claims.org", "roles", "$.claims.roles", "firstRole", "$.claims.roles[0]",
        "ids", "$..id"));
    assertEquals(Map.of("seats", "3", "beta", "true", "org", "{\"id\":\"o-9\",\"tier\":2}",
        "roles", "[\"admin\",\"editor\"]", "firstRole", "admin", "ids", "[\"o-9\"]"), properties);
  }

  @Test
  void filtersSelectFromClientMetadata() {
    JsonObject metadata = new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("kind", "photo").put("name", "a.jpg"))
        .add(new JsonObject().put("kind", "video").put("name", "b.mp4")));
    assertEquals(Map.of("videos", "[\"b.mp4\"]"),
        extract(Map.of("videos", "$.metadata.items[?(@.kind == 'video')].name"), metadata));
  }

  @Test
  void aFilterOverTheWrongTypeIsAbsentNotAFailure() {
    JsonObject metadata = new JsonObject().put("items", "not a list").put("n", new JsonArray().add(1).add("x"));
    assertEquals(Map.of(), extract(Map.of("a", "$.metadata.items[?(@.kind == 'video')].name",
        "b", "$.metadata.n[?(@ > 'x')].missing", "c", "$.metadata.items.length()"), metadata));
  }

  @Test
  void valuesAreCutToTheMaximumLength() {
    JsonObject metadata = new JsonObject().put("note", "x".repeat(300))
        .put("list", new JsonArray().add("y".repeat(50)).add("z".repeat(50)));
    Map<String, String> properties = extract(Map.of("note", "$.metadata.note", "list", "$.metadata.list"),
        metadata, 40);
    assertEquals("x".repeat(40), properties.get("note"));
    assertEquals("[\"" + "y".repeat(38), properties.get("list"));
    assertEquals(Map.of("note", "x".repeat(300)), extract(Map.of("note", "$.metadata.note"), metadata, 300));
  }

  @Test
  void cuttingNeverSplitsACharacterOutsideTheBasicPlane() {
    JsonObject metadata = new JsonObject().put("title", "ab📷📷");
    assertEquals("ab", extract(Map.of("t", "$.metadata.title"), metadata, 3).get("t"));
    assertEquals("ab📷", extract(Map.of("t", "$.metadata.title"), metadata, 4).get("t"));
    assertEquals("ab📷", extract(Map.of("t", "$.metadata.title"), metadata, 5).get("t"));
  }

  @Test
  void longHeaderValuesAreCutBeforeEnteringTheDocument() {
    PropertyExtractor extractor = new PropertyExtractor(Map.of("v", "$.headers.x-big"), List.of("x-big"), 4096);
    MultiMap headers = HttpHeaders.headers().add("X-Big", "b".repeat(10_000));
    Map<String, Object> document = extractor.document(CLAIMS, headers, new JsonObject(), EDGE);
    Map<?, ?> selected = (Map<?, ?>) document.get("headers");
    assertEquals(PropertyExtractor.MAX_HEADER_VALUE, ((String) selected.get("x-big")).length());
    assertEquals(PropertyExtractor.MAX_HEADER_VALUE, extractor.extract(document).get("v").length());
  }

  @Test
  void onlyConfiguredNamesComeOut() {
    JsonObject metadata = new JsonObject().put("plan", "enterprise").put("injected", "yes");
    assertEquals(Map.of("plan", "pro"), extract(Map.of("plan", "$.claims.plan"), metadata));
  }

  @Test
  void aHostileExpressionOverDeeplyNestedInputStaysBounded() {
    // Upload-Metadata may hold JSON nested as deep as the JSON parser allows (1000 levels).
    JsonObject metadata = new JsonObject().put("deep", new JsonArray("[".repeat(999) + "1" + "]".repeat(999)))
        .put("wide", new JsonObject(Map.of("a", List.of(Map.of("b", List.of(1, 2, 3)), "c"))));
    Map<String, String> paths = Map.of("everything", "$..*", "scan", "$..[*]", "deepest", "$..[0]");
    Map<String, String> first = extract(paths, metadata, 256);
    assertEquals(paths.keySet(), first.keySet());
    first.values().forEach(value -> assertTrue(value.length() <= 256, value));
    // What bounds the work: the document the expressions run over keeps MAX_DEPTH levels, not 999.
    PropertyExtractor extractor = new PropertyExtractor(paths, List.of(), 256);
    Object level = ((Map<?, ?>) extractor.document(CLAIMS, requestHeaders(), metadata, EDGE).get("metadata"))
        .get("deep");
    int depth = 0;
    while (level instanceof List<?> list && !list.isEmpty()) {
      level = list.get(0);
      depth++;
    }
    assertTrue(depth < PropertyExtractor.MAX_DEPTH, "kept " + depth + " levels of 999");
    assertTrue(level instanceof List<?>, "the cut-off level is kept empty, not dropped: " + level);
  }

  @Test
  void aValueThatCannotBeWrittenAsJsonIsAbsentNotAFailure() {
    PropertyExtractor extractor = new PropertyExtractor(Map.of("odd", "$.claims.odd", "plan", "$.claims.plan"),
        List.of(), 256);
    JsonObject claims = CLAIMS.copy().put("odd", new Object());
    Map<String, Object> document = extractor.document(claims, requestHeaders(), new JsonObject(), EDGE);
    assertEquals(Map.of("plan", "pro"), extractor.extract(document));
  }

  @Test
  void clientJsonIsKeptToABoundedDepth() {
    int depth = PropertyExtractor.MAX_DEPTH;
    // metadata.n holds depth - 1 nested objects: the innermost one is at the limit and kept empty.
    JsonObject nested = new JsonObject().put("leaf", "kept");
    for (int i = 0; i < depth - 2; i++) {
      nested = new JsonObject().put("n", nested);
    }
    JsonObject metadata = new JsonObject().put("n", nested);
    String withinLimit = "$.metadata" + ".n".repeat(depth - 1) + ".leaf";
    assertEquals(Map.of("ok", "kept"), extract(Map.of("ok", withinLimit), metadata));
    JsonObject deeper = new JsonObject().put("n", new JsonObject().put("n", nested));
    assertEquals(Map.of("cut", "{}"), extract(Map.of("cut", "$.metadata" + ".n".repeat(depth)), deeper));
    assertEquals(Map.of(), extract(Map.of("gone", "$.metadata" + ".n".repeat(depth + 1) + ".leaf"), deeper));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"$.[", "$['unclosed", "$[?(@.a ==)]", "$..", "$.claims.", "", "  "})
  void anInvalidExpressionStopsTheStartNamingTheProperty(String expression) {
    ConfigException error = assertThrows(ConfigException.class,
        () -> new PropertyExtractor(Map.of("appVersion", "$.claims.ok", "broken", expression), List.of(), 256));
    assertTrue(error.getMessage().startsWith("properties.paths.broken is not a valid JsonPath expression"),
        error.getMessage());
  }

  @Test
  void noPropertiesExtractNothing() {
    PropertyExtractor none = PropertyExtractor.none();
    assertTrue(none.isEmpty());
    assertEquals(Map.of(), none.extract(none.document(CLAIMS, requestHeaders(), new JsonObject(), EDGE)));
    assertFalse(new PropertyExtractor(Map.of("plan", "$.claims.plan"), List.of(), 256).isEmpty());
  }

  @Test
  void theDocumentHoldsPlainMapsAndLists() {
    PropertyExtractor extractor = new PropertyExtractor(Map.of(), List.of(), 256);
    Map<String, Object> document = extractor.document(CLAIMS, requestHeaders(),
        new JsonObject().put("tags", new JsonArray().add(new JsonObject().put("k", "v"))), EDGE);
    assertEquals(List.of("claims", "headers", "metadata", "edge"), List.copyOf(document.keySet()));
    assertEquals(Map.of("tags", List.of(Map.of("k", "v"))), document.get("metadata"));
    assertEquals(Map.of("id", "o-9", "tier", 2), ((Map<?, ?>) document.get("claims")).get("org"));
  }
}
